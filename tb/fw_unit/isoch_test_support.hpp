// Test support for the isochronous streaming tests: FakeHal with DMA memory the test can write
// by bus address, and a fake controller for one IT or IR context that walks the program from
// CommandPtr as the hardware does (reference/ohci-isoch.md 2, 3): it sends/receives a packet per
// block, writes the status back, raises the context's interrupt event where i = 11, follows the
// branch and goes idle (run = 1, active = 0) on Z = 0 until a wake.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "fake_hal.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/hal.hpp"
#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/isoch_bus.hpp"
#include "ohci/isoch_resource.hpp"

namespace ohci::fw::test {

// Descriptor words written out independently of the firmware (reference/ohci-isoch.md 2).
inline constexpr std::uint32_t kRun = 1u << 15;
inline constexpr std::uint32_t kWake = 1u << 12;
inline constexpr std::uint32_t kDead = 1u << 11;
inline constexpr std::uint32_t kActive = 1u << 10;
inline constexpr std::uint32_t kAckComplete = 0x11;
inline constexpr std::uint32_t kAckDataError = 0x1D;
// xferStatus the controller writes on success: run | active | ack_complete (decision 13).
inline constexpr std::uint32_t kXferOk = kRun | kActive | kAckComplete;

// The i and w fields of a descriptor's control quadlet.
constexpr std::uint32_t interrupt_bits(std::uint32_t control) {
  return control >> 20 & 0x3u;
}
constexpr std::uint32_t wait_bits(std::uint32_t control) {
  return control >> 16 & 0x3u;
}

class IsochHal : public FakeHal {
 public:
  std::optional<DmaRegion> dma_alloc(std::size_t bytes, std::size_t alignment) override;

  std::uint32_t quadlet(std::uint32_t bus_address) const { return memory_quadlet(bus_address); }
  void poke(std::uint32_t bus_address, std::uint32_t value);
  void poke_bytes(std::uint32_t bus_address, const std::vector<std::uint8_t>& bytes);

 private:
  std::byte* cpu_of(std::uint32_t bus_address) const;
  std::byte* base_ = nullptr;  // CPU address of kMemoryBase
};

// One block as the controller sees it.
struct BlockView {
  std::uint32_t address = 0;
  std::uint32_t z = 0;
};

// The blocks of the program from `first`, following branch words until Z = 0 (at most `limit`).
std::vector<BlockView> program_blocks(const IsochHal& hal, BlockView first,
                                      std::size_t limit = 256);

// IT context `index`: one packet per block.
class FakeIt {
 public:
  FakeIt(IsochHal& hal, std::uint32_t index) : hal_(hal), index_(index) {}

  // Takes CommandPtr as the current block (after talk/start).
  void started();
  // Sends the current block's packet in cycle `time_stamp` (cycleSeconds[2:0]:cycleCount):
  // status to its OUTPUT_LAST, IsoXmitIntEvent if i = 11, then the branch; Z = 0 leaves the
  // context idle on the block. False when idle (nothing sent).
  bool send(std::uint32_t time_stamp);
  // A wake: re-read the branch word of the block the context is idle on.
  void wake();
  bool idle() const { return idle_; }
  BlockView current() const { return current_; }
  // Payload address and length of the current block's packet, and its header immediate quadlet.
  std::uint32_t data_address() const;
  std::uint32_t data_length() const;
  std::uint32_t header() const;

 private:
  std::uint32_t last_descriptor() const;  // bus address of the descriptor with branch and status
  IsochHal& hal_;
  std::uint32_t index_;
  BlockView current_;
  bool idle_ = true;
};

// IR context `index`: packet-per-buffer or buffer-fill blocks.
class FakeIr {
 public:
  FakeIr(IsochHal& hal, std::uint32_t index) : hal_(hal), index_(index) {}

  void started();
  // Packet-per-buffer: stores trailer (xferStatus | time_stamp), header and `payload` bytes
  // through the block's buffers, status (`event`, resCount) to the descriptor the stream ended
  // in, IsoRecvIntEvent if the INPUT_LAST has i = 11, then the branch.
  bool receive(std::uint32_t header, const std::vector<std::uint8_t>& payload,
               std::uint32_t time_stamp, std::uint32_t event = kAckComplete);
  // Buffer-fill: the current descriptor becomes full (resCount 0, ack_complete), then the branch.
  bool fill();
  void wake();
  bool idle() const { return idle_; }
  BlockView current() const { return current_; }

 private:
  void follow(std::uint32_t last_descriptor);
  IsochHal& hal_;
  std::uint32_t index_;
  BlockView current_;
  bool idle_ = true;
};

// Callbacks record their second context (the buffer's name) in the log their first points at.
struct CallbackLog {
  std::vector<void*> calls;
};
void record_callback(void* log, void* name);

// A controller with the isochronous interrupts enabled, its dispatcher and an IsochBus.
class IsochFixture : public ::testing::Test {
 protected:
  IsochFixture();

  std::unique_ptr<IsochResource> allocate(const ResourceConfig& config);
  // A controller whose IsochronousCycleTimer reads `raw` (registers reset, interrupts enabled
  // again): call before allocating resources.
  void set_cycle_timer(std::uint32_t raw);
  DmaBuffer buffer(std::size_t bytes);
  // What the environment does while the interrupt line is high: ISR, then the DPC.
  void deliver_interrupts();
  // A descriptor of `length` bytes at `offset` in `data`, without a callback.
  static IsochDescriptor descriptor(DmaBuffer& data, std::size_t offset, std::uint32_t length);
  // Gives `descriptor` a callback that records the descriptor's address in `log`.
  static void ask_callback(IsochDescriptor& descriptor, CallbackLog& log);

  // d_[k] = a descriptor of `length` bytes at `offset` in `data`, without a callback.
  IsochDescriptor& set(std::size_t k, DmaBuffer& data, std::size_t offset, std::uint32_t length);
  // The program a context runs, from its CommandPtr.
  std::vector<BlockView> it_program(std::uint32_t index) const;
  std::vector<BlockView> ir_program(std::uint32_t index) const;

  IsochHal hal_;
  InterruptDispatcher dispatcher_{hal_};
  IsochBus bus_{hal_, dispatcher_};
  // The tests' buffers: they outlive the resources a test fixture holds.
  std::array<IsochDescriptor, 32> d_{};
};

}  // namespace ohci::fw::test
