// AxiMemorySlave: the host memory's AXI4 slave port, serving ohci_core's m_axi_* DMA master.
//
// 32-bit data, one ID, INCR bursts of up to 16 beats, in order. Seeded random read latency and
// ready back-pressure (picorv32's axi4_memory style), error responses injectable per address
// range, and a protocol checker whose findings tests assert to be empty.
//
// Timing with the clocking discipline of World::step() (drive, falling half, sample, rising edge):
//   - with ready_probability 1, ARREADY/AWREADY/WREADY are high whenever the slave can accept;
//   - read latency L: an AR handshake at edge e puts the first R beat on the bus for edge
//     e + 1 + L; further beats follow one per edge (unless gaps are drawn);
//   - the B response for a write whose last W beat is taken at edge e is on the bus for edge
//     e + 1; the memory is written at edge e, and on_write (if set) is called then.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "host_memory.hpp"

namespace ohci::sim {

struct AxiMemoryConfig {
  unsigned read_latency_min = 0;   // cycles added between an AR handshake and its first beat
  unsigned read_latency_max = 0;   // drawn uniformly in [min, max] per burst
  double ready_probability = 1.0;  // chance that each ready is high in a cycle
  double r_gap_probability = 0.0;  // chance of a cycle without a beat inside a read burst
  std::uint64_t seed = 1;
};

enum class AxiResp : std::uint8_t { Okay = 0, ExOkay = 1, SlvErr = 2, DecErr = 3 };

// Accesses touching [first, last] get `resp`; writes there are not performed.
struct AxiErrorRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  bool on_read = true;
  bool on_write = true;
  AxiResp resp = AxiResp::SlvErr;
};

struct AxiWriteRecord {
  std::uint64_t cycle = 0;  // edge of the last W beat
  std::uint32_t address = 0;
  std::vector<std::uint32_t> data;
  AxiResp resp = AxiResp::Okay;
};

template <class Core>
class AxiMemorySlave {
 public:
  AxiMemorySlave(HostMemory& memory, const AxiMemoryConfig& config)
      : memory_(memory), config_(config), random_(config.seed) {}

  void add_error_range(const AxiErrorRange& range) { errors_.push_back(range); }
  // The memory is busy from edge `from` to edge `until`: a read accepted in that window returns
  // its first beat no earlier than edge `until` + 1 (plus its drawn latency).
  void stall_reads(std::uint64_t from, std::uint64_t until) { stalls_.push_back({from, until}); }
  void clear_error_ranges() { errors_.clear(); }
  void set_on_write(std::function<void(const AxiWriteRecord&)> hook) {
    on_write_ = std::move(hook);
  }
  const std::vector<std::string>& violations() const { return violations_; }
  std::uint64_t read_bursts() const { return read_bursts_; }
  std::uint64_t write_bursts() const { return write_bursts_; }

  void drive(Core& core) {
    const std::uint64_t edge = next_edge_;
    core.m_axi_arready = chance(config_.ready_probability) && reads_.size() < 8;
    core.m_axi_awready = chance(config_.ready_probability) && writes_.size() < 8;
    core.m_axi_wready = chance(config_.ready_probability);
    core.m_axi_rvalid = 0;
    core.m_axi_rlast = 0;
    core.m_axi_rdata = 0;
    core.m_axi_rresp = 0;
    if (!reads_.empty() && reads_.front().ready_edge <= edge &&
        !chance(config_.r_gap_probability)) {
      const ReadBurst& burst = reads_.front();
      const std::uint32_t address = burst.address + 4 * burst.beat;
      const AxiResp resp = response_for(address, false);
      core.m_axi_rvalid = 1;
      core.m_axi_rresp = static_cast<std::uint8_t>(resp);
      core.m_axi_rdata = resp == AxiResp::Okay ? memory_.read32(address) : 0xDEADBEEFu;
      core.m_axi_rlast = burst.beat == burst.length - 1;
    }
    core.m_axi_bvalid = !responses_.empty() && responses_.front().ready_edge <= edge;
    core.m_axi_bresp = core.m_axi_bvalid ? static_cast<std::uint8_t>(responses_.front().resp) : 0;
    driven_rvalid_ = core.m_axi_rvalid;
  }

  void sample(Core& core, std::uint64_t edge) {
    next_edge_ = edge + 1;
    check_stable(core, edge);
    if (core.m_axi_arvalid && core.m_axi_arready) {
      check_burst(edge, "AR", core.m_axi_araddr, core.m_axi_arlen, core.m_axi_arsize,
                  core.m_axi_arburst);
      const unsigned latency =
          config_.read_latency_min +
          (config_.read_latency_max > config_.read_latency_min
               ? static_cast<unsigned>(random_() %
                                       (config_.read_latency_max - config_.read_latency_min + 1))
               : 0u);
      std::uint64_t ready_edge = edge + 1 + latency;
      for (const auto& [from, until] : stalls_) {
        if (edge >= from && edge <= until) ready_edge = std::max(ready_edge, until + 1 + latency);
      }
      reads_.push_back(ReadBurst{core.m_axi_araddr, core.m_axi_arlen + 1u, 0, ready_edge});
      ++read_bursts_;
    }
    if (driven_rvalid_ && core.m_axi_rready) {
      ReadBurst& burst = reads_.front();
      if (++burst.beat == burst.length) reads_.pop_front();
    }
    if (core.m_axi_awvalid && core.m_axi_awready) {
      check_burst(edge, "AW", core.m_axi_awaddr, core.m_axi_awlen, core.m_axi_awsize,
                  core.m_axi_awburst);
      writes_.push_back(AxiWriteRecord{0, core.m_axi_awaddr, {}, AxiResp::Okay});
      write_lengths_.push_back(core.m_axi_awlen + 1u);
    }
    if (core.m_axi_wvalid && core.m_axi_wready) take_w_beat(core, edge);
    if (core.m_axi_bvalid && core.m_axi_bready) responses_.pop_front();
  }

