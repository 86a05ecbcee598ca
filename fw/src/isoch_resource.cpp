#include "ohci/isoch_resource.hpp"

#include <algorithm>
#include <array>

#include "ohci/ir_block.hpp"
#include "ohci/isoch_bus.hpp"
#include "ohci/it_block.hpp"

namespace ohci::fw {
namespace {

constexpr std::uint32_t kNoSlot = 0xFFFFFFFF;
// A talk packet's block: OUTPUT_MORE-Immediate (2 units) + OUTPUT_LAST for its one payload piece.
constexpr std::uint32_t kTalkBlockZ = packet_block_z(1);
// The bytes of one buffer-fill descriptor: the largest reqCount that is a multiple of 4.
constexpr std::uint32_t kFillChunk = kMaxIrBufferLength;
// Most blocks a pool may have (keeps slot arithmetic in 32 bits).
constexpr std::uint64_t kMaxSlots = 1u << 20;
constexpr std::uint32_t kCyclesPerSecond = 8000;
// A timeStamp (cycleSeconds[2:0] : cycleCount) repeats after 8 s; the cycle timer after 128 s.
constexpr std::uint32_t kStampCycles = 8 * kCyclesPerSecond;
constexpr std::uint32_t kTimerCycles = 128 * kCyclesPerSecond;

constexpr std::uint32_t kKnownResourceFlags = 0x1FF;
constexpr std::uint32_t kKnownDescriptorFlags = 0xFF;
constexpr std::uint32_t kUnsupportedDescriptorFlags =
    kDescriptorPriorityTimeDelivery | kDescriptorHeaderScatterGather | kDescriptorSynchOnAllTags;

constexpr std::uint32_t ceil_div(std::uint32_t value, std::uint32_t divisor) {
  return value / divisor + (value % divisor != 0 ? 1 : 0);
}

// The cycle a timeStamp names, counted from cycleSeconds[2:0] = 0, cycleCount = 0.
constexpr std::uint32_t stamp_cycle(std::uint32_t time_stamp) {
  return (time_stamp >> 13 & 0x7u) * kCyclesPerSecond + (time_stamp & 0x1FFFu);
}

bool is_speed_value(IsochSpeed speed) {
  return max_isoch_payload(speed) != 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Allocation

IsochResource::IsochResource(IsochBus& bus, const ResourceConfig& config, ContextKind kind,
                             std::uint32_t index)
    : bus_(bus), hal_(bus.hal()), config_(config), kind_(kind), index_(index) {}

Result<std::unique_ptr<IsochResource>> IsochResource::create(IsochBus& bus,
                                                             const ResourceConfig& config,
                                                             ContextKind kind,
                                                             std::uint32_t index) {
  const std::uint32_t flags = config.flags;
  if ((flags & ~kKnownResourceFlags) != 0) return Status::InvalidParameter;
  const bool listen = (flags & kResourceUsedInListening) != 0;
  const bool talk = (flags & kResourceUsedInTalking) != 0;
  if (listen == talk) return Status::InvalidParameter;
  if ((flags & (kResourceBuffersCircular | kResourceVariableIsochPayload |
                kResourceUseMultichannel)) != 0) {
    return Status::NotSupported;
  }
  if (config.channel >= kIsochChannels || config.number_of_buffers < 2 ||
      config.max_buffer_size == 0 || config.max_bytes_per_frame == 0) {
    return Status::InvalidParameter;
  }

  Layout layout;
  layout.capacity = config.number_of_buffers - 1;
  layout.time_stamps = (flags & kResourceTimeStampOnCompletion) != 0;
  std::uint32_t blocks_per_buffer = 0;
  if (talk) {
    if (!is_speed_value(config.speed)) return Status::InvalidParameter;
    if (!controller_speed(config.speed)) return Status::NotSupported;
    if (config.quadlets_to_strip != 0 || (flags & kResourceStripAdditionalQuadlets) != 0 ||
        config.max_bytes_per_frame > max_isoch_payload(config.speed)) {
      return Status::InvalidParameter;
    }
    layout.program = Program::kTalk;
    layout.z = kTalkBlockZ;
    blocks_per_buffer = ceil_div(config.max_buffer_size, config.max_bytes_per_frame);
  } else if ((flags & kResourceUsePacketBased) != 0) {
    const std::uint32_t strip = config.quadlets_to_strip;
    if (strip > 1 && (flags & kResourceStripAdditionalQuadlets) == 0) {
      return Status::InvalidParameter;
    }
    // Without stripping the slot holds the trailer and the header (8 bytes) besides the payload.
    const std::uint32_t min_frame = strip == 0 ? 8 : 4;
    if (strip > (kMaxIrBufferLength - 4) / 4 || config.max_bytes_per_frame % 4 != 0 ||
        config.max_bytes_per_frame < min_frame || config.max_bytes_per_frame > kMaxIrBufferLength) {
      return Status::InvalidParameter;
    }
    layout.program = Program::kListenPacket;
    layout.z = strip == 0 ? 1 : 2;
    layout.header_bytes = strip == 0 ? 0 : 4 + 4 * strip;  // trailer, header, more quadlets
    blocks_per_buffer = ceil_div(config.max_buffer_size, config.max_bytes_per_frame);
  } else {
    // Buffer-fill: the packets are packed back to back, so there is no per-packet place for a
    // stripped header, nor a last packet whose trailer is known.
    if (config.quadlets_to_strip > 1 || layout.time_stamps) return Status::NotSupported;
    layout.program = Program::kListenFill;
    layout.z = 1;
    blocks_per_buffer = ceil_div(config.max_buffer_size, kFillChunk);
  }

  // Every attachable buffer at its longest, plus the block the context may be idle on after its
  // buffer was detached.
  const std::uint64_t slots = std::uint64_t{layout.capacity} * blocks_per_buffer + 1;
  if (slots > kMaxSlots) return Status::InsufficientResources;
  const auto slot_count = static_cast<std::uint32_t>(slots);

  std::unique_ptr<IsochResource> resource(new IsochResource(bus, config, kind, index));
  resource->layout_ = layout;
  Result<DmaBuffer> program = DmaBuffer::allocate(
      bus.hal(), std::size_t{slot_count} * layout.z * kDescriptorBytes, kDescriptorBytes);
  if (!program) return program.status();
  resource->program_ = std::move(*program);
  if (layout.header_bytes != 0) {
    Result<DmaBuffer> headers = DmaBuffer::allocate(
        bus.hal(), std::size_t{slot_count} * layout.header_bytes, kIrBufferAlignment);
    if (!headers) return headers.status();
    resource->headers_ = std::move(*headers);
  }
  resource->blocks_.resize(slot_count);
  resource->next_slot_.assign(slot_count, kNoSlot);
  resource->free_slots_.reserve(slot_count);
  for (std::uint32_t slot = slot_count; slot > 0; --slot) {
    resource->free_slots_.push_back(slot - 1);  // slot 0 is taken first
  }
  resource->entries_.reserve(layout.capacity);
  resource->callbacks_.reserve(layout.capacity);
  return resource;
}

void IsochResource::bind(std::uint32_t index) {
  index_ = index;
  registered_ = true;
  if (kind_ == ContextKind::Transmit) {
    it_.emplace(ItContext::open(hal_, index).value());
    it_->clear_interrupt_event();
    it_->enable_interrupt();
  } else {
    ir_.emplace(IrContext::open(hal_, index).value());
    ir_->clear_interrupt_event();
    ir_->enable_interrupt();
  }
}

IsochResource::~IsochResource() {
  if (!registered_) return;
  // First, so that no DPC reaches this object from here on (unregistering touches no register).
  bus_.dispatcher().unregister_owner(kind_, index_);
  InterruptLock lock(hal_);
  if (state_ == StreamState::kRunning) static_cast<void>(stop_context());
  for (Entry& entry : entries_) {
    if (!entry.done) entry.descriptor->status = Status::Cancelled;
  }
  callbacks_.clear();
  if (it_) it_->disable_interrupt();
  if (ir_) ir_->disable_interrupt();
}

// ---------------------------------------------------------------------------------------------
// Buffers and their blocks

std::uint32_t IsochResource::frame_of(const IsochDescriptor& descriptor) const {
  if (layout_.program == Program::kListenFill) return kFillChunk;
  return descriptor.max_bytes_per_frame != 0 ? descriptor.max_bytes_per_frame
                                             : config_.max_bytes_per_frame;
}

std::uint32_t IsochResource::blocks_for(const IsochDescriptor& descriptor) const {
  return ceil_div(descriptor.length, frame_of(descriptor));
}

BlockRef IsochResource::ref_of(std::uint32_t slot) const {
  constexpr auto kUnitBytes = static_cast<std::uint32_t>(kDescriptorBytes);
  return BlockRef{program_.bus_address() + slot * layout_.z * kUnitBytes, layout_.z};
}

Status IsochResource::validate(const IsochDescriptor& descriptor, bool first_of_program,
                               Filter& filter, Entry& entry) const {
  const std::uint32_t flags = descriptor.flags;
  if ((flags & ~kKnownDescriptorFlags) != 0) return Status::InvalidParameter;
  if ((flags & kUnsupportedDescriptorFlags) != 0) return Status::NotSupported;
  const DmaBuffer* buffer = descriptor.buffer;
  if (buffer == nullptr || buffer->empty() || descriptor.length == 0 ||
      !buffer->contains(descriptor.offset, descriptor.length) ||
      descriptor.length > config_.max_buffer_size || descriptor.synch > 0xF ||
      descriptor.tag > 0x3) {
    return Status::InvalidParameter;
  }
  const bool synch_on_time = (flags & kDescriptorSynchOnTime) != 0;
  if (synch_on_time && (!first_of_program || descriptor.cycle_time.count >= kCyclesPerSecond)) {
    return Status::InvalidParameter;
  }
  const bool time_stamp = layout_.time_stamps || (flags & kDescriptorTimeStampOnCompletion) != 0;
  const std::uint32_t frame = frame_of(descriptor);
  // contains() held, and DmaBuffer keeps the whole buffer below 4 GiB.
  const std::uint32_t address =
      buffer->bus_address() + static_cast<std::uint32_t>(descriptor.offset);

  entry = Entry{};
  switch (layout_.program) {
    case Program::kTalk:
      if (frame > config_.max_bytes_per_frame) return Status::InvalidParameter;
      break;
    case Program::kListenPacket: {
      const std::uint32_t min_frame = layout_.header_bytes == 0 ? 8 : 4;
      if (frame > config_.max_bytes_per_frame || frame % 4 != 0 || frame < min_frame ||
          address % kIrBufferAlignment != 0 || descriptor.length % frame != 0) {
        return Status::InvalidParameter;
      }
      break;
    }
    case Program::kListenFill:
      if (time_stamp) return Status::NotSupported;
      if (address % kIrBufferAlignment != 0 || descriptor.length % 4 != 0) {
        return Status::InvalidParameter;
      }
      break;
  }

  if (layout_.program != Program::kTalk) {
    const bool on_sy = (flags & kDescriptorSynchOnSy) != 0;
    const bool on_tag = (flags & kDescriptorSynchOnTag) != 0;
    const bool first_only = (flags & kDescriptorUseSyTagInFirst) != 0;
    // The tag filter is ContextMatch's: it cannot pass everything after a first match.
    if (on_tag && first_only) return Status::NotSupported;
    if (on_tag) {
      if (filter.tag ? *filter.tag != descriptor.tag : filter.fixed) {
        return Status::InvalidParameter;
      }
      filter.tag = descriptor.tag;
    }
    if (on_sy) {
      if (filter.sync && *filter.sync != descriptor.synch) return Status::InvalidParameter;
      filter.sync = descriptor.synch;
    }
    if (layout_.program == Program::kListenPacket) {
      entry.sy_wait_first = on_sy;
      entry.sy_wait_all = filter.sy_persists || (on_sy && !first_only);
      if (on_sy && !first_only) filter.sy_persists = true;
    } else {
      // A buffer-fill descriptor waits only while it is empty: the sync is one-shot.
      entry.sy_wait_first = on_sy;
    }
  }

  entry.frame = frame;
  entry.blocks = blocks_for(descriptor);
  entry.time_stamp = time_stamp;
  if (synch_on_time) entry.start_match = descriptor.cycle_time.cycle_match();
  entry.callback = descriptor.callback;
  entry.context1 = descriptor.context1;
  entry.context2 = descriptor.context2;
  return Status::Success;
}

Status IsochResource::write_block(std::uint32_t slot, const Entry& entry, std::uint32_t index,
                                  BlockRef next) {
  const IsochDescriptor& descriptor = *entry.descriptor;
  const std::size_t offset = std::size_t{slot} * layout_.z * kDescriptorBytes;
  // i = 11 only where a callback was asked for: on the buffer's last block.
  const regs::DescInterrupt interrupt = index + 1 == entry.blocks && entry.callback != nullptr
                                            ? regs::DescInterrupt::kAlways
                                            : regs::DescInterrupt::kNever;
  const std::uint32_t start = index * entry.frame;
  const std::uint32_t length = std::min(entry.frame, descriptor.length - start);
  const Result<std::uint32_t> address =
      descriptor.buffer->bus_address_of(descriptor.offset + start);
  if (!address) return address.status();

  switch (layout_.program) {
    case Program::kTalk: {
      const IsoHeader header{*controller_speed(config_.speed), descriptor.tag, config_.channel,
                             descriptor.synch};
      const std::array pieces{PayloadPiece{*address, length}};
      const Result<ItBlock> block =
          write_packet_block(program_, offset, ItPacket{header, pieces, interrupt}, next);
      if (!block) return block.status();
      blocks_[slot] =
          SlotBlock{block->ref, block->offset, block->branch_offset, block->status_offset};
      return Status::Success;
    }
    case Program::kListenPacket: {
      std::array<IrBuffer, 2> buffers{};
      std::size_t count = 0;
      if (layout_.header_bytes != 0) {
        buffers[count++] =
            IrBuffer{headers_.bus_address() + slot * layout_.header_bytes, layout_.header_bytes};
      }
      buffers[count++] = IrBuffer{*address, entry.frame};
      const bool wait = entry.sy_wait_all || (index == 0 && entry.sy_wait_first);
      const Result<IrBlock> block = write_packet_per_buffer_block(
          program_, offset,
          IrBlockSpec{std::span<const IrBuffer>(buffers.data(), count), wait, interrupt}, next);
      if (!block) return block.status();
      blocks_[slot] = SlotBlock{block->ref, block->offset, block->branch_offset,
                                block->status_offset(block->descriptors() - 1)};
      return Status::Success;
    }
    case Program::kListenFill: {
      const bool wait = index == 0 && entry.sy_wait_first;
      const Result<IrBlock> block = write_buffer_fill_descriptor(
          program_, offset, IrBufferFillSpec{IrBuffer{*address, length}, interrupt, wait}, next);
      if (!block) return block.status();
      blocks_[slot] =
          SlotBlock{block->ref, block->offset, block->branch_offset, block->status_offset(0)};
      return Status::Success;
    }
  }
  return Status::InvalidParameter;
}

IsochResource::BlockOutcome IsochResource::read_block(std::uint32_t slot, const Entry& entry,
                                                      std::uint32_t index) const {
  const SlotBlock& block = blocks_[slot];
  BlockOutcome outcome;
  switch (layout_.program) {
    case Program::kTalk: {
      const Result<ItCompletion> completion = read_completion(
          program_, ItBlock{block.ref, block.offset, block.branch_offset, block.status_offset});
      if (!completion || !completion->done()) return outcome;
      outcome.done = true;
      outcome.ok = completion->event() == regs::EventCode::kAckComplete;
      outcome.time_stamp = completion->time_stamp;
      return outcome;
    }
    case Program::kListenPacket: {
      const IrBlock ir{block.ref, block.offset, block.branch_offset};
      const Result<IrPacketCompletion> completion = read_packet_completion(program_, ir);
      if (!completion) return BlockOutcome{true, false, std::nullopt};  // resCount > reqCount
      if (!completion->done()) return outcome;
      outcome.done = true;
      outcome.ok = completion->event() == regs::EventCode::kAckComplete;
      // The trailer (xferStatus | timeStamp) is the first quadlet the packet stored.
      const IsochDescriptor& descriptor = *entry.descriptor;
      const Result<std::uint32_t> trailer =
          layout_.header_bytes != 0
              ? headers_.read_quadlet(std::size_t{slot} * layout_.header_bytes)
              : descriptor.buffer->read_quadlet(descriptor.offset + index * entry.frame);
      if (trailer) outcome.time_stamp = decode_ir_trailer(*trailer).time_stamp;
      return outcome;
    }
    case Program::kListenFill: {
      const Result<IrFillLevel> level =
          read_buffer_fill_level(program_, IrBlock{block.ref, block.offset, block.branch_offset});
      if (!level) return BlockOutcome{true, false, std::nullopt};
      if (!level->full()) return outcome;
      outcome.done = true;
      // A descriptor the program ended in holds the part of a packet that fit: evt_long_packet.
      const regs::EventCode event = level->status.event();
      outcome.ok = event == regs::EventCode::kAckComplete ||
                   event == regs::EventCode::kEvtLongPacket ||
                   event == regs::EventCode::kEvtNoStatus;
      return outcome;
    }
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Attach

Status IsochResource::attach(std::span<IsochDescriptor> descriptors) {
  return attach_list(DescriptorList(descriptors));
}

Status IsochResource::attach(std::span<IsochDescriptor* const> descriptors) {
  return attach_list(DescriptorList(descriptors));
}

Status IsochResource::attach_list(const DescriptorList& list) {
  if (list.size() == 0) return Status::InvalidParameter;
  InterruptLock lock(hal_);
  const bool running = state_ == StreamState::kRunning;
  const std::size_t pending_before = pending();
  const bool empty_program = !running && pending_before == 0;
  // A resource that runs nothing and holds nothing takes its listen filter from this batch.
  const Filter start_filter = empty_program ? Filter{} : filter_;

  // 1. Every buffer on its own (the status of one attached elsewhere is not ours to write).
  Status first_error = Status::Success;
  const auto fail = [&](Status status) {
    if (succeeded(first_error)) first_error = status;
  };
  Filter filter = start_filter;
  for (std::size_t i = 0; i < list.size(); ++i) {
    IsochDescriptor* descriptor = list[i];
    if (descriptor == nullptr) {
      fail(Status::InvalidParameter);
      continue;
    }
    bool in_use = descriptor->status == Status::Pending || find_entry(descriptor) != nullptr;
    for (std::size_t j = 0; j < i; ++j) in_use = in_use || list[j] == descriptor;
    if (in_use) {
      fail(Status::InvalidParameter);
      continue;
    }
    Entry entry;
    const Status status = validate(*descriptor, empty_program && i == 0, filter, entry);
    if (!succeeded(status)) {
      descriptor->status = status;
      fail(status);
    }
  }
  if (!succeeded(first_error)) return first_error;

  // 2. Room: the attached-buffer limit and the block pool, in order.
  std::uint64_t blocks = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    blocks += blocks_for(*list[i]);
    if (entries_.size() + i >= layout_.capacity || blocks > free_slots_.size()) {
      list[i]->status = Status::InsufficientResources;
      fail(Status::InsufficientResources);
    }
  }
  if (!succeeded(first_error)) return first_error;

  // Where the batch goes: behind the last pending block, or (running, nothing pending) behind
  // the block the context finished last and may be idle on.
  const std::optional<std::uint32_t> tail = program_tail();
  if (running && !tail) return Status::DeviceError;

  // 3. Slots and blocks, chained among themselves; the batch's last block ends the program.
  const std::size_t first_new = entries_.size();
  filter = start_filter;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Entry entry;
    static_cast<void>(validate(*list[i], empty_program && i == 0, filter, entry));
    entry.descriptor = list[i];
    entry.sequence = next_sequence_++;
    std::uint32_t previous = kNoSlot;
    for (std::uint32_t k = 0; k < entry.blocks; ++k) {
      const std::uint32_t slot = free_slots_.back();
      free_slots_.pop_back();
      if (previous == kNoSlot) {
        entry.first_slot = slot;
      } else {
        next_slot_[previous] = slot;
      }
      previous = slot;
    }
    entry.last_slot = previous;
    entries_.push_back(entry);
  }
  bool tail_patched = false;
  const auto rollback = [&](Status status) {
    if (tail_patched) {
      // The program ends where it ended before (the context is not running).
      const Result<std::uint32_t> end = encode_block_ref(BlockRef::end());
      static_cast<void>(program_.write_quadlet(blocks_[*tail].branch_offset, *end));
    }
    for (std::size_t i = entries_.size(); i > first_new; --i) {
      for (std::uint32_t slot = entries_[i - 1].first_slot; slot != kNoSlot;) {
        const std::uint32_t next = next_slot_[slot];
        free_slot(slot);
        slot = next;
      }
      entries_[i - 1].descriptor->status = status;
      entries_.pop_back();
    }
    return status;
  };
  for (std::size_t i = first_new; i < entries_.size(); ++i) {
    const Entry& entry = entries_[i];
    std::uint32_t slot = entry.first_slot;
    for (std::uint32_t k = 0; k < entry.blocks; ++k) {
      const std::uint32_t next_slot = next_slot_[slot];
      const BlockRef next = next_slot != kNoSlot      ? ref_of(next_slot)
                            : i + 1 < entries_.size() ? ref_of(entries_[i + 1].first_slot)
                                                      : BlockRef::end();
      const Status written = write_block(slot, entry, k, next);
      if (!succeeded(written)) return rollback(Status::DeviceError);
      slot = next_slot;
    }
  }

  // 4. Link the batch in. A running context gets the safe append, which also re-arms it when it
  // ran out (run = 1, active = 0); a stopped program is patched as plain memory.
  const BlockRef first_block = ref_of(entries_[first_new].first_slot);
  if (running) {
    if (context_status().idle()) ++run_outs_;
    const Status appended = it_ ? it_->append(program_, blocks_[*tail].branch_offset, first_block)
                                : ir_->append(program_, blocks_[*tail].branch_offset, first_block);
    if (!succeeded(appended)) return rollback(appended);
  } else if (tail) {
    const Result<std::uint32_t> branch = encode_block_ref(first_block);
    if (!branch) return rollback(Status::DeviceError);
    const Status patched = program_.write_quadlet(blocks_[*tail].branch_offset, *branch);
    if (!succeeded(patched)) return rollback(patched);
    tail_patched = true;
  }
  const Filter previous_filter = filter_;
  filter_ = filter;
  for (std::size_t i = first_new; i < entries_.size(); ++i) {
    entries_[i].descriptor->status = Status::Pending;
  }

  // 5. talk/listen waits for buffers: this batch starts the context.
  if (state_ == StreamState::kWaiting) {
    const Status started = start_context(/*initial=*/true);
    if (!succeeded(started)) {
      filter_ = previous_filter;
      return rollback(started);
    }
  }
  return Status::Success;
}

// ---------------------------------------------------------------------------------------------
// Detach

Status IsochResource::detach(std::span<IsochDescriptor> descriptors) {
  return detach_list(DescriptorList(descriptors));
}

Status IsochResource::detach(std::span<IsochDescriptor* const> descriptors) {
  return detach_list(DescriptorList(descriptors));
}

Status IsochResource::detach_list(const DescriptorList& list) {
  if (list.size() == 0) return Status::InvalidParameter;
  Status result = Status::Success;
  {
    InterruptLock lock(hal_);
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i] == nullptr || find_entry(list[i]) == nullptr) return Status::InvalidParameter;
      for (std::size_t j = 0; j < i; ++j) {
        if (list[j] == list[i]) return Status::InvalidParameter;
      }
    }
    // A buffer that has completed is released, not cancelled, even if the DPC has not seen it yet.
    walk_completions();
    bool cancels = false;
    for (std::size_t i = 0; i < list.size(); ++i) cancels = cancels || !find_entry(list[i])->done;

