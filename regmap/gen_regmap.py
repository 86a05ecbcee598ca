#!/usr/bin/env python3
"""Generates the register map's three committed views from regmap/ohci.rdl.

    rtl/ohci_regmap.vh          Verilog localparams, `include'd inside module bodies
    fw/include/ohci/regmap.hpp  C++ constants for the firmware (namespace ohci::regs)
    docs/registers.md           the register tables

Usage (with the build's venv, which has systemrdl-compiler):
    build/venv/bin/python regmap/gen_regmap.py --out .      write the three files under the repo root
    build/venv/bin/python regmap/gen_regmap.py --check      exit 1 with a diff if they are stale

Naming rules (the RTL and the firmware depend on them):
  - Verilog: OHCI_ + UPPER_SNAKE instance path. Register offsets are `localparam [N-1:0]`; a 1-bit
    field is a `localparam integer` bit index OHCI_<REG>_<FIELD>; a wider field is
    OHCI_<REG>_<FIELD>_LSB and _WIDTH. <REG> drops the _SET/_CLEAR of a Set/Clear pair. Fields of
    the context-block registers drop the IT_/IR_ prefix when both kinds of block agree on them.
    Enumerators keep their (globally unique) RDL names: OHCI_DESC_CMD_OUTPUT_MORE, OHCI_EVT_...
  - C++: offsets kCamelCase in ohci::regs; fields are `Field{shift, width}` constants named
    k<Field> in a namespace named after <reg> in lower_snake; enums are `enum class` named after
    the RDL enum (without _e), their enumerators without the prefix they all share.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import math
import pathlib
import sys
import tempfile
import textwrap

from systemrdl import RDLCompileError, RDLCompiler
from systemrdl.node import FieldNode, RegfileNode, RegNode
from systemrdl.rdltypes import AccessType, OnWriteType

REPO_ROOT = pathlib.Path(__file__).resolve().parents[1]
RDL_SOURCE = "regmap/ohci.rdl"
GENERATED_LINE = "generated from regmap/ohci.rdl by regmap/gen_regmap.py — do not edit"
VERILOG_OUT = "rtl/ohci_regmap.vh"
CPP_OUT = "fw/include/ohci/regmap.hpp"
DOCS_OUT = "docs/registers.md"

WINDOW_TOP = "ohci"  # the register window addrmap
DESCRIPTOR_TOP = "ohci_desc"  # the DMA descriptor layout addrmap
SET_CLEAR_SUFFIXES = ("_set", "_clear")
CPP_COLUMNS = 100  # the repo's clang-format ColumnLimit


# ------------------------------------------------------------------------------------------------
# The model: plain data taken from the elaborated RDL, named by the rules above.
# ------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Field:
    name: str  # lower_snake RDL instance name
    title: str  # the OHCI specification's name for it
    lsb: int
    width: int
    access: str  # RO, RW, SC (Set/Clear pair) or WB (descriptor write-back)
    reset: int | None
    desc: str
    enum: str | None  # RDL enum type name, when the field is encoded

    @property
    def msb(self) -> int:
        return self.lsb + self.width - 1

    def layout(self) -> tuple[str, int, int]:
        return (self.name, self.lsb, self.width)


@dataclasses.dataclass
class Register:
    """One register, or a Set/Clear pair sharing one layout."""

    stem: str  # name the fields are emitted under (no _set/_clear)
    addresses: list[tuple[str, int, str, str]]  # (instance name, offset, title, desc) per address
    fields: list[Field]
    constant_value: int | None = None

    @property
    def reset_value(self) -> int | None:
        """The power-on value of a register (not a constant) whose every field has a reset."""
        if self.constant_value is not None or any(f.reset is None for f in self.fields):
            return None
        return sum(f.reset << f.lsb for f in self.fields)


@dataclasses.dataclass
class ContextBlock:
    kind: str  # "it" or "ir"
    title: str
    desc: str
    base: int
    stride: int
    count: int
    registers: list[Register]  # offsets relative to the block


@dataclasses.dataclass
class EnumType:
    type_name: str  # RDL name, e.g. desc_cmd_e
    width: int  # width of the fields it encodes
    used_by: list[str]
    members: list[tuple[str, int, str, str]]  # (name, value, title, desc)


@dataclasses.dataclass
class FieldGroup:
    """Fields emitted under one register stem (after the Set/Clear and IT/IR naming rules)."""

    stem: str
    source: str  # what the docs and comments call it
    fields: list[Field]


@dataclasses.dataclass
class Model:
    window: list[Register]
    window_addr_bits: int
    contexts: list[ContextBlock]
    context_reg_offsets: dict[str, int]  # inst name -> offset inside a context block
    contexts_max: int
    descriptor: list[Register]
    descriptor_addr_bits: int
    field_groups: list[FieldGroup]  # window registers, then context registers
    descriptor_groups: list[FieldGroup]
    enums: list[EnumType]


class RegmapError(Exception):
    pass


def field_access(node: FieldNode) -> str:
    sw = node.get_property("sw")
    if sw == AccessType.r:
        return "RO"
    onwrite = node.get_property("onwrite")
    if onwrite in (OnWriteType.woset, OnWriteType.woclr):
        return "SC"
    if onwrite is not None:
        raise RegmapError(f"{node.get_path()}: unsupported onwrite {onwrite}")
    if node.get_property("hw") in (AccessType.w, AccessType.rw):
        return "WB"
    return "RW"


def text(node, prop: str) -> str:
    value = node.get_property(prop)
    return " ".join(value.split()) if value else ""


def read_field(node: FieldNode) -> Field:
    encode = node.get_property("encode")
    return Field(
        name=node.inst_name,
        title=text(node, "name") or node.inst_name,
        lsb=node.lsb,
        width=node.width,
        access=field_access(node),
        reset=node.get_property("reset"),
        desc=text(node, "desc"),
        enum=encode.type_name if encode is not None else None,
    )


def stem_of(inst_name: str) -> str:
    for suffix in SET_CLEAR_SUFFIXES:
        if inst_name.endswith(suffix):
            return inst_name[: -len(suffix)]
    return inst_name


def read_registers(regs: list[RegNode]) -> list[Register]:
    """Groups registers into stems: a Set/Clear pair becomes one Register with two addresses."""
    by_stem: dict[str, Register] = {}
    for reg in regs:
        stem = stem_of(reg.inst_name)
        fields = [read_field(f) for f in reg.fields()]
        title = text(reg, "name") or reg.inst_name
        address = (reg.inst_name, reg.raw_address_offset, title, text(reg, "desc"))
        if stem not in by_stem:
            constant = None
            if reg.get_property("constant_value", default=False):
                if any(f.reset is None for f in fields):
                    raise RegmapError(f"{reg.inst_name}: constant_value needs a reset on every field")
                constant = sum(f.reset << f.lsb for f in fields)
            by_stem[stem] = Register(stem, [address], fields, constant)
            continue
        pair = by_stem[stem]
        if [f.layout() for f in fields] != [f.layout() for f in pair.fields]:
            raise RegmapError(f"{reg.inst_name}: layout differs from the rest of {stem}")
        if [f.access for f in fields] != [f.access for f in pair.fields]:
            raise RegmapError(f"{reg.inst_name}: field access differs from the rest of {stem}")
        pair.addresses.append(address)
    return list(by_stem.values())


def read_context_block(node: RegfileNode) -> ContextBlock:
    if not node.is_array or len(node.array_dimensions) != 1:
        raise RegmapError(f"{node.inst_name}: a context block must be a 1-D regfile array")
    kind = node.inst_name.split("_", 1)[0]
    return ContextBlock(
        kind=kind,
        title=text(node, "name"),
        desc=text(node, "desc"),
        base=node.raw_address_offset,
        stride=node.array_stride,
        count=node.array_dimensions[0],
        registers=read_registers(list(node.registers())),
    )


def context_field_groups(contexts: list[ContextBlock]) -> list[FieldGroup]:
    """A field both kinds of block place identically is named once; the rest per kind."""
    stems: dict[str, dict[str, Register]] = {}
    for block in contexts:
        for reg in block.registers:
            stems.setdefault(reg.stem, {})[block.kind] = reg
    groups: list[FieldGroup] = []
    for stem, per_kind in stems.items():
        layouts = {kind: {f.name: f for f in reg.fields} for kind, reg in per_kind.items()}
        common_names = [
            name
            for name, f in next(iter(layouts.values())).items()
            if all(name in fs and fs[name].layout() == f.layout() for fs in layouts.values())
        ]
        first = next(iter(per_kind.values()))
        common = [f for f in first.fields if f.name in common_names]
        titles = " / ".join(dict.fromkeys(a[2] for a in first.addresses))
        if common:
            groups.append(FieldGroup(stem, titles, common))
        for kind, reg in per_kind.items():
            own = [f for f in reg.fields if f.name not in common_names]
            if own:
                groups.append(FieldGroup(f"{kind}_{stem}", f"{kind.upper()} {titles}", own))
    return groups


def build_model(rdl_path: pathlib.Path) -> Model:
    compiler = RDLCompiler()
    compiler.compile_file(str(rdl_path))
    window_top = compiler.elaborate(WINDOW_TOP).top
    descriptor_top = compiler.elaborate(DESCRIPTOR_TOP).top

    window_regs = [c for c in window_top.children() if isinstance(c, RegNode)]
    context_nodes = [c for c in window_top.children() if isinstance(c, RegfileNode)]
    contexts = [read_context_block(n) for n in context_nodes]
    if [c.kind for c in contexts] != ["it", "ir"]:
        raise RegmapError("expected the it_context and ir_context arrays, in that order")
    counts = {c.count for c in contexts}
    if len(counts) != 1:
        raise RegmapError("IT and IR context arrays differ in length")

    context_reg_offsets: dict[str, int] = {}
    for block in contexts:
        for reg in block.registers:
            for inst, offset, *_ in reg.addresses:
                if context_reg_offsets.setdefault(inst, offset) != offset:
                    raise RegmapError(f"{inst} sits at different offsets in IT and IR blocks")

    window = read_registers(window_regs)
    descriptor = read_registers([c for c in descriptor_top.children() if isinstance(c, RegNode)])

    enums: dict[str, EnumType] = {}
    for top in (window_top, descriptor_top):
        for node in top.descendants(unroll=False):
            if not isinstance(node, FieldNode) or node.get_property("encode") is None:
                continue
            enum_class = node.get_property("encode")
            name = enum_class.type_name
            where = f"{stem_of(node.parent.inst_name)}.{node.inst_name}"
            if name in enums:
                if enums[name].width != node.width:
                    raise RegmapError(f"enum {name} encodes fields of different widths")
                if where not in enums[name].used_by:
                    enums[name].used_by.append(where)
                continue
            members = [
                (m.name, m.value, m.rdl_name or m.name, " ".join((m.rdl_desc or "").split()))
                for m in enum_class
            ]
            enums[name] = EnumType(name, node.width, [where], members)

    model = Model(
        window=window,
        window_addr_bits=max(1, math.ceil(math.log2(window_top.size))),
        contexts=contexts,
        context_reg_offsets=context_reg_offsets,
        contexts_max=counts.pop(),
        descriptor=descriptor,
        descriptor_addr_bits=max(1, math.ceil(math.log2(descriptor_top.size))),
        field_groups=[
            FieldGroup(r.stem, " / ".join(a[2] for a in r.addresses), r.fields) for r in window
        ]
        + context_field_groups(contexts),
        descriptor_groups=[FieldGroup(r.stem, r.addresses[0][2], r.fields) for r in descriptor],
        enums=sorted(enums.values(), key=lambda e: e.type_name),
    )
    check_unique_names(model)
    return model


# ------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------


def upper(snake: str) -> str:
    return snake.upper()


def camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def enum_cpp_name(enum: EnumType) -> str:
    return camel(enum.type_name.removesuffix("_e"))


def enumerator_suffixes(enum: EnumType) -> list[str]:
    """Enumerator names without the underscore-delimited prefix they all share."""
    split = [m[0].split("_") for m in enum.members]
    shared = 0
    while all(len(parts) > shared + 1 for parts in split) and len({p[shared] for p in split}) == 1:
        shared += 1
    return ["_".join(parts[shared:]) for parts in split]


def verilog_names(model: Model) -> list[str]:
    names = [f"OHCI_{upper(a[0])}" for r in model.window for a in r.addresses]
    names += [f"OHCI_{upper(inst)}" for inst in model.context_reg_offsets]
    for c in model.contexts:
        names += [f"OHCI_{upper(c.kind)}_CONTEXT_BASE", f"OHCI_{upper(c.kind)}_CONTEXT_STRIDE"]
    names.append("OHCI_CONTEXTS_MAX")
    for prefix, groups in (("OHCI_", model.field_groups), ("OHCI_DESC_", model.descriptor_groups)):
        for g in groups:
            for f in g.fields:
                base = f"{prefix}{upper(g.stem)}_{upper(f.name)}"
                names += [base] if f.width == 1 else [f"{base}_LSB", f"{base}_WIDTH"]
    names += [f"OHCI_{upper(r.stem)}_VALUE" for r in model.window if r.constant_value is not None]
    names += [f"OHCI_{upper(r.stem)}_RESET" for r in model.window if r.reset_value is not None]
    names += [f"OHCI_DESC_{upper(a[0])}" for r in model.descriptor for a in r.addresses]
    names += [f"OHCI_{upper(m[0])}" for e in model.enums for m in e.members]
    return names


def check_unique_names(model: Model) -> None:
    names = verilog_names(model)
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RegmapError(f"generated names collide: {', '.join(duplicates)}")


# ------------------------------------------------------------------------------------------------
# Verilog
# ------------------------------------------------------------------------------------------------


def vhex(width: int, value: int) -> str:
    return f"{width}'h{value:0{(width + 3) // 4}X}"


def aligned(lines: list[tuple[str, str]], indent: str = "") -> list[str]:
    """(left, right) pairs as `left = right;` with the = signs in one column."""
    if not lines:
        return []
    column = max(len(left) for left, _ in lines)
    return [f"{indent}{left.ljust(column)} = {right};" for left, right in lines]


def comment_block(text_: str, prefix: str, width: int = CPP_COLUMNS) -> list[str]:
    lines = textwrap.wrap(text_, width - len(prefix), break_on_hyphens=False, break_long_words=False)
    return [prefix + line for line in lines]


def render_verilog(model: Model) -> str:
    bits = model.window_addr_bits
    dbits = model.descriptor_addr_bits
    out = [
        f"// {GENERATED_LINE}",
        "//",
        "// The OHCI 1.1 register map for the RTL, `include'd inside a module body (localparams only).",
        "// Offsets are byte addresses. A 1-bit field is a `localparam integer` bit index; a wider",
        "// field is <NAME>_LSB and <NAME>_WIDTH. Field names drop the _SET/_CLEAR of a Set/Clear pair.",
        "// docs/registers.md has the tables.",
        "",
        "// A module that includes this file uses only some of these constants, and an unused",
        "// localparam here is no defect of that module: UNUSEDPARAM is off for this body only.",
        "/* verilator lint_off UNUSEDPARAM */",
        "",
        "// Register window offsets.",
    ]
    out += aligned(
        [
            (f"localparam [{bits - 1}:0] OHCI_{upper(inst)}", vhex(bits, offset))
            for r in model.window
            for inst, offset, *_ in r.addresses
        ]
    )
    out += ["", "// Context blocks: IT context n at BASE + n * STRIDE, registers at the offsets below."]
    rows = []
    for c in model.contexts:
        rows.append((f"localparam [{bits - 1}:0] OHCI_{upper(c.kind)}_CONTEXT_BASE", vhex(bits, c.base)))
        rows.append((f"localparam [{bits - 1}:0] OHCI_{upper(c.kind)}_CONTEXT_STRIDE", vhex(bits, c.stride)))
    rows += [
        (f"localparam [{bits - 1}:0] OHCI_{upper(inst)}", vhex(bits, offset))
        for inst, offset in model.context_reg_offsets.items()
    ]
    rows.append(("localparam integer OHCI_CONTEXTS_MAX", str(model.contexts_max)))
    out += aligned(rows)

    def field_rows(prefix: str, groups: list[FieldGroup]) -> list[str]:
        lines: list[str] = []
        for g in groups:
            lines += ["", f"// {g.source} fields."]
            rows = []
            for f in g.fields:
                base = f"{prefix}{upper(g.stem)}_{upper(f.name)}"
                if f.width == 1:
                    rows.append((f"localparam integer {base}", str(f.lsb)))
                else:
                    rows.append((f"localparam integer {base}_LSB", str(f.lsb)))
                    rows.append((f"localparam integer {base}_WIDTH", str(f.width)))
            lines += aligned(rows)
        return lines

    out += field_rows("OHCI_", model.field_groups)
    constants = [r for r in model.window if r.constant_value is not None]
    if constants:
        out += ["", "// Values of constant registers."]
        out += aligned(
            [(f"localparam [31:0] OHCI_{upper(r.stem)}_VALUE", vhex(32, r.constant_value)) for r in constants]
        )
    resets = [r for r in model.window if r.reset_value is not None]
    if resets:
        out += ["", "// Power-on values of registers whose every field has a reset value."]
        out += aligned(
            [(f"localparam [31:0] OHCI_{upper(r.stem)}_RESET", vhex(32, r.reset_value)) for r in resets]
        )
    out += ["", "// DMA descriptors (16-byte little-endian structures in host memory): quadlet offsets."]
    out += aligned(
        [
            (f"localparam [{dbits - 1}:0] OHCI_DESC_{upper(inst)}", vhex(dbits, offset))
            for r in model.descriptor
            for inst, offset, *_ in r.addresses
        ]
    )
    out += field_rows("OHCI_DESC_", model.descriptor_groups)
    for e in model.enums:
        out += ["", f"// {e.type_name.removesuffix('_e')} encodings ({', '.join(e.used_by)})."]
        out += aligned(
            [(f"localparam [{e.width - 1}:0] OHCI_{upper(m[0])}", vhex(e.width, m[1])) for m in e.members]
        )
    out += ["", "/* verilator lint_on UNUSEDPARAM */", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# C++
# ------------------------------------------------------------------------------------------------

CPP_FIELD_STRUCT = """\
// A field of a 32-bit register or descriptor quadlet: `shift` is its least significant bit.
struct Field {
  std::uint32_t shift;
  std::uint32_t width;

