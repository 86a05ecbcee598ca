// IsochResource: one isochronous stream bound to one IT or IR context, in the 1394 bus-driver
// model (reference/wdk-isoch-and-kmdf-dma.md 1.3-1.9, 5a): buffers (IsochDescriptor) are attached
// in atomic batches, the context consumes them in order, a buffer that asked for it gets its
// callback from the DPC, and when they run out the context goes idle until the next attach
// re-arms it. Allocated and freed by IsochBus. docs/isoch-streaming.md is the programmer's guide.
//
// Program memory: the resource owns a pool of block slots sized from its allocation
// ((number_of_buffers - 1) buffers of up to max_buffer_size bytes, plus one slot for the block the
// context may still be idle on). A talk packet is one IT block (OUTPUT_MORE-Immediate +
// OUTPUT_LAST); a packet-based listen slot one packet-per-buffer block; a buffer-fill listen
// buffer a chain of buffer-fill descriptors. i = 11 is set only on the last block of a buffer
// with a callback.
//
// Threads: every call takes the Hal's interrupt lock while it touches the resource, so the DPC
// never sees it half-changed; callbacks run with the lock released and may attach and detach
// (this resource's buffers included), but must not free their own resource. Never call from an
// ISR.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "ohci/context_status.hpp"
#include "ohci/controller.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/hal.hpp"
#include "ohci/interrupt_dispatcher.hpp"
#include "ohci/ir_context.hpp"
#include "ohci/isoch_descriptor.hpp"
#include "ohci/isoch_speed.hpp"
#include "ohci/it_context.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

class IsochBus;

// RESOURCE_* flags (exact WDK values).
inline constexpr std::uint32_t kResourceUsedInListening = 0x001;
inline constexpr std::uint32_t kResourceUsedInTalking = 0x002;
// NotSupported: buffers are consumed once.
inline constexpr std::uint32_t kResourceBuffersCircular = 0x004;
// Listen, packet-based: quadlets_to_strip may exceed 1 (payload quadlets after the header).
inline constexpr std::uint32_t kResourceStripAdditionalQuadlets = 0x008;
// Every buffer gets its completion time stamp, as with kDescriptorTimeStampOnCompletion.
inline constexpr std::uint32_t kResourceTimeStampOnCompletion = 0x010;
// talk()/listen() may name a start cycle.
inline constexpr std::uint32_t kResourceSynchOnTime = 0x020;
// Listen: one packet per max_bytes_per_frame slot (packet-per-buffer). Without it a listener
// packs packets back to back (buffer-fill). Talk is always packet-based.
inline constexpr std::uint32_t kResourceUsePacketBased = 0x040;
// NotSupported: every packet of a buffer is max_bytes_per_frame long but the last.
inline constexpr std::uint32_t kResourceVariableIsochPayload = 0x080;
// NotSupported (one channel per context).
inline constexpr std::uint32_t kResourceUseMultichannel = 0x100;

// ALLOCATE_RESOURCES.
struct ResourceConfig {
  IsochSpeed speed = IsochSpeed::kS400;  // talk: the packets' speed (S100..S400)
  std::uint32_t flags = 0;               // kResource*: exactly one of listening, talking
  std::uint32_t channel = 0;             // 0..63
  // Talk: the largest packet payload (at most the speed's maximum). Listen, packet-based: the
  // slot of each packet, a multiple of 4; without stripping it holds the 8 bytes of trailer and
  // header too. Buffer-fill listen: ignored.
  std::uint32_t max_bytes_per_frame = 0;
  // Most buffers attached at once, plus 1 (at least 2).
  std::uint32_t number_of_buffers = 0;
  // The longest buffer; with max_bytes_per_frame it sizes the block pool.
  std::uint32_t max_buffer_size = 0;
  // Listen: 0 keeps the trailer and the isochronous header in the buffer before each packet's
  // payload; 1 strips them (the resource keeps them for time stamps); more strips payload
  // quadlets too (packet-based with kResourceStripAdditionalQuadlets). Talk: 0.
  std::uint32_t quadlets_to_strip = 0;
  // The context to bind to; absent: the lowest-numbered free one of its kind.
  std::optional<std::uint32_t> context;
};