    // The controller may be fetching any pending block: stop it, so that none of the blocks is
    // read while its slot is freed and the program relinked.
    bool restart = false;
    if (cancels && state_ == StreamState::kRunning) {
      const Status stopped = stop_context();
      if (!succeeded(stopped)) return stopped;
      walk_completions();  // what completed before the context stopped
      forget_position();
      state_ = StreamState::kWaiting;
      restart = true;
    }

    bool cancelled = false;
    for (std::size_t i = 0; i < list.size(); ++i) {
      Entry* entry = find_entry(list[i]);
      if (entry->done) {
        forget_callback(entry->sequence);
        release_slots(*entry);
      } else {
        for (std::uint32_t slot = entry->first_slot; slot != kNoSlot;) {
          const std::uint32_t next = next_slot_[slot];
          free_slot(slot);
          slot = next;
        }
        entry->descriptor->status = Status::Cancelled;
        cancelled = true;
      }
      entries_.erase(entries_.begin() + (entry - entries_.data()));
    }
    if (cancelled) relink_pending();
    if (restart) result = start_context(/*initial=*/false);
  }
  drain_callbacks();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Talk, listen, stop

Status IsochResource::talk(std::optional<CycleTime> start) {
  return start_stream(ContextKind::Transmit, start);
}

Status IsochResource::listen(std::optional<CycleTime> start) {
  return start_stream(ContextKind::Receive, start);
}

Status IsochResource::start_stream(ContextKind kind, std::optional<CycleTime> start) {
  InterruptLock lock(hal_);
  if (kind != kind_) return Status::InvalidParameter;
  if (state_ != StreamState::kStopped) return Status::InvalidDeviceState;
  if (start && ((config_.flags & kResourceSynchOnTime) == 0 || start->count >= kCyclesPerSecond)) {
    return Status::InvalidParameter;
  }
  start_cycle_ = start;
  run_outs_ = 0;
  it_missed_ = 0;
  last_cycle_.reset();
  dropped_base_ = 0;
  last_error_ = Status::Success;
  state_ = StreamState::kWaiting;
  const Status started = start_context(/*initial=*/true);
  if (!succeeded(started)) {
    state_ = StreamState::kStopped;
    start_cycle_.reset();
  }
  return started;
}

Status IsochResource::start_context(bool initial) {
  walk_completions();
  const std::size_t first = pending_index();
  if (first == entries_.size()) return Status::Success;  // the first attach starts it
  const Entry& entry = entries_[first];
  // The first block not yet done: a stop may have come in the middle of a buffer.
  std::uint32_t slot = entry.first_slot;
  std::uint32_t index = 0;
  while (next_slot_[slot] != kNoSlot && read_block(slot, entry, index).done) {
    slot = next_slot_[slot];
    ++index;
  }
  if (layout_.program == Program::kListenFill) {
    // A buffer-fill descriptor the stop caught partly filled is filled again from its start.
    const Result<std::uint32_t> control = program_.read_quadlet(blocks_[slot].offset);
    if (!control) return control.status();
    const Status rearmed = program_.write_quadlet(blocks_[slot].status_offset,
                                                  regs::desc::control::kReqCount.get(*control));
    if (!succeeded(rearmed)) return rearmed;
  }

  std::optional<std::uint32_t> cycle_match;
  if (initial) {
    if (start_cycle_) {
      cycle_match = start_cycle_->cycle_match();
    } else if (index == 0 && entry.start_match) {
      cycle_match = entry.start_match;
    }
  }
  Status started = Status::Success;
  if (it_) {
    started = it_->start(ref_of(slot), cycle_match);
  } else {
    IrStartOptions options;
    options.buffer_fill = layout_.program == Program::kListenFill;
    options.isoch_header =
        layout_.program == Program::kListenPacket || config_.quadlets_to_strip == 0;
    options.channel = config_.channel;
    options.tags = filter_.tag ? 1u << *filter_.tag : kAllTags;
    options.sync = filter_.sync.value_or(0);
    options.cycle_match = cycle_match;
    started = ir_->start(ref_of(slot), options);
    if (succeeded(started)) {
      filter_.sync = options.sync;
      filter_.fixed = true;
    }
  }
  if (!succeeded(started)) return started;
  state_ = StreamState::kRunning;
  start_cycle_.reset();
  return Status::Success;
}

Status IsochResource::stop() {
  {
    InterruptLock lock(hal_);
    if (state_ == StreamState::kStopped) return Status::Success;
    if (state_ == StreamState::kRunning) {
      const Status stopped = stop_context();
      if (!succeeded(stopped)) return stopped;
    }
    state_ = StreamState::kStopped;
    start_cycle_.reset();
    walk_completions();
    forget_position();
  }
  drain_callbacks();
  return Status::Success;
}

Status IsochResource::stop_context() {
  const Status stopped = it_ ? it_->stop() : ir_->stop();
  if (!succeeded(stopped)) return stopped;
  // DroppedPackets starts again from 0 when run is next set.
  if (ir_) dropped_base_ += ir_->dropped_packets();
  return Status::Success;
}

void IsochResource::forget_position() {
  // A stopped context is idle on nothing: the block it finished last may be reused.
  if (parked_) free_slot(*parked_);
  parked_.reset();
  latest_done_slot_.reset();
}

Status IsochResource::modify_stream_properties(std::uint32_t channel, IsochSpeed speed) {
  InterruptLock lock(hal_);
  if (state_ != StreamState::kStopped || pending() != 0) return Status::InvalidDeviceState;
  if (channel >= kIsochChannels || !is_speed_value(speed)) return Status::InvalidParameter;
  if (kind_ == ContextKind::Transmit) {
    if (!controller_speed(speed)) return Status::NotSupported;
    if (config_.max_bytes_per_frame > max_isoch_payload(speed)) return Status::InvalidParameter;
  }
  config_.channel = channel;
  config_.speed = speed;
  return Status::Success;
}

// ---------------------------------------------------------------------------------------------
// Completions

void IsochResource::on_context_interrupt(ContextKind /*kind*/, std::uint32_t /*index*/,
                                         bool unrecoverable) {
  {
    InterruptLock lock(hal_);
    walk_completions();
    if (unrecoverable && state_ == StreamState::kRunning) handle_dead_context();
  }
  drain_callbacks();
}

void IsochResource::poll() {
  {
    InterruptLock lock(hal_);
    walk_completions();
    if (state_ == StreamState::kRunning && context_status().dead) handle_dead_context();
  }
  drain_callbacks();
}

void IsochResource::handle_dead_context() {
  // Clearing run clears dead; the context is inactive already.
  static_cast<void>(stop_context());
  fail_pending(Status::DeviceError);
  forget_position();
  state_ = StreamState::kStopped;
  last_error_ = Status::DeviceError;
}

void IsochResource::walk_completions() {
  // Buffers complete in attach order: the first one whose last block is not done ends the walk.
  std::optional<CycleTime> now;
  for (Entry& entry : entries_) {
    if (entry.done) continue;
    if (!read_block(entry.last_slot, entry, entry.blocks - 1).done) break;
    complete_entry(entry, now);
  }
}

void IsochResource::complete_entry(Entry& entry, std::optional<CycleTime>& now) {
  bool ok = true;
  std::optional<std::uint32_t> time_stamp;
  std::uint32_t slot = entry.first_slot;
  for (std::uint32_t index = 0; index < entry.blocks; ++index, slot = next_slot_[slot]) {
    const BlockOutcome outcome = read_block(slot, entry, index);
    ok = ok && outcome.ok;
    time_stamp = outcome.time_stamp;
    if (kind_ == ContextKind::Transmit && outcome.time_stamp) {
      // One packet per cycle: every cycle between two packets went without one.
      const std::uint32_t cycle = stamp_cycle(*outcome.time_stamp);
      if (last_cycle_) {
        const std::uint32_t distance = (cycle + kStampCycles - *last_cycle_) % kStampCycles;
        if (distance > 0) it_missed_ += distance - 1;
      }
      last_cycle_ = cycle;
    }
  }
  entry.done = true;
  IsochDescriptor& descriptor = *entry.descriptor;
  descriptor.status = ok ? Status::Success : Status::DeviceError;
  if (entry.time_stamp && time_stamp) {
    if (!now) now = Controller(hal_).read_cycle_timer();
    descriptor.cycle_time = absolute_cycle(*time_stamp, *now);
  }
  // The context has passed every block before this buffer's last one, and may still be idle on
  // that one (only a running context is).
  if (parked_) free_slot(*parked_);
  parked_.reset();
  if (state_ == StreamState::kRunning) latest_done_slot_ = entry.last_slot;
  if (entry.callback != nullptr) {
    callbacks_.push_back(
        PendingCallback{entry.sequence, entry.callback, entry.context1, entry.context2});
  }
}

CycleTime IsochResource::absolute_cycle(std::uint32_t time_stamp, const CycleTime& now) const {
  // The stamp is at most 8 s old: step back from the cycle timer by its age.
  const std::uint32_t now_cycle = (now.seconds % 128) * kCyclesPerSecond + now.count;
  const std::uint32_t age =
      (now_cycle % kStampCycles + kStampCycles - stamp_cycle(time_stamp)) % kStampCycles;
  const std::uint32_t cycle = (now_cycle + kTimerCycles - age) % kTimerCycles;
  const std::uint32_t seconds = cycle / kCyclesPerSecond;
  const std::uint32_t count = cycle % kCyclesPerSecond;
  namespace field = regs::isochronous_cycle_timer;
  return CycleTime{field::kCycleSeconds.put(seconds) | field::kCycleCount.put(count), seconds,
                   count, 0};
}

void IsochResource::fail_pending(Status status) {
  for (Entry& entry : entries_) {
    if (entry.done) continue;
    entry.done = true;
    entry.descriptor->status = status;
    if (entry.callback != nullptr) {
      callbacks_.push_back(
          PendingCallback{entry.sequence, entry.callback, entry.context1, entry.context2});
    }
  }
}

void IsochResource::drain_callbacks() {
  // One at a time, the lock released around each: a callback may attach or detach (and a
  // detached buffer's callback is dropped from the queue, so it never runs after detach).
  for (;;) {
    PendingCallback callback;
    {
      InterruptLock lock(hal_);
      if (callbacks_.empty()) return;
      callback = callbacks_.front();
      callbacks_.erase(callbacks_.begin());
    }
    callback.callback(callback.context1, callback.context2);
  }
}

void IsochResource::forget_callback(std::uint64_t sequence) {
  std::erase_if(callbacks_, [sequence](const PendingCallback& callback) {
    return callback.sequence == sequence;
  });
}

// ---------------------------------------------------------------------------------------------
// Slots and the program

void IsochResource::free_slot(std::uint32_t slot) {
  next_slot_[slot] = kNoSlot;
  free_slots_.push_back(slot);
}

void IsochResource::release_slots(const Entry& entry) {
  for (std::uint32_t slot = entry.first_slot; slot != kNoSlot;) {
    const std::uint32_t next = next_slot_[slot];
    // The context may still be idle on the last block that completed: keep it.
    if (latest_done_slot_ == slot) {
      next_slot_[slot] = kNoSlot;
      parked_ = slot;
    } else {
      free_slot(slot);
    }
    slot = next;
  }
}

void IsochResource::relink_pending() {
  // Only while the context is stopped: the controller reads none of these branch words.
  const std::size_t first = pending_index();
  for (std::size_t i = first; i < entries_.size(); ++i) {
    const BlockRef next =
        i + 1 < entries_.size() ? ref_of(entries_[i + 1].first_slot) : BlockRef::end();
    const Result<std::uint32_t> branch = encode_block_ref(next);
    if (branch) {
      static_cast<void>(
          program_.write_quadlet(blocks_[entries_[i].last_slot].branch_offset, *branch));
    }
  }
}

std::optional<std::uint32_t> IsochResource::program_tail() const {
  if (pending() != 0) return entries_.back().last_slot;
  if (state_ == StreamState::kRunning) return latest_done_slot_;
  return std::nullopt;
}

std::size_t IsochResource::pending_index() const {
  std::size_t index = 0;
  while (index < entries_.size() && entries_[index].done) ++index;
  return index;
}

std::size_t IsochResource::pending() const {
  return entries_.size() - pending_index();
}

std::vector<IsochDescriptor*> IsochResource::pending_descriptors() const {
  std::vector<IsochDescriptor*> result;
  for (const Entry& entry : entries_) {
    if (!entry.done) result.push_back(entry.descriptor);
  }
  return result;
}

IsochResource::Entry* IsochResource::find_entry(const IsochDescriptor* descriptor) {
  const auto entry = std::find_if(entries_.begin(), entries_.end(),
                                  [&](const Entry& e) { return e.descriptor == descriptor; });
  return entry == entries_.end() ? nullptr : &*entry;
}

ContextStatus IsochResource::context_status() {
  return it_ ? it_->status() : static_cast<ContextStatus>(ir_->status());
}

std::uint64_t IsochResource::missed_packets() {
  InterruptLock lock(hal_);
  if (kind_ == ContextKind::Transmit) return it_missed_;
  return dropped_base_ + (state_ == StreamState::kRunning ? ir_->dropped_packets() : 0);
}

}  // namespace ohci::fw
