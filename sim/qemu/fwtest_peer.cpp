#include "fwtest_peer.hpp"

#include "fwtest_protocol.h"
#include "ohci/regmap.hpp"

namespace ohci::sim::qemu {
namespace {

constexpr unsigned kBatch = 8;  // talker buffers per attach, listener packets per buffer
constexpr unsigned kTalkForever = 1u << 30;  // packets the talker is given: it never runs out
constexpr unsigned kSpeedS400 = 2;

}  // namespace

std::size_t FwtestPeer::memory_needed() {
  return StreamTalker::memory_needed(kBatch, FWTEST_MAX_PAYLOAD) +
         StreamListener::memory_needed(ListenMode::kPacket, kBatch, FWTEST_MAX_PAYLOAD) +
         (1u << 20);  // descriptors and alignment
}

FwtestPeer::FwtestPeer(World& world, Node& node)
    : world_(world),
      node_(node),
      hal_(world, node),
      stream_(node.name(), hal_, [&world] { return world.cycle(); }) {}

FwtestPeer::~FwtestPeer() = default;

std::string FwtestPeer::start() {
  const std::uint32_t interrupts = regs::int_mask::kIsochTx.mask() |
                                   regs::int_mask::kIsochRx.mask() |
                                   regs::int_mask::kUnrecoverableError.mask();
  auto up = stream_.controller.bring_up({.cycle_master = false, .interrupts = interrupts});
  if (!up.ok()) return "peer bring-up: " + std::string(fw::to_string(up.status()));
  listener_ = std::make_unique<StreamListener>(stream_, StreamPattern::fwtest(FWTEST_STREAM_IT),
                                               FWTEST_IT_CHANNEL, ListenMode::kPacket, kBatch);
  listener_->set_on_packet([this](const fw::IrPacket& packet) { on_packet(packet); });
  if (std::string why = listener_->start(); !why.empty()) return "peer listener: " + why;
  talker_ = std::make_unique<StreamTalker>(stream_, StreamPattern::fwtest(FWTEST_STREAM_IR),
                                           FWTEST_IR_CHANNEL, kSpeedS400, kBatch, kTalkForever);
  talker_->set_tag(FWTEST_TAG);
  if (std::string why = talker_->start(); !why.empty()) return "peer talker: " + why;
  return {};
}

void FwtestPeer::finish() {
  if (listener_) listener_->finish();
}

std::string FwtestPeer::error() const {
  if (talker_ && !talker_->error().empty()) return "peer talker: " + talker_->error();
  if (listener_ && !listener_->error().empty()) return "peer listener: " + listener_->error();
  return {};
}

void FwtestPeer::on_packet(const fw::IrPacket& packet) {
  PeerPacket record;
  record.cycle = packet.trailer.time_stamp;
  record.length = packet.data_length;
  const auto& bytes = packet.payload;
  const auto mismatch = [&](const std::string& what) {
    ++mismatches_;
    if (!first_mismatch_)
      first_mismatch_ = "packet " + std::to_string(received_.size()) + " (seq " +
                        std::to_string(record.seq) + "): " + what;
  };
  if (bytes.size() >= 4) {
    record.seq = static_cast<std::uint32_t>(bytes[0]) << 24 |
                 static_cast<std::uint32_t>(bytes[1]) << 16 |
                 static_cast<std::uint32_t>(bytes[2]) << 8 | static_cast<std::uint32_t>(bytes[3]);
  }
  if (packet.event() != regs::EventCode::kAckComplete) {
    mismatch(std::string("event ") + std::string(regs::to_string(packet.event())));
  } else if (bytes.size() != packet.data_length || bytes.size() < 4) {
    mismatch("stored " + std::to_string(bytes.size()) + " of " +
             std::to_string(packet.data_length) + " bytes");
  } else if (packet.data_length != fwtest_length(FWTEST_STREAM_IT, record.seq)) {
    mismatch("length " + std::to_string(packet.data_length) + ", expected " +
             std::to_string(fwtest_length(FWTEST_STREAM_IT, record.seq)));
  } else if (packet.header.channel != FWTEST_IT_CHANNEL || packet.header.tag != FWTEST_TAG) {
    mismatch("channel/tag " + std::to_string(packet.header.channel) + "/" +
             std::to_string(packet.header.tag));
  } else {
    for (std::uint32_t k = 0; k < bytes.size(); ++k) {
      const auto want = fwtest_payload_byte(FWTEST_STREAM_IT, record.seq, k);
      if (static_cast<std::uint8_t>(bytes[k]) != want) {
        mismatch("byte " + std::to_string(k));
        break;
      }
    }
  }
  bytes_ += packet.data_length;
  received_.push_back(record);
}

}  // namespace ohci::sim::qemu
