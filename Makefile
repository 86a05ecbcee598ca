# Everyday commands. Each one installs what is missing and builds first.
#   make test   build everything and run every test (CTest)
#   make run    the main job: ohci-sim, a two-node isochronous stream checked byte for byte
#   make wave   a short traced run and a GTKWave save file for it (build/wave/)
#   make diagrams  docs/timing/: WaveDrom sources from a run of the RTL, rendered to SVG
#   make bench  how fast it simulates: sim_hz, instructions per clk, Icarus/Verilator (figures)
#   make lint   Verilator -Wall, Yosys synth_ice40, Icarus -g2012, regmap and format checks
#   make sanitize  the whole suite under AddressSanitizer + UBSan, in its own build dir
#   make synth  FPGA flow: ULX3S and HX8K bitstreams at 49.152 MHz, Zynq estimate (build/synth/)
#   make deps   install Debian packages and the pinned Python venv only
#   make linux  Debian's unmodified Linux firewire-ohci streams through our RTL (ohci-qemu + QEMU)
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS  ?= 2
VENV   = $(BUILD)/venv
PY     = $(VENV)/bin/python

.PHONY: all deps configure build test run wave diagrams lint sanitize synth regmap format clean bench
all: build

deps:
	@scripts/install-deps.sh $(BUILD)

$(BUILD)/CMakeCache.txt: | deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# -DOHCI_SANITIZE=ON in a separate build directory (the everyday build stays unsanitized).
sanitize: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOHCI_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

run: build
	@$(BUILD)/sim/ohci-sim

# Figures, never pass/fail on time (scripts/bench/bench.py): sim_hz of the default stream and of
# a talker alone (median of 3), callgrind instructions per clk, the Icarus/Verilator ratio; and
# the same figures of ohci-sim built from BASELINE (the main before the speed work, built once in
# $(BUILD)/bench/), side by side. `make bench BASELINE=` measures this build alone.
BASELINE ?= d07fb6c
bench: build
	@$(PY) scripts/bench/bench.py --build $(BUILD) --pgo --by-block $(if $(BASELINE),--baseline $(BASELINE))

# The guest (Debian kernel + initramfs, cached in $(BUILD)/linux), booted by ohci-qemu under TCG;
# prints the guest's kernel log, the four checks and the figures (docs/linux-guest.md).
.PHONY: linux
linux: build
	@scripts/linux/make-guest.sh $(BUILD)
	@scripts/linux/run-linux-test.sh $(BUILD)

# A short traced run: $(BUILD)/wave/ohci.fst and the GTKWave save file ohci.gtkw beside it
# (per node: clock and cycle timer, PHY-link pins, IT and IR contexts, AXI4 master, irq).
wave: build
	@scripts/check_wave.sh $(BUILD)/sim/ohci-sim $(BUILD)/wave
	@echo "open it with: gtkwave $(BUILD)/wave/ohci.gtkw"

diagrams: configure
	@cmake --build $(BUILD) -j $(JOBS) --target ohci-timing-diagrams
	@$(BUILD)/sim/timing/ohci-timing-diagrams docs/timing >/dev/null
	@$(PY) scripts/render_wavedrom.py docs/timing/*.json

lint: deps
	@scripts/lint.sh $(BUILD)

# Per board: synthesis, place and route at 49.152 MHz, bitstream; fails if timing is not met.
synth: deps
	@scripts/synth.sh $(BUILD)

# Regenerate rtl/ohci_regmap.vh, fw/include/ohci/regmap.hpp and docs/registers.md from regmap/ohci.rdl.
regmap: deps
	@$(PY) regmap/gen_regmap.py --out .

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