// What the resource is doing.
enum class StreamState {
  kStopped,  // not talking/listening
  kWaiting,  // talk/listen called, nothing attached yet: the first attach starts the context
  kRunning,  // the context runs (it may be idle: run = 1, active = 0 after a run-out)
};

class IsochResource final : public ContextOwner {
 public:
  // Releases the context (IsochBus::free_resources refuses while buffers are attached). Destroyed
  // directly with buffers attached, it stops the context and writes Cancelled to the status of
  // those still pending: their descriptors must still exist.
  ~IsochResource() override;
  IsochResource(const IsochResource&) = delete;
  IsochResource& operator=(const IsochResource&) = delete;

  ContextKind kind() const { return kind_; }
  std::uint32_t context_index() const { return index_; }
  const ResourceConfig& config() const { return config_; }

  // ATTACH_BUFFERS, as one atomic batch in this order, behind whatever is attached. Every buffer
  // is checked first; on any failure nothing of the batch is attached, the failing buffers'
  // status says why (InvalidParameter, NotSupported; InsufficientResources from the first buffer
  // that does not fit the attached-buffer limit or the block pool) and the first failure is
  // returned. A buffer whose status is Pending (attached somewhere) is refused with
  // InvalidParameter and its status left alone. On Success every status is Pending; when the
  // context runs the batch is appended (barrier, patch the program's last branch, barrier,
  // wake), which also re-arms a context that ran out; when talk/listen waits for buffers the
  // context is started at the batch.
  Status attach(std::span<IsochDescriptor> descriptors);
  Status attach(std::span<IsochDescriptor* const> descriptors);

  // DETACH_BUFFERS. InvalidParameter (nothing detached) unless every descriptor is attached here,
  // once. Completions are looked at first. A completed buffer is released (status kept). A
  // buffer not yet completed is cancelled: status Cancelled, no callback. If the context runs it
  // is stopped first (the only point where the controller provably reads none of the buffer's
  // blocks), the remaining buffers are relinked and it is restarted at the first block not yet
  // done (docs/isoch-streaming.md); Timeout, with nothing detached, if it does not stop. No
  // callback of a detached buffer runs after this returns.
  Status detach(std::span<IsochDescriptor> descriptors);
  Status detach(std::span<IsochDescriptor* const> descriptors);

  // TALK (IT resources) / LISTEN (IR resources): start the context at the first attached block
  // not yet done, or, with nothing attached, at the first attach. `start`: the cycle of the first
  // packet (cycleSeconds[1:0] and cycleCount; offset ignored), with kResourceSynchOnTime only;
  // else a first buffer with kDescriptorSynchOnTime gives it. InvalidParameter for the wrong
  // kind or a bad start, InvalidDeviceState if already started. Listen writes ContextMatch:
  // channel, the tag of kDescriptorSynchOnTag buffers (else every tag), the sy of
  // kDescriptorSynchOnSy buffers.
  Status talk(std::optional<CycleTime> start = std::nullopt);
  Status listen(std::optional<CycleTime> start = std::nullopt);

  // STOP: clear run and wait until the context is inactive; completions are looked at (their
  // callbacks run). Attached buffers stay attached; talk/listen resumes at the first block not
  // yet done. Success when already stopped; Timeout if the context does not stop.
  Status stop();

  // MODIFY_STREAM_PROPERTIES: a new channel and speed, only while stopped with no buffer pending
  // (InvalidDeviceState otherwise).
  Status modify_stream_properties(std::uint32_t channel, IsochSpeed speed);

  // What the DPC does, for a driver that polls: look at completions, run callbacks; a context
  // that reads dead fails its pending buffers.
  void poll();

