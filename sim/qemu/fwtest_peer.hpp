// FwtestPeer: the co-simulated node beside the guest's controller on the modelled bus, running
// our own firmware (the streaming API through the co-simulation Hal): it listens on
// FWTEST_IT_CHANNEL, where the guest transmits, recording every packet (sequence number from
// its first four payload bytes, receive cycle from its IR time stamp, length) and checking it
// byte for byte against fwtest_protocol.h; and it talks continuously on FWTEST_IR_CHANNEL, the
// stream the guest receives (packets 0, 1, 2, ... at S400, tag 1, sy 0).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cosim_hal.hpp"
#include "stream_listener.hpp"
#include "stream_node.hpp"
#include "stream_talker.hpp"
#include "world.hpp"

namespace ohci::sim::qemu {

struct PeerPacket {
  std::uint32_t seq = 0;
  std::uint32_t cycle = 0;  // cycleSeconds[2:0]:cycleCount of the receive cycle
  std::uint32_t length = 0;
};

class FwtestPeer {
 public:
  // Host memory the peer node needs for its buffers.
  static std::size_t memory_needed();

  FwtestPeer(World& world, Node& node);
  ~FwtestPeer();
  // Brings the controller up (not cycle master: it follows the guest's node), starts listening
  // and talking; an error says what failed.
  std::string start();
  // The run is over: takes the packets of a buffer not yet full.
  void finish();

  const std::vector<PeerPacket>& received() const { return received_; }
  std::uint64_t bytes_received() const { return bytes_; }
  std::uint64_t mismatches() const { return mismatches_; }
  const std::optional<std::string>& first_mismatch() const { return first_mismatch_; }
  // Packets the peer has put on the bus (counted by the caller from the bus record).
  std::uint64_t sent() const { return sent_; }
  void count_sent() { ++sent_; }
  // The firmware's first error (talker or listener), or empty.
  std::string error() const;

 private:
  void on_packet(const fw::IrPacket& packet);

  World& world_;
  Node& node_;
  CosimHal hal_;
  StreamNode stream_;
  std::unique_ptr<StreamListener> listener_;
  std::unique_ptr<StreamTalker> talker_;
  std::vector<PeerPacket> received_;
  std::uint64_t bytes_ = 0;
  std::uint64_t mismatches_ = 0;
  std::optional<std::string> first_mismatch_;
  std::uint64_t sent_ = 0;
};

}  // namespace ohci::sim::qemu