  // The field's bits, in place.
  constexpr std::uint32_t mask() const {
    return (width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1u) << shift;
  }
  // The field's value in `word`.
  constexpr std::uint32_t get(std::uint32_t word) const { return (word & mask()) >> shift; }
  // `value` moved into the field's bits; bits that do not fit are dropped.
  constexpr std::uint32_t put(std::uint32_t value) const { return (value << shift) & mask(); }
  // Whether `value` fits the field unchanged.
  constexpr bool fits(std::uint32_t value) const { return get(put(value)) == value; }
};
"""


def cpp_hex(value: int, digits: int) -> str:
    return f"0x{value:0{digits}X}"


def cpp_constant(name: str, value: str, type_: str = "std::uint32_t") -> str:
    return f"inline constexpr {type_} {name} = {value};"


def render_cpp(model: Model) -> str:
    out = [
        f"// {GENERATED_LINE}",
        "//",
        "// The OHCI 1.1 register map for the firmware: register offsets in the 0x800-byte window,",
        "// field positions (regs::<register>::k<Field>), the context-block helpers, the descriptor",
        "// layout (regs::desc) and the encodings. docs/registers.md has the tables.",
        "#pragma once",
        "",
        "#include <cstdint>",
        "#include <string_view>",
        "",
        "namespace ohci::regs {",
        "",
        CPP_FIELD_STRUCT,
        "// Register offsets in the window.",
    ]
    for r in model.window:
        for inst, offset, title, _ in r.addresses:
            out.append(f"// {title}")
            out.append(cpp_constant(f"k{camel(inst)}", cpp_hex(offset, 3)))
    out += ["", "// Context blocks: context n of a kind at Base + n * Stride."]
    for c in model.contexts:
        kind = camel(c.kind)
        out.append(cpp_constant(f"k{kind}ContextBase", cpp_hex(c.base, 3)))
        out.append(cpp_constant(f"k{kind}ContextStride", cpp_hex(c.stride, 2)))
    out.append(cpp_constant("kContextsMax", str(model.contexts_max)))
    for c in model.contexts:
        kind = camel(c.kind)
        out += ["", f"// The registers of an {c.kind.upper()} context block, by offset inside the block."]
        out.append(f"enum class {kind}ContextReg : std::uint32_t {{")
        for r in c.registers:
            for inst, offset, title, _ in r.addresses:
                out.append(f"  // {title}")
                out.append(f"  k{camel(inst)} = {cpp_hex(offset, 2)},")
        out.append("};")
    for c in model.contexts:
        kind = camel(c.kind)
        out += [
            "",
            f"// Offset of register `reg` of {c.kind.upper()} context `n`; n must be below kContextsMax.",
            f"constexpr std::uint32_t {c.kind}_context(std::uint32_t n, {kind}ContextReg reg) {{",
            f"  return k{kind}ContextBase + n * k{kind}ContextStride + static_cast<std::uint32_t>(reg);",
            "}",
        ]

    def field_namespaces(groups: list[FieldGroup], values: dict[str, int]) -> list[str]:
        lines: list[str] = []
        for g in groups:
            lines += ["", f"// {g.source} fields.", f"namespace {g.stem} {{"]
            for f in g.fields:
                lines += comment_block(f"{f.title}: {f.desc}", "// ")
                lines.append(cpp_constant(f"k{camel(f.name)}", f"{{{f.lsb}, {f.width}}}", "Field"))
            if g.stem in values:
                lines.append("// The register's value in this design.")
                lines.append(cpp_constant("kValue", cpp_hex(values[g.stem], 8)))
            if g.stem in resets:
                lines.append("// The register's power-on value.")
                lines.append(cpp_constant("kReset", cpp_hex(resets[g.stem], 8)))
            lines.append(f"}}  // namespace {g.stem}")
        return lines

    values = {r.stem: r.constant_value for r in model.window if r.constant_value is not None}
    resets = {r.stem: r.reset_value for r in model.window if r.reset_value is not None}
    out += field_namespaces(model.field_groups, values)

    out += [
        "",
        "// DMA descriptors: 16-byte little-endian structures in host memory (immediate ones are 32",
        "// bytes). Quadlet byte offsets, then the fields of each quadlet.",
        "namespace desc {",
        "",
    ]
    for r in model.descriptor:
        for inst, offset, title, _ in r.addresses:
            out.append(f"// {title}")
            out.append(cpp_constant(f"k{camel(inst)}", cpp_hex(offset, 2)))
    resets = {}
    out += field_namespaces(model.descriptor_groups, {})
    out += ["", "}  // namespace desc"]

    for e in model.enums:
        name = enum_cpp_name(e)
        suffixes = enumerator_suffixes(e)
        out += [
            "",
            f"// {e.type_name.removesuffix('_e')} encodings ({', '.join(e.used_by)}).",
            f"enum class {name} : std::uint32_t {{",
        ]
        for (member, value, title, desc), suffix in zip(e.members, suffixes):
            out += comment_block(f"{title}: {desc}" if desc else title, "  // ")
            out.append(f"  k{camel(suffix)} = {cpp_hex(value, (e.width + 3) // 4)},")
        out += [
            "};",
            "",
            f"// The specification's name for `value`, or \"reserved\".",
            f"constexpr std::string_view to_string({name} value) {{",
            "  switch (value) {",
        ]
        for (member, value, title, desc), suffix in zip(e.members, suffixes):
            out += [f"    case {name}::k{camel(suffix)}:", f'      return "{title}";']
        out += ["  }", '  return "reserved";', "}"]
    out += ["", "}  // namespace ohci::regs", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# Markdown
# ------------------------------------------------------------------------------------------------


def md(text_: str) -> str:
    return text_.replace("|", "\\|").replace("*", "\\*")


def bits_of(f: Field) -> str:
    return str(f.lsb) if f.width == 1 else f"{f.msb}:{f.lsb}"


def reset_of(f: Field) -> str:
    return "—" if f.reset is None else f"0x{f.reset:X}"


def field_table(fields: list[Field], with_reset: bool = True) -> list[str]:
    columns = ["Bits", "Field", "Access"] + (["Reset"] if with_reset else []) + ["Description"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for f in sorted(fields, key=lambda f: -f.lsb):
        desc = md(f.desc) + (f" Encoding: `{f.enum}`." if f.enum else "")
        cells = [bits_of(f), f"{f.title} (`{f.name}`)", f.access]
        cells += ([reset_of(f)] if with_reset else []) + [desc]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def register_heading(r: Register, relative: bool = False) -> str:
    return " / ".join(
        f"{title} (+0x{offset:02X})" if relative else f"{title} (0x{offset:03X})"
        for _, offset, title, _ in r.addresses
    )


def register_text(r: Register) -> list[str]:
    """The register's description: one paragraph, or one per address when they differ."""
    descs = list(dict.fromkeys(desc for *_, desc in r.addresses))
    if len(descs) == 1:
        return [md(descs[0]), ""]
    return [line for _, _, title, desc in r.addresses for line in (f"{title}: {md(desc)}", "")]