  StreamState state() const { return state_; }
  // ContextControl as the controller reports it now (run = 1, active = 0: ran out, idle).
  ContextStatus context_status();
  // Buffers attached (pending or completed and not yet detached), and those still pending.
  std::size_t attached() const { return entries_.size(); }
  std::size_t pending() const;
  // The pending buffers, in order.
  std::vector<IsochDescriptor*> pending_descriptors() const;
  // Block slots free in the pool, and the pool's size.
  std::size_t free_slots() const { return free_slots_.size(); }
  std::size_t total_slots() const { return blocks_.size(); }
  // Attaches that found the running context idle (it had run out of buffers) and re-armed it.
  std::uint32_t run_outs() const { return run_outs_; }
  // Packets missed since talk/listen. Listen: packets that arrived while the context had no block
  // (the controller's DroppedPackets, summed over restarts). Talk: cycles without a packet
  // between the first packet and the last completed one, from the packets' time stamps.
  std::uint64_t missed_packets();
  // The error that stopped the stream (a dead context: DeviceError), or Success.
  Status last_error() const { return last_error_; }

  // ContextOwner: from the InterruptDispatcher's DPC.
  void on_context_interrupt(ContextKind kind, std::uint32_t index, bool unrecoverable) override;

 private:
  friend class IsochBus;

  // A batch as given: descriptors by value or by pointer.
  class DescriptorList {
   public:
    DescriptorList(std::span<IsochDescriptor> values) : values_(values), size_(values.size()) {}
    DescriptorList(std::span<IsochDescriptor* const> pointers)
        : pointers_(pointers), by_pointer_(true), size_(pointers.size()) {}
    std::size_t size() const { return size_; }
    IsochDescriptor* operator[](std::size_t i) const {
      return by_pointer_ ? pointers_[i] : &values_[i];
    }

   private:
    std::span<IsochDescriptor> values_;
    std::span<IsochDescriptor* const> pointers_;
    bool by_pointer_ = false;
    std::size_t size_ = 0;
  };

  enum class Program { kTalk, kListenPacket, kListenFill };

  // How buffers become blocks, fixed at allocation.
  struct Layout {
    Program program = Program::kTalk;
    std::uint32_t z = 0;             // descriptor units per block (slot = 16 * z bytes)
    std::uint32_t header_bytes = 0;  // listen, packet-based, stripping: header area per slot
    std::uint32_t capacity = 0;      // buffers attached at once: number_of_buffers - 1
    bool time_stamps = false;        // kResourceTimeStampOnCompletion
  };

  // One attached buffer. Its blocks are slots first_slot -> next_slot_ ... -> last_slot.
  struct Entry {
    IsochDescriptor* descriptor = nullptr;
    std::uint32_t first_slot = 0;
    std::uint32_t last_slot = 0;
    std::uint32_t blocks = 0;
    std::uint32_t frame = 0;  // bytes per packet (talk), per slot (packet listen)
    bool done = false;
    bool time_stamp = false;
    bool sy_wait_all = false;                  // listen: w on every block
    bool sy_wait_first = false;                // listen: w on the first block
    std::optional<std::uint32_t> start_match;  // kDescriptorSynchOnTime: the 15-bit cycleMatch
    std::uint64_t sequence = 0;
    IsochCallback callback = nullptr;
    void* context1 = nullptr;
    void* context2 = nullptr;
  };

  // Where a slot's block is: what a branch word or CommandPtr names, and its status quadlet.
  struct SlotBlock {
    BlockRef ref;
    std::size_t offset = 0;
    std::size_t branch_offset = 0;
    std::size_t status_offset = 0;  // IT: the OUTPUT_LAST's quadlet 3
  };

  // Listen: the ContextMatch filter the buffers ask for (fixed once the context runs), and
  // whether a kDescriptorSynchOnSy filter persists into later buffers.
  struct Filter {
    std::optional<std::uint32_t> tag;
    std::optional<std::uint32_t> sync;
    bool sy_persists = false;
    bool fixed = false;  // written to ContextMatch: tag and sync can no longer change
  };

  struct PendingCallback {
    std::uint64_t sequence = 0;
    IsochCallback callback = nullptr;
    void* context1 = nullptr;
    void* context2 = nullptr;
  };

  struct BlockOutcome {
    bool done = false;
    bool ok = true;                           // the controller reported no error for it
    std::optional<std::uint32_t> time_stamp;  // cycleSeconds[2:0] : cycleCount
  };

