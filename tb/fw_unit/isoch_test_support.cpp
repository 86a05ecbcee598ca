#include "isoch_test_support.hpp"

#include <algorithm>

#include "ohci/controller.hpp"
#include "ohci/regmap.hpp"

namespace ohci::fw::test {

std::optional<DmaRegion> IsochHal::dma_alloc(std::size_t bytes, std::size_t alignment) {
  std::optional<DmaRegion> region = FakeHal::dma_alloc(bytes, alignment);
  // FakeHal hands out one contiguous memory from kMemoryBase.
  if (region && base_ == nullptr) base_ = region->cpu - (region->bus - kMemoryBase);
  return region;
}

std::byte* IsochHal::cpu_of(std::uint32_t bus_address) const {
  return base_ + (bus_address - kMemoryBase);
}

void IsochHal::poke(std::uint32_t bus_address, std::uint32_t value) {
  std::byte* at = cpu_of(bus_address);
  for (int i = 0; i < 4; ++i) at[i] = static_cast<std::byte>(value >> (8 * i));
}

void IsochHal::poke_bytes(std::uint32_t bus_address, const std::vector<std::uint8_t>& bytes) {
  std::byte* at = cpu_of(bus_address);
  for (std::size_t i = 0; i < bytes.size(); ++i) at[i] = static_cast<std::byte>(bytes[i]);
}

std::vector<BlockView> program_blocks(const IsochHal& hal, BlockView first, std::size_t limit) {
  std::vector<BlockView> blocks;
  BlockView block = first;
  while (block.z != 0 && blocks.size() < limit) {
    blocks.push_back(block);
    // The branch word is in the block's last descriptor; a Z = 2 block that is one immediate
    // descriptor (OUTPUT_LAST-Immediate) keeps it in its first 16 bytes.
    const std::uint32_t first_control = hal.quadlet(block.address);
    const bool lone_immediate = block.z == 2 && (first_control >> 28) == 1;
    const std::uint32_t last = block.address + (lone_immediate ? 0 : (block.z - 1) * 16);
    const std::uint32_t branch = hal.quadlet(last + 8);
    block = BlockView{branch & ~0xFu, branch & 0xFu};
  }
  return blocks;
}

// IT ---------------------------------------------------------------------------------------

void FakeIt::started() {
  const std::uint32_t command_ptr = hal_.registers.command_ptr(index_);
  current_ = BlockView{command_ptr & ~0xFu, command_ptr & 0xFu};
  idle_ = false;
}

std::uint32_t FakeIt::last_descriptor() const {
  return current_.address + (current_.z - 1) * 16;
}

std::uint32_t FakeIt::data_address() const {
  return hal_.quadlet(last_descriptor() + 4);
}

std::uint32_t FakeIt::data_length() const {
  return hal_.quadlet(current_.address + 20) >> 16;
}

std::uint32_t FakeIt::header() const {
  return hal_.quadlet(current_.address + 16);
}

bool FakeIt::send(std::uint32_t time_stamp) {
  if (idle_) return false;
  const std::uint32_t last = last_descriptor();
  hal_.poke(last + 12, kXferOk << 16 | time_stamp);
  if (interrupt_bits(hal_.quadlet(last)) == 3) hal_.registers.raise_iso_xmit_events(1u << index_);
  const std::uint32_t branch = hal_.quadlet(last + 8);
  if ((branch & 0xFu) == 0) {
    idle_ = true;  // stays on this block: run = 1, active = 0
    hal_.registers.set_context_control(index_, kRun);
  } else {
    current_ = BlockView{branch & ~0xFu, branch & 0xFu};
  }
  return true;
}

void FakeIt::wake() {
  if (!idle_) return;
  const std::uint32_t branch = hal_.quadlet(last_descriptor() + 8);
  if ((branch & 0xFu) == 0) return;
  current_ = BlockView{branch & ~0xFu, branch & 0xFu};
  idle_ = false;
  hal_.registers.set_context_control(index_, kRun | kActive);
}

// IR ---------------------------------------------------------------------------------------

void FakeIr::started() {
  const std::uint32_t command_ptr = hal_.registers.ir_command_ptr(index_);
  current_ = BlockView{command_ptr & ~0xFu, command_ptr & 0xFu};
  idle_ = false;
}

void FakeIr::follow(std::uint32_t last_descriptor) {
  const std::uint32_t branch = hal_.quadlet(last_descriptor + 8);
  if ((branch & 0xFu) == 0) {
    idle_ = true;
    hal_.registers.set_ir_context_control(index_,
                                          hal_.registers.ir_context_control(index_) & ~kActive);
  } else {
    current_ = BlockView{branch & ~0xFu, branch & 0xFu};
  }
}

bool FakeIr::receive(std::uint32_t header, const std::vector<std::uint8_t>& payload,
                     std::uint32_t time_stamp, std::uint32_t event) {
  if (idle_) return false;
  const std::uint32_t xfer = kRun | kActive | regs::context_control::kSpd.put(2) | event;
  // The stream: trailer, header, payload padded to a quadlet.
  std::vector<std::uint8_t> stream;
  for (std::uint32_t word : {xfer << 16 | time_stamp, header}) {
    for (int i = 0; i < 4; ++i) stream.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
  }
  stream.insert(stream.end(), payload.begin(), payload.end());
  while (stream.size() % 4 != 0) stream.push_back(0);

  std::size_t at = 0;
  for (std::uint32_t d = 0; d < current_.z; ++d) {
    const std::uint32_t descriptor = current_.address + d * 16;
    const std::uint32_t req_count = hal_.quadlet(descriptor) & 0xFFFFu;
    const std::uint32_t address = hal_.quadlet(descriptor + 4);
    const std::size_t take = std::min<std::size_t>(req_count, stream.size() - at);
    hal_.poke_bytes(address,
                    std::vector<std::uint8_t>(stream.begin() + static_cast<long>(at),
                                              stream.begin() + static_cast<long>(at + take)));
    at += take;
    const bool ends_here = at == stream.size() || d + 1 == current_.z;
    if (ends_here) {
      hal_.poke(descriptor + 12, xfer << 16 | static_cast<std::uint32_t>(req_count - take));
      break;
    }
  }
  const std::uint32_t input_last = current_.address + (current_.z - 1) * 16;
  if (interrupt_bits(hal_.quadlet(input_last)) == 3) {
    hal_.registers.raise_iso_recv_events(1u << index_);
  }
  follow(input_last);
  return true;
}

bool FakeIr::fill() {
  if (idle_) return false;
  const std::uint32_t descriptor = current_.address;
  hal_.poke(descriptor + 12, kXferOk << 16);  // resCount 0: full
  if (interrupt_bits(hal_.quadlet(descriptor)) == 3) {
    hal_.registers.raise_iso_recv_events(1u << index_);
  }
  follow(descriptor);
  return true;
}

void FakeIr::wake() {
  if (!idle_) return;
  const std::uint32_t last = current_.address + (current_.z - 1) * 16;
  const std::uint32_t branch = hal_.quadlet(last + 8);
  if ((branch & 0xFu) == 0) return;
  current_ = BlockView{branch & ~0xFu, branch & 0xFu};
  idle_ = false;
  hal_.registers.set_ir_context_control(index_,
                                        hal_.registers.ir_context_control(index_) | kActive);
}

// Fixture ----------------------------------------------------------------------------------

void record_callback(void* log, void* name) {
  static_cast<CallbackLog*>(log)->calls.push_back(name);
}

IsochFixture::IsochFixture() {
  Controller(hal_).enable_interrupts(regs::int_mask::kIsochTx.mask() |
                                     regs::int_mask::kIsochRx.mask() |
                                     regs::int_mask::kUnrecoverableError.mask());
}

void IsochFixture::set_cycle_timer(std::uint32_t raw) {
  FakeConfig config;
  config.cycle_timer = raw;
  hal_.registers = FakeRegisters(config);
  Controller(hal_).enable_interrupts(regs::int_mask::kIsochTx.mask() |
                                     regs::int_mask::kIsochRx.mask() |
                                     regs::int_mask::kUnrecoverableError.mask());
}

std::unique_ptr<IsochResource> IsochFixture::allocate(const ResourceConfig& config) {
  Result<std::unique_ptr<IsochResource>> resource = bus_.allocate_resources(config);
  EXPECT_TRUE(resource.ok()) << to_string(resource.status());
  return resource.ok() ? std::move(*resource) : nullptr;
}

DmaBuffer IsochFixture::buffer(std::size_t bytes) {
  Result<DmaBuffer> buffer = DmaBuffer::allocate(hal_, bytes, 16);
  EXPECT_TRUE(buffer.ok());
  return std::move(*buffer);
}

void IsochFixture::deliver_interrupts() {
  for (int guard = 0;
       guard < 16 && ((hal_.registers.int_event() & hal_.registers.int_mask()) != 0 ||
                      (hal_.registers.iso_xmit_event() & hal_.registers.iso_xmit_mask()) != 0 ||
                      (hal_.registers.iso_recv_event() & hal_.registers.iso_recv_mask()) != 0);
       ++guard) {
    hal_.interrupt();
  }
}

IsochDescriptor IsochFixture::descriptor(DmaBuffer& data, std::size_t offset,
                                         std::uint32_t length) {
  IsochDescriptor descriptor;
  descriptor.buffer = &data;
  descriptor.offset = offset;
  descriptor.length = length;
  return descriptor;
}

IsochDescriptor& IsochFixture::set(std::size_t k, DmaBuffer& data, std::size_t offset,
                                   std::uint32_t length) {
  d_.at(k) = descriptor(data, offset, length);
  return d_[k];
}

std::vector<BlockView> IsochFixture::it_program(std::uint32_t index) const {
  const std::uint32_t command_ptr = hal_.registers.command_ptr(index);
  return program_blocks(hal_, BlockView{command_ptr & ~0xFu, command_ptr & 0xFu});
}

std::vector<BlockView> IsochFixture::ir_program(std::uint32_t index) const {
  const std::uint32_t command_ptr = hal_.registers.ir_command_ptr(index);
  return program_blocks(hal_, BlockView{command_ptr & ~0xFu, command_ptr & 0xFu});
}

void IsochFixture::ask_callback(IsochDescriptor& descriptor, CallbackLog& log) {
  descriptor.callback = record_callback;
  descriptor.context1 = &log;
  descriptor.context2 = &descriptor;
}

}  // namespace ohci::fw::test