def summary(desc: str) -> str:
    """The first sentence of a description."""
    head, dot, _ = desc.partition(". ")
    return md(head + dot).rstrip()


def render_docs(model: Model) -> str:
    out = [
        f"<!-- {GENERATED_LINE} -->",
        "# OHCI register map",
        "",
        "The OHCI 1.1 register window (0x000-0x7FF, 32-bit registers) as far as the isochronous path",
        "needs it, and the DMA descriptor layout. The source is `regmap/ohci.rdl` (SystemRDL 2.0);",
        "`make regmap` regenerates this file, `rtl/ohci_regmap.vh` and `fw/include/ohci/regmap.hpp`,",
        "and the CTest test `regmap_generated_up_to_date` fails when they are stale.",
        "Unimplemented offsets read 0 and ignore writes.",
        "",
        "Access: **RO** read-only; **RW** read/write; **SC** a Set/Clear pair: reading either address",
        "returns the value, writing 1 to a bit at the Set address sets it and at the Clear address",
        "clears it, writing 0 changes nothing; **WB** (descriptors) initialised by software, written",
        "back by the controller.",
        "",
        "Names: Verilog `OHCI_<REGISTER>` for offsets, `OHCI_<REG>_<FIELD>` (1-bit, a bit index) or",
        "`OHCI_<REG>_<FIELD>_LSB`/`_WIDTH`, where `<REG>` drops `_SET`/`_CLEAR`; C++",
        "`ohci::regs::k<Register>` and `ohci::regs::<reg>::k<Field>` (a `Field{shift, width}`).",
        "",
        "## Register window",
        "",
        "| Offset | Register | Verilog | Summary |",
        "|---|---|---|---|",
    ]
    for r in model.window:
        offsets = " / ".join(f"0x{offset:03X}" for _, offset, _, _ in r.addresses)
        titles = " / ".join(title for _, _, title, _ in r.addresses)
        names = " / ".join(f"`OHCI_{upper(inst)}`" for inst, *_ in r.addresses)
        out.append(f"| {offsets} | {titles} | {names} | {summary(r.addresses[0][3])} |")
    for c in model.contexts:
        out.append(
            f"| 0x{c.base:03X} + 0x{c.stride:X}·n | {c.title} n (n < {c.count}) | "
            f"`OHCI_{upper(c.kind)}_CONTEXT_BASE` | {summary(c.desc)} |"
        )
    for r in model.window:
        out += ["", f"### {register_heading(r)}", ""] + register_text(r)
        if r.constant_value is not None:
            out += [f"Value: 0x{r.constant_value:08X} (`OHCI_{upper(r.stem)}_VALUE`).", ""]
        if r.reset_value is not None:
            out += [f"Power-on value: 0x{r.reset_value:08X} (`OHCI_{upper(r.stem)}_RESET`).", ""]
        out += [f"Fields: `OHCI_{upper(r.stem)}_*`, `ohci::regs::{r.stem}`.", ""]
        out += field_table(r.fields)

    groups = {g.stem: g for g in model.field_groups}
    for c in model.contexts:
        out += [
            "",
            f"## {c.title} n: 0x{c.base:03X} + 0x{c.stride:X}·n (n < {c.count})",
            "",
            md(c.desc),
            "",
            "| Offset | Register | Verilog |",
            "|---|---|---|",
        ]
        for r in c.registers:
            for inst, offset, title, _ in r.addresses:
                out.append(f"| +0x{offset:02X} | {title} | `OHCI_{upper(inst)}` |")
        for r in c.registers:
            names = [s for s in (r.stem, f"{c.kind}_{r.stem}") if s in groups]
            prefixes = ", ".join(f"`OHCI_{upper(s)}_*`, `ohci::regs::{s}`" for s in names)
            out += ["", f"### {c.kind.upper()} {register_heading(r, relative=True)}", ""]
            out += register_text(r) + [f"Fields: {prefixes}.", ""]
            out += field_table(r.fields, with_reset=False)

    out += [
        "",
        "## DMA descriptors",
        "",
        "16-byte, 16-byte-aligned, little-endian structures in host memory; an immediate descriptor",
        "is 32 bytes with its data in bytes 16-31. A block is 1 to 8 units of 16 bytes (Z); the",
        "branch word is in its last descriptor, except for a lone \\*_LAST-Immediate (Z = 2), whose",
        "branch word is in its first 16 bytes.",
        "",
        "| Offset | Quadlet | Verilog | Summary |",
        "|---|---|---|---|",
    ]
    for r in model.descriptor:
        for inst, offset, title, desc in r.addresses:
            out.append(f"| +0x{offset:02X} | {md(title)} | `OHCI_DESC_{upper(inst)}` | {summary(desc)} |")
    for r in model.descriptor:
        _, offset, title, _ = r.addresses[0]
        out += ["", f"### +0x{offset:02X} {md(title)}", ""] + register_text(r)
        out += [f"Fields: `OHCI_DESC_{upper(r.stem)}_*`, `ohci::regs::desc::{r.stem}`.", ""]
        out += field_table(r.fields, with_reset=False)

    out += ["", "## Encodings"]
    for e in model.enums:
        out += [
            "",
            f"### {e.type_name.removesuffix('_e')} (`ohci::regs::{enum_cpp_name(e)}`)",
            "",
            f"Encodes: {', '.join(f'`{u}`' for u in e.used_by)}.",
            "",
            "| Value | Name | Verilog | Description |",
            "|---|---|---|---|",
        ]
        for member, value, title, desc in e.members:
            out.append(f"| 0x{value:02X} | {md(title)} | `OHCI_{upper(member)}` | {md(desc)} |")
    out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------