  // Validates `config` (InvalidParameter, NotSupported) and allocates the program memory
  // (InsufficientResources). The bus then registers it as the context's owner.
  static Result<std::unique_ptr<IsochResource>> create(IsochBus& bus, const ResourceConfig& config,
                                                       ContextKind kind, std::uint32_t index);
  IsochResource(IsochBus& bus, const ResourceConfig& config, ContextKind kind, std::uint32_t index);
  // Bound to context `index`, whose owner the dispatcher now says it is: open the context and
  // unmask its interrupt.
  void bind(std::uint32_t index);

  Status attach_list(const DescriptorList& list);
  Status detach_list(const DescriptorList& list);
  Status start_stream(ContextKind kind, std::optional<CycleTime> start);
  // Checks `descriptor` as the next buffer of a batch (`filter`: the listen filter so far, updated)
  // and fills `entry` with what attaching it means.
  Status validate(const IsochDescriptor& descriptor, bool first_of_program, Filter& filter,
                  Entry& entry) const;
  std::uint32_t blocks_for(const IsochDescriptor& descriptor) const;
  std::uint32_t frame_of(const IsochDescriptor& descriptor) const;
  Status write_block(std::uint32_t slot, const Entry& entry, std::uint32_t index, BlockRef next);
  // Whether block `index` of `entry`, in `slot`, is done, and what it reported.
  BlockOutcome read_block(std::uint32_t slot, const Entry& entry, std::uint32_t index) const;
  BlockRef ref_of(std::uint32_t slot) const;
  std::size_t pending_index() const;  // index in entries_ of the first pending entry
  Entry* find_entry(const IsochDescriptor* descriptor);
  void walk_completions();
  void complete_entry(Entry& entry, std::optional<CycleTime>& now);
  void fail_pending(Status status);
  void release_slots(const Entry& entry);
  void free_slot(std::uint32_t slot);
  Status stop_context();
  void forget_position();
  // Starts the context at the first block not yet done (nothing to start: stays kWaiting).
  // `initial`: talk/listen's first start, where a start cycle applies.
  Status start_context(bool initial);
  void handle_dead_context();
  void relink_pending();
  std::optional<std::uint32_t> program_tail() const;
  void drain_callbacks();
  void forget_callback(std::uint64_t sequence);
  CycleTime absolute_cycle(std::uint32_t time_stamp, const CycleTime& now) const;

  IsochBus& bus_;
  Hal& hal_;
  ResourceConfig config_;
  ContextKind kind_;
  std::uint32_t index_;
  bool registered_ = false;
  Layout layout_;
  DmaBuffer program_;
  DmaBuffer headers_;  // listen, packet-based, stripping: trailer + stripped quadlets per slot
  std::optional<ItContext> it_;
  std::optional<IrContext> ir_;

  std::vector<Entry> entries_;              // attach order; reserved to the buffer limit
  std::vector<SlotBlock> blocks_;           // what each slot holds
  std::vector<std::uint32_t> next_slot_;    // the next block of the same buffer
  std::vector<std::uint32_t> free_slots_;   // a stack
  std::vector<PendingCallback> callbacks_;  // reserved to the buffer limit
  Filter filter_;
  std::uint64_t next_sequence_ = 1;
  // The last block of the buffer that completed last, while the context may still be idle on
  // it (until a later buffer completes or the context is stopped); parked_ is set when that
  // buffer has been detached and the resource keeps the slot.
  std::optional<std::uint32_t> latest_done_slot_;
  std::optional<std::uint32_t> parked_;

  StreamState state_ = StreamState::kStopped;
  std::optional<CycleTime> start_cycle_;
  std::uint32_t run_outs_ = 0;
  std::uint64_t it_missed_ = 0;
  std::optional<std::uint32_t> last_cycle_;  // IT: cycle index (0..63999) of the last packet
  std::uint64_t dropped_base_ = 0;           // IR: DroppedPackets of earlier runs
  Status last_error_ = Status::Success;
};

}  // namespace ohci::fw
