// DMA transfers on OHCI isochronous contexts (docs/dma-transactions.md): the descriptor program a
// DmaTransaction's transfer becomes, what the controller did with it, and how that maps onto the
// three completion calls.
//
// Transmit (IT, DmaDirection::ToDevice): a transfer of L bytes is ceil(L / P) packets of
// P = max_bytes_per_packet payload bytes (the last one shorter), one block each (OUTPUT_MORE-
// Immediate with the header, OUTPUT_LAST with the payload), i = 11 on the last packet only, the
// last block ending the program (Z = 0). Every block's skipAddress is an underrun trap: an empty
// OUTPUT_LAST with i = 11 that ends the program. A packet that is not staged when its cycle opens
// (evt_underrun) therefore ends the transfer with an interrupt instead of being sent late.
//
// Receive (IR, DmaDirection::FromDevice): a transfer of L bytes is ceil(L / S) packet-per-buffer
// blocks of one INPUT_LAST each, S = bytes_per_packet (the last one shorter), filled in order,
// one packet per block, i = 11 on the last block, the last block ending the program. The bytes
// received are those up to the end of the last packet stored: the offset of its block plus that
// block's reqCount - resCount (with fixed-size packets that fill their blocks, exactly the bytes
// stored; a shorter packet before it leaves its unused tail inside the count).
//
// Outcome -> completion call (complete_transfer):
//   IT, last packet sent (ack_complete)        completed()
//   IR, last block filled (ack_complete)       completed_with_length(bytes received)
//   IT, the trap ran (evt_underrun)            completed_final(payload bytes of the packets sent,
//                                              DataLate)
//   IR, a block with evt_overrun               completed_final(bytes received before that block,
//                                              DataOverrun); evt_long_packet: BufferTooSmall;
//                                              ack_data_error (or any other event): DeviceError
//   context dead (evt_* in ContextControl)     completed_final(bytes so far, DeviceError)
//   nothing finished yet                       no call
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ohci/context_status.hpp"
#include "ohci/dma_buffer.hpp"
#include "ohci/dma_transaction.hpp"
#include "ohci/hal.hpp"
#include "ohci/ir_block.hpp"
#include "ohci/ir_context.hpp"
#include "ohci/it_block.hpp"
#include "ohci/it_context.hpp"
#include "ohci/regmap.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

struct ItTransferOptions {
  IsoHeader header;  // speed, tag, channel and sy of every packet
  // Payload bytes per packet: 1..the speed's maximum (1024/2048/4096 at S100/S200/S400).
  std::uint32_t max_bytes_per_packet = 0;
};

struct IrTransferOptions {
  // The buffer each packet gets: a multiple of 4 in 4..0xFFFC. Transfers must start on a quadlet
  // and be a whole number of quadlets long (DmaEnabler::alignment 4, maximum length a multiple
  // of 4).
  std::uint32_t bytes_per_packet = 0;
};

// Packets (IT) or blocks (IR) a transfer of `length` bytes takes.
constexpr std::size_t packets_for(std::size_t length, std::uint32_t bytes_per_packet) {
  return bytes_per_packet == 0 ? 0 : (length + bytes_per_packet - 1) / bytes_per_packet;
}

enum class TransferState { InProgress, Completed, Failed };

// What the controller did with the program built last.
struct TransferOutcome {
  TransferState state = TransferState::InProgress;
  // IT: payload bytes of the packets sent. IR: bytes received (see above). On failure: those
  // before the failure.
  std::size_t bytes = 0;
  // ack_complete when completed; the event that ended it when failed.
  regs::EventCode event = regs::EventCode::kEvtNoStatus;
  // Failed: DataLate, DataOverrun, BufferTooSmall or DeviceError (see above); else Success.
  Status error = Status::Success;
};

// DMA memory for the program of one transfer at a time, rebuilt for every transfer. Move-only.
class TransferProgram {
 public:
  // Room for transfers of up to `max_packets` packets. InvalidParameter for 0;
  // InsufficientResources when the Hal has no memory.
  static Result<TransferProgram> allocate(Hal& hal, std::size_t max_packets);

  // Writes the IT program for `transfer` and returns its first block. InvalidParameter for a bad
  // header or packet size (nothing written); InsufficientResources for more packets than
  // max_packets().
  Result<BlockRef> build_transmit(const DmaTransfer& transfer, const ItTransferOptions& options);
  // Writes the IR program for `transfer` and returns its first block. InvalidParameter for a
  // bytes_per_packet or a transfer that is not whole quadlets; InsufficientResources for more
  // blocks than max_packets().
  Result<BlockRef> build_receive(const DmaTransfer& transfer, const IrTransferOptions& options);

  // Reads the program's status quadlets. `context` is the context's ContextControl as read now
  // (ItContext::status(), IrContext::status()): a dead context fails the transfer.
  // InvalidDeviceState when nothing has been built.
  Result<TransferOutcome> outcome(const ContextStatus& context) const;

  std::size_t max_packets() const { return max_packets_; }
  // Of the program built last.
  std::size_t packets() const { return lengths_.size(); }
  BlockRef first() const { return first_; }
  // Payload bytes per packet (IT) or buffer bytes per block (IR) of the program built last.
  const std::vector<std::uint32_t>& lengths() const { return lengths_; }
  // Where the blocks of the program built last are (e.g. to read an IT packet's time stamp).
  const std::vector<ItBlock>& transmit_blocks() const { return it_blocks_; }
  const ItBlock& underrun_trap() const { return trap_; }
  const std::vector<IrBlock>& receive_blocks() const { return ir_blocks_; }
  const DmaBuffer& memory() const { return memory_; }

 private:
  enum class Kind { None, Transmit, Receive };
  TransferProgram(DmaBuffer memory, std::size_t max_packets)
      : memory_(std::move(memory)), max_packets_(max_packets) {}
  Result<TransferOutcome> transmit_outcome(const ContextStatus& context) const;
  Result<TransferOutcome> receive_outcome(const ContextStatus& context) const;

  DmaBuffer memory_;
  std::size_t max_packets_ = 0;
  Kind kind_ = Kind::None;
  BlockRef first_{};
  std::vector<std::uint32_t> lengths_;  // bytes per packet/block of the program built last
  std::vector<ItBlock> it_blocks_;
  ItBlock trap_{};
  std::vector<IrBlock> ir_blocks_;
  std::uint32_t bytes_per_packet_ = 0;
};

// The body of a program-DMA callback: builds `transfer`'s program and (re)starts the context on
// it (stopping it first unless it is stopped: after a transfer it is idle at the program's end).
// The context's interrupt (ItContext/IrContext::enable_interrupt) must be enabled.
Status program_transmit(ItContext& context, TransferProgram& program, const DmaTransfer& transfer,
                        const ItTransferOptions& options);
Status program_receive(IrContext& context, TransferProgram& program, const DmaTransfer& transfer,
                       const IrTransferOptions& options, const IrStartOptions& start = {});

// The body of a DmaInterruptHandler: the mapping above. An outcome still in progress makes no
// call and returns {false, Pending}.
DmaCompletion complete_transfer(DmaTransaction& transaction, const TransferOutcome& outcome);

}  // namespace ohci::fw