# Driver
# ------------------------------------------------------------------------------------------------


def render_all(model: Model) -> dict[str, str]:
    return {
        VERILOG_OUT: render_verilog(model),
        CPP_OUT: render_cpp(model),
        DOCS_OUT: render_docs(model),
    }


def write_outputs(outputs: dict[str, str], root: pathlib.Path) -> None:
    for rel, content in outputs.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")


def check_outputs(outputs: dict[str, str], root: pathlib.Path) -> bool:
    """Regenerates into a scratch directory and compares with the committed files."""
    fresh = True
    with tempfile.TemporaryDirectory(prefix="gen_regmap.") as scratch:
        write_outputs(outputs, pathlib.Path(scratch))
        for rel in outputs:
            expected = (pathlib.Path(scratch) / rel).read_text(encoding="utf-8")
            committed_path = root / rel
            committed = committed_path.read_text(encoding="utf-8") if committed_path.exists() else ""
            if committed == expected:
                continue
            fresh = False
            sys.stdout.writelines(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    fromfile=f"{rel} (committed)",
                    tofile=f"{rel} (from {RDL_SOURCE})",
                )
            )
    if not fresh:
        print("stale: run `make regmap` (regmap/gen_regmap.py --out .) and commit the result")
    return fresh


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument(
        "--out", type=pathlib.Path, metavar="DIR", help="write the outputs under DIR (the repo root)"
    )
    action.add_argument(
        "--check", action="store_true", help="exit 1 with a diff if the committed outputs are stale"
    )
    parser.add_argument(
        "--rdl", type=pathlib.Path, default=REPO_ROOT / RDL_SOURCE, help="the SystemRDL source"
    )
    parser.add_argument(
        "--root",
        type=pathlib.Path,
        default=REPO_ROOT,
        help="the repo root holding the committed outputs (for --check)",
    )
    args = parser.parse_args(argv)
    try:
        outputs = render_all(build_model(args.rdl))
    except (RDLCompileError, RegmapError) as error:
        print(f"gen_regmap: {error}", file=sys.stderr)
        return 2
    if args.check:
        return 0 if check_outputs(outputs, args.root) else 1
    write_outputs(outputs, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