 private:
  struct ReadBurst {
    std::uint32_t address;
    unsigned length;
    unsigned beat;
    std::uint64_t ready_edge;
  };
  struct Response {
    AxiResp resp;
    std::uint64_t ready_edge;
  };

  bool chance(double probability) {
    if (probability >= 1.0) return true;
    if (probability <= 0.0) return false;
    return std::uniform_real_distribution<double>(0.0, 1.0)(random_) < probability;
  }

  AxiResp response_for(std::uint32_t address, bool write) const {
    for (const AxiErrorRange& range : errors_) {
      if (address + 3 >= range.first && address <= range.last &&
          (write ? range.on_write : range.on_read))
        return range.resp;
    }
    return memory_.contains(address, 4) ? AxiResp::Okay : AxiResp::DecErr;
  }

  void take_w_beat(Core& core, std::uint64_t edge) {
    if (writes_.empty()) {
      violation(edge, "W beat before its AW (not supported by this model)");
      return;
    }
    AxiWriteRecord& record = writes_.front();
    const unsigned length = write_lengths_.front();
    const std::uint32_t address =
        record.address + 4 * static_cast<std::uint32_t>(record.data.size());
    const AxiResp resp = response_for(address, true);
    if (resp != AxiResp::Okay) record.resp = resp;
    if (resp == AxiResp::Okay) {
      std::uint32_t merged = memory_.read32(address);
      for (int lane = 0; lane < 4; ++lane) {
        if (core.m_axi_wstrb & (1u << lane)) {
          const std::uint32_t lane_mask = 0xFFu << (8 * lane);
          merged = (merged & ~lane_mask) | (core.m_axi_wdata & lane_mask);
        }
      }
      memory_.write32(address, merged);
    }
    record.data.push_back(core.m_axi_wdata);
    const bool last = record.data.size() == length;
    if (bool(core.m_axi_wlast) != last)
      violation(edge, "WLAST does not mark the burst's last beat");
    if (last) {
      record.cycle = edge;
      responses_.push_back(Response{record.resp, edge + 1});
      ++write_bursts_;
      if (on_write_) on_write_(record);
      writes_.pop_front();
      write_lengths_.pop_front();
    }
  }

  void check_burst(std::uint64_t edge, const char* channel, std::uint32_t address, unsigned len,
                   unsigned size, unsigned burst) {
    if (len > 15) violation(edge, std::string(channel) + " burst longer than 16 beats");
    if (size != 2) violation(edge, std::string(channel) + " size is not 4 bytes");
    if (burst != 1) violation(edge, std::string(channel) + " burst type is not INCR");
    if (address % 4 != 0) violation(edge, std::string(channel) + " address not quadlet aligned");
    if ((address & 0xFFFu) + 4u * (len + 1) > 0x1000u)
      violation(edge, std::string(channel) + " burst crosses a 4 KiB boundary");
  }

  // A VALID that was high without its READY must stay high with the same payload.
  void check_stable(Core& core, std::uint64_t edge) {
    if (held_ar_ && (!core.m_axi_arvalid || core.m_axi_araddr != held_araddr_))
      violation(edge, "ARVALID dropped or ARADDR changed before ARREADY");
    if (held_aw_ && (!core.m_axi_awvalid || core.m_axi_awaddr != held_awaddr_))
      violation(edge, "AWVALID dropped or AWADDR changed before AWREADY");
    if (held_w_ && (!core.m_axi_wvalid || core.m_axi_wdata != held_wdata_))
      violation(edge, "WVALID dropped or WDATA changed before WREADY");
    held_ar_ = core.m_axi_arvalid && !core.m_axi_arready;
    held_araddr_ = core.m_axi_araddr;
    held_aw_ = core.m_axi_awvalid && !core.m_axi_awready;
    held_awaddr_ = core.m_axi_awaddr;
    held_w_ = core.m_axi_wvalid && !core.m_axi_wready;
    held_wdata_ = core.m_axi_wdata;
  }

  void violation(std::uint64_t edge, const std::string& what) {
    std::ostringstream text;
    text << "cycle " << edge << ": " << what;
    violations_.push_back(text.str());
  }

  HostMemory& memory_;
  AxiMemoryConfig config_;
  std::mt19937_64 random_;
  std::vector<AxiErrorRange> errors_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> stalls_;
  std::function<void(const AxiWriteRecord&)> on_write_;
  std::deque<ReadBurst> reads_;
  std::deque<AxiWriteRecord> writes_;
  std::deque<unsigned> write_lengths_;
  std::deque<Response> responses_;
  std::vector<std::string> violations_;
  std::uint64_t next_edge_ = 0;
  std::uint64_t read_bursts_ = 0;
  std::uint64_t write_bursts_ = 0;
  bool driven_rvalid_ = false;
  bool held_ar_ = false, held_aw_ = false, held_w_ = false;
  std::uint32_t held_araddr_ = 0, held_awaddr_ = 0, held_wdata_ = 0;
};

}  // namespace ohci::sim
