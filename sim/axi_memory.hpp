// AxiMemorySlave: the host memory's AXI4 slave port, serving ohci_core's m_axi_* DMA master.
//
// 32-bit data, one ID, INCR bursts of up to 16 beats of 4 bytes, answered in order. Several
// reads and several writes may be outstanding. Seeded random read latency, READY back-pressure
// and R gaps (in the style of picorv32's axi4_memory), all off by default: the default model is
// full speed and deterministic. Error responses are injectable per address range, and a protocol
// checker records every rule the master breaks; tests assert violations() is empty.
//
// Pins owned (driven in drive()): m_axi_arready, m_axi_rdata, m_axi_rresp, m_axi_rlast,
// m_axi_rvalid, m_axi_awready, m_axi_wready, m_axi_bresp, m_axi_bvalid.
//
// Clocking (the kernel's discipline, every clk cycle): drive(core); eval with clk low;
// sample(core, cycle); rising edge. A handshake happens at `cycle` when VALID && READY are both
// seen in sample(core, cycle). Exact timing, in those cycle numbers:
//   - READY: with no back-pressure, ARREADY is high whenever fewer than max_outstanding_reads
//     reads are queued, AWREADY whenever fewer than max_outstanding_writes writes await their B,
//     WREADY whenever fewer than kMaxBufferedWBeats W beats wait for their AW.
//   - Read: an AR handshake at cycle a with latency L puts the first R beat on the bus from
//     cycle a + 1 + L (L = 0: RVALID is driven in the drive() right after the AR edge, so the
//     master sees the first beat one cycle after AR). Each later beat follows one cycle after the
//     previous beat's handshake. Queued bursts follow each other back to back: the first beat of
//     the next burst may come in the cycle after the previous burst's last beat, but never before
//     its own a + 1 + L. A beat's data is read from memory when it is first put on the bus and
//     held (with RRESP and RLAST) until RREADY takes it.
//   - R gaps: in each cycle in which a new beat could be put on the bus, with probability
//     r_gap_probability it is not (a beat already on the bus is never withdrawn).
//   - Write: memory is written at the cycle both the AW and a W beat have been handshaken (W may
//     come before its AW); the burst is complete at cycle w, that of its last beat (or of its AW
//     if that came later). Its B response is on the bus from cycle
//     w + 1 + write_response_latency and held until BREADY.
//   - stall_reads(from, until): a read whose AR handshake is in [from, until] puts its first beat
//     on the bus no earlier than cycle until + 1 + L (a memory busy with something else).
// So with the defaults a single-beat read costs AR at a, R at a + 1; a single-beat write with AW
// and W together at w costs B at w + 1.
//
// Injected errors: with error_rate above 0, each burst draws at its AR or AW handshake whether it
// fails; a failing burst answers every beat SLVERR with kErrorData (reads) or writes nothing and
// answers B SLVERR (writes). injected_errors() counts such bursts; their records say so.
// Responses: a beat whose 4 bytes touch an error range of its direction gets that range's resp
// (SLVERR or DECERR) and is not performed (writes) or returns kErrorData (reads); otherwise a beat
// outside the HostMemory gets DECERR. A write burst's B carries the first error among its beats.
//
// Protocol checks (each a string "cycle N: ...", see violations()): ARLEN/AWLEN above 15, size
// other than 4 bytes, burst type other than INCR, a burst crossing a 4 KiB boundary, WLAST not on
// exactly the last beat, and ARVALID/AWVALID/WVALID dropped or their payload changed while VALID
// was high without READY. Bursts breaking the first four are still served, as INCR of 4 bytes.
// An unaligned address is legal AXI: the beat carries the aligned word around it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "host_memory.hpp"  // (the usual MemoryPort)
#include "memory_port.hpp"

namespace ohci::sim {

struct AxiMemoryConfig {
  unsigned read_latency_min = 0;        // extra cycles between an AR handshake and its first beat,
  unsigned read_latency_max = 0;        // drawn uniformly in [min, max] for each burst
  unsigned write_response_latency = 0;  // extra cycles before B (fixed)
  double ar_stall_probability = 0.0;    // chance that ARREADY is low in a cycle
  double aw_stall_probability = 0.0;    // chance that AWREADY is low in a cycle
  double w_stall_probability = 0.0;     // chance that WREADY is low in a cycle
  double r_gap_probability = 0.0;       // chance that a due R beat waits a cycle
  unsigned max_outstanding_reads = 8;   // AR accepted, last R beat not yet taken
  unsigned max_outstanding_writes = 8;  // AW accepted, B not yet taken
  double error_rate = 0.0;              // chance that a burst is answered SLVERR (see below)
  std::uint64_t seed = 1;               // of the std::mt19937_64 behind every random choice
};

enum class AxiResp : std::uint8_t { Okay = 0, ExOkay = 1, SlvErr = 2, DecErr = 3 };

// Beats whose bytes touch [first, last] (inclusive) get `resp` in the directions enabled.
struct AxiErrorRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  bool on_read = true;
  bool on_write = true;
  AxiResp resp = AxiResp::SlvErr;
};

// One completed burst, for the log hook.
struct AxiBurstRecord {
  std::uint64_t cycle = 0;    // read: the last R handshake; write: when memory was written
  std::uint32_t address = 0;  // as on AR/AW
  unsigned beats = 0;         // ARLEN/AWLEN + 1
  bool write = false;
  AxiResp resp = AxiResp::Okay;     // the first non-OKAY beat's resp, else OKAY
  bool injected_error = false;      // failed by AxiMemoryConfig::error_rate
  std::vector<std::uint32_t> data;  // every beat's data, as returned (read) or presented (write)
};
using AxiWriteRecord = AxiBurstRecord;

template <class Core>
class AxiMemorySlave {
 public:
  static constexpr std::uint32_t kErrorData = 0xDEAD'BEEFu;  // RDATA of an error beat
  static constexpr std::size_t kMaxBufferedWBeats = 16;      // W beats taken ahead of their AW

  // Throws std::invalid_argument for a latency range with min > max or a probability outside
  // [0, 1]. The memory must outlive the slave.
  explicit AxiMemorySlave(MemoryPort& memory, const AxiMemoryConfig& config = {})
      : memory_(memory),
        config_(config),
        random_(config.seed),
        steady_(config.ar_stall_probability <= 0.0 && config.aw_stall_probability <= 0.0 &&
                config.w_stall_probability <= 0.0 && config.r_gap_probability <= 0.0) {
    const auto probability_ok = [](double p) { return p >= 0.0 && p <= 1.0; };
    if (config.read_latency_min > config.read_latency_max ||
        !probability_ok(config.ar_stall_probability) ||
        !probability_ok(config.aw_stall_probability) ||
        !probability_ok(config.w_stall_probability) || !probability_ok(config.r_gap_probability) ||
        !probability_ok(config.error_rate) || config.max_outstanding_reads == 0 ||
        config.max_outstanding_writes == 0)
      throw std::invalid_argument(
          "AxiMemoryConfig: latency min > max, a probability outside "
          "[0, 1], or no outstanding transactions allowed");
  }

  // Throws std::invalid_argument if first > last or resp is not SLVERR/DECERR.
  void add_error_range(const AxiErrorRange& range) {
    if (range.first > range.last ||
        (range.resp != AxiResp::SlvErr && range.resp != AxiResp::DecErr))
      throw std::invalid_argument("AxiErrorRange: first > last, or resp not SLVERR/DECERR");
    errors_.push_back(range);
  }
  void clear_error_ranges() { errors_.clear(); }
  void stall_reads(std::uint64_t from, std::uint64_t until) { stalls_.emplace_back(from, until); }

  // Called at the cycle a burst completes (see AxiBurstRecord::cycle): every burst, or writes.
  void set_on_burst(std::function<void(const AxiBurstRecord&)> hook) {
    on_burst_ = std::move(hook);
  }
  void set_on_write(std::function<void(const AxiBurstRecord&)> hook) {
    on_write_ = std::move(hook);
  }

  const std::vector<std::string>& violations() const { return violations_; }
  std::uint64_t read_bursts() const { return read_bursts_; }    // completed (last beat taken)
  std::uint64_t write_bursts() const { return write_bursts_; }  // completed (memory written)
  // Bursts failed by error_rate, and the address-handshake cycle of the first.
  std::uint64_t injected_errors() const { return injected_errors_; }
  std::uint64_t first_injected_error_cycle() const { return first_injected_cycle_; }
  // Beats outside the memory (answered DECERR).
  std::uint64_t decode_errors() const { return decode_errors_; }
  std::uint64_t read_beats() const { return read_beats_; }    // R handshakes
  std::uint64_t write_beats() const { return write_beats_; }  // W handshakes
  // Nothing accepted and unanswered.
  bool idle() const {
    return reads_.empty() && writes_.empty() && w_beats_.empty() && responses_.empty();
  }
  // Forgets every transaction in flight (for a core that was reset); keeps counters,
  // violations, error ranges and the random state.
  void reset() {
    reads_.clear();
    writes_.clear();
    w_beats_.clear();
    responses_.clear();
    r_on_bus_ = b_on_bus_ = false;
    held_ = {};
    quiet_ = false;
  }

  void drive(Core& core) {
    // The fast path of an idle port (most clks): nothing queued, no random draw to make, and
    // the pins already show it (every READY high, no RVALID or BVALID). Draws are made only
    // for probabilities above 0, so skipping drive() here changes no random sequence.
    if (quiet_ && idle()) return;
    const std::uint64_t cycle = next_cycle_;
    core.m_axi_arready =
        reads_.size() < config_.max_outstanding_reads && !chance(config_.ar_stall_probability);
    core.m_axi_awready = writes_.size() + responses_.size() < config_.max_outstanding_writes &&
                         !chance(config_.aw_stall_probability);
    core.m_axi_wready =
        w_beats_.size() < kMaxBufferedWBeats && !chance(config_.w_stall_probability);

    if (!r_on_bus_ && !reads_.empty() && reads_.front().first_beat_cycle <= cycle &&
        !chance(config_.r_gap_probability)) {
      const ReadBurst& burst = reads_.front();
      const std::uint32_t address = beat_address(burst.address, burst.next_beat);
      r_beat_.resp = burst.record.injected_error ? AxiResp::SlvErr : response_for(address, false);
      r_beat_.data = r_beat_.resp == AxiResp::Okay ? memory_.read32(address) : kErrorData;
      r_beat_.last = burst.next_beat + 1 == burst.beats;
      r_on_bus_ = true;
    }
    core.m_axi_rvalid = r_on_bus_;
    core.m_axi_rdata = r_on_bus_ ? r_beat_.data : 0;
    core.m_axi_rresp = r_on_bus_ ? static_cast<std::uint8_t>(r_beat_.resp) : 0;
    core.m_axi_rlast = r_on_bus_ && r_beat_.last;

    b_on_bus_ = !responses_.empty() && responses_.front().first_cycle <= cycle;
    core.m_axi_bvalid = b_on_bus_;
    core.m_axi_bresp = b_on_bus_ ? static_cast<std::uint8_t>(responses_.front().resp) : 0;
    quiet_ = steady_ && idle() && core.m_axi_arready && core.m_axi_awready && core.m_axi_wready &&
             !r_on_bus_;
  }

  void sample(Core& core, std::uint64_t cycle) {
    next_cycle_ = cycle + 1;
    // Nothing offered and nothing held: no handshake, no check, no write can happen. (The held
    // state is kept false by check_held whenever no VALID is up, so it stays right.)
    if (!core.m_axi_arvalid && !core.m_axi_awvalid && !core.m_axi_wvalid && !r_on_bus_ &&
        !b_on_bus_ && !held_.ar && !held_.aw && !held_.w && writes_.empty() && w_beats_.empty())
      return;
    check_held(core, cycle);
    if (core.m_axi_arvalid && core.m_axi_arready) accept_read(core, cycle);
    if (r_on_bus_ && core.m_axi_rready) take_r_beat(cycle);
    if (core.m_axi_awvalid && core.m_axi_awready) {
      check_burst(cycle, "AW", core.m_axi_awaddr, core.m_axi_awlen, core.m_axi_awsize,
                  core.m_axi_awburst);
      AxiBurstRecord record;
      record.address = core.m_axi_awaddr;
      record.beats = core.m_axi_awlen + 1u;
      record.write = true;
      record.injected_error = inject_error(cycle);
      writes_.push_back(std::move(record));
    }
    if (core.m_axi_wvalid && core.m_axi_wready) {
      w_beats_.push_back(WBeat{core.m_axi_wdata, static_cast<std::uint8_t>(core.m_axi_wstrb),
                               core.m_axi_wlast != 0});
      ++write_beats_;
    }
    if (b_on_bus_ && core.m_axi_bready) {
      responses_.pop_front();
      b_on_bus_ = false;
    }
    perform_writes(cycle);
  }

 private:
  struct ReadBurst {
    std::uint32_t address;
    unsigned beats;
    unsigned next_beat;
    std::uint64_t first_beat_cycle;
    AxiBurstRecord record;
  };
  struct RBeat {
    std::uint32_t data = 0;
    AxiResp resp = AxiResp::Okay;
    bool last = false;
  };
  struct WBeat {
    std::uint32_t data;
    std::uint8_t strobe;
    bool last;
  };
  struct Response {
    AxiResp resp;
    std::uint64_t first_cycle;  // first cycle BVALID is on the bus
  };
  // What the master showed with VALID high and READY low, which it must show again.
  struct Held {
    bool ar = false, aw = false, w = false;
    std::uint32_t araddr = 0, awaddr = 0, wdata = 0;
    unsigned arlen = 0, arsize = 0, arburst = 0, awlen = 0, awsize = 0, awburst = 0;
    unsigned wstrb = 0, wlast = 0;
  };

  static std::uint32_t beat_address(std::uint32_t start, unsigned beat) {
    return (start & ~3u) + 4u * beat;
  }

  bool chance(double probability) {
    if (probability <= 0.0) return false;
    if (probability >= 1.0) return true;
    // 53 random bits as a double in [0, 1): the same draw on every standard library.
    return static_cast<double>(random_() >> 11) * 0x1.0p-53 < probability;
  }

  bool inject_error(std::uint64_t cycle) {
    if (!chance(config_.error_rate)) return false;
    if (injected_errors_++ == 0) first_injected_cycle_ = cycle;
    return true;
  }

  AxiResp response_for(std::uint32_t address, bool write) {
    const std::uint64_t first = address, last = first + 3;
    for (const AxiErrorRange& range : errors_) {
      if ((write ? range.on_write : range.on_read) && first <= range.last && last >= range.first)
        return range.resp;
    }
    if (memory_.contains(address, 4)) return AxiResp::Okay;
    ++decode_errors_;
    return AxiResp::DecErr;
  }

  void accept_read(Core& core, std::uint64_t cycle) {
    check_burst(cycle, "AR", core.m_axi_araddr, core.m_axi_arlen, core.m_axi_arsize,
                core.m_axi_arburst);
    const unsigned span = config_.read_latency_max - config_.read_latency_min;
    const unsigned latency =
        config_.read_latency_min + (span ? static_cast<unsigned>(random_() % (span + 1u)) : 0u);
    std::uint64_t first_beat_cycle = cycle + 1 + latency;
    for (const auto& [from, until] : stalls_) {
      if (cycle >= from && cycle <= until)
        first_beat_cycle = std::max(first_beat_cycle, until + 1 + latency);
    }
    ReadBurst burst{core.m_axi_araddr, core.m_axi_arlen + 1u, 0, first_beat_cycle, {}};
    burst.record.address = burst.address;
    burst.record.beats = burst.beats;
    burst.record.injected_error = inject_error(cycle);
    reads_.push_back(std::move(burst));
  }

  void take_r_beat(std::uint64_t cycle) {
    r_on_bus_ = false;
    ++read_beats_;
    ReadBurst& burst = reads_.front();
    burst.record.data.push_back(r_beat_.data);
    if (burst.record.resp == AxiResp::Okay) burst.record.resp = r_beat_.resp;
    if (++burst.next_beat < burst.beats) return;
    burst.record.cycle = cycle;
    ++read_bursts_;
    const AxiBurstRecord record = std::move(burst.record);
    reads_.pop_front();
    if (on_burst_) on_burst_(record);
  }

  // Pairs W beats with their AW in order, writes memory, and queues B for finished bursts.
  void perform_writes(std::uint64_t cycle) {
    while (!writes_.empty() && !w_beats_.empty()) {
      AxiBurstRecord& record = writes_.front();
      const WBeat beat = w_beats_.front();
      w_beats_.pop_front();
      const auto index = static_cast<unsigned>(record.data.size());
      const std::uint32_t address = beat_address(record.address, index);
      const AxiResp resp = record.injected_error ? AxiResp::SlvErr : response_for(address, true);
      if (resp == AxiResp::Okay) {
        std::uint32_t merged = memory_.read32(address);
        for (unsigned lane = 0; lane < 4; ++lane) {
          if (beat.strobe & (1u << lane)) {
            const std::uint32_t lane_mask = 0xFFu << (8 * lane);
            merged = (merged & ~lane_mask) | (beat.data & lane_mask);
          }
        }
        memory_.write32(address, merged);
      } else if (record.resp == AxiResp::Okay) {
        record.resp = resp;
      }
      record.data.push_back(beat.data);
      const bool last = record.data.size() == record.beats;
      if (beat.last != last)
        violation(cycle, "WLAST " + std::string(beat.last ? "on" : "missing from") + " beat " +
                             std::to_string(index) + " of a " + std::to_string(record.beats) +
                             "-beat burst at 0x" + hex(record.address));
      if (!last) continue;
      record.cycle = cycle;
      responses_.push_back(Response{record.resp, cycle + 1 + config_.write_response_latency});
      ++write_bursts_;
      const AxiBurstRecord done = std::move(record);
      writes_.pop_front();
      if (on_burst_) on_burst_(done);
      if (on_write_) on_write_(done);
    }
  }

  void check_burst(std::uint64_t cycle, const char* channel, std::uint32_t address, unsigned len,
                   unsigned size, unsigned burst) {
    const bool crosses_4k = (address & 0xFFCu) + 4u * (len + 1u) > 0x1000u;
    if (len <= 15 && size == 2 && burst == 1 && !crosses_4k) return;  // the usual case: no text
    const std::string where = std::string(channel) + " at 0x" + hex(address) + ": ";
    if (len > 15)
      violation(cycle, where + "burst of " + std::to_string(len + 1) + " beats (max 16)");
    if (size != 2)
      violation(cycle, where + "size " + std::to_string(size) + " (must be 2: 4 bytes)");
    if (burst != 1) violation(cycle, where + "burst type " + std::to_string(burst) + " (not INCR)");
    if (crosses_4k) violation(cycle, where + "burst crosses a 4 KiB boundary");
  }

  // AXI: once VALID is high it stays high, with the same payload, until READY.
  void check_held(Core& core, std::uint64_t cycle) {
    if (held_.ar && (!core.m_axi_arvalid || core.m_axi_araddr != held_.araddr ||
                     core.m_axi_arlen != held_.arlen || core.m_axi_arsize != held_.arsize ||
                     core.m_axi_arburst != held_.arburst))
      violation(cycle, core.m_axi_arvalid ? "AR payload changed before ARREADY"
                                          : "ARVALID dropped before ARREADY");
    if (held_.aw && (!core.m_axi_awvalid || core.m_axi_awaddr != held_.awaddr ||
                     core.m_axi_awlen != held_.awlen || core.m_axi_awsize != held_.awsize ||
                     core.m_axi_awburst != held_.awburst))
      violation(cycle, core.m_axi_awvalid ? "AW payload changed before AWREADY"
                                          : "AWVALID dropped before AWREADY");
    if (held_.w && (!core.m_axi_wvalid || core.m_axi_wdata != held_.wdata ||
                    core.m_axi_wstrb != held_.wstrb || core.m_axi_wlast != held_.wlast))
      violation(cycle, core.m_axi_wvalid ? "W payload changed before WREADY"
                                         : "WVALID dropped before WREADY");
    held_.ar = core.m_axi_arvalid && !core.m_axi_arready;
    held_.araddr = core.m_axi_araddr;
    held_.arlen = core.m_axi_arlen;
    held_.arsize = core.m_axi_arsize;
    held_.arburst = core.m_axi_arburst;
    held_.aw = core.m_axi_awvalid && !core.m_axi_awready;
    held_.awaddr = core.m_axi_awaddr;
    held_.awlen = core.m_axi_awlen;
    held_.awsize = core.m_axi_awsize;
    held_.awburst = core.m_axi_awburst;
    held_.w = core.m_axi_wvalid && !core.m_axi_wready;
    held_.wdata = core.m_axi_wdata;
    held_.wstrb = core.m_axi_wstrb;
    held_.wlast = core.m_axi_wlast;
  }

  static std::string hex(std::uint32_t value) {
    std::ostringstream text;
    text << std::hex << value;
    return text.str();
  }

  void violation(std::uint64_t cycle, const std::string& what) {
    violations_.push_back("cycle " + std::to_string(cycle) + ": " + what);
  }

  MemoryPort& memory_;
  AxiMemoryConfig config_;
  std::mt19937_64 random_;
  std::vector<AxiErrorRange> errors_;
  std::uint64_t injected_errors_ = 0;
  std::uint64_t first_injected_cycle_ = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> stalls_;
  std::function<void(const AxiBurstRecord&)> on_burst_;
  std::function<void(const AxiBurstRecord&)> on_write_;

  // No READY back-pressure or R gaps are configured: an idle port's pins never change.
  bool steady_ = false;
  // The last drive() left an idle port's pins as an idle port shows them (see drive()).
  bool quiet_ = false;
  std::uint64_t next_cycle_ = 0;  // the cycle the next drive() is for
  std::deque<ReadBurst> reads_;
  RBeat r_beat_;
  bool r_on_bus_ = false;
  std::deque<AxiBurstRecord> writes_;  // AW taken, burst not yet complete
  std::deque<WBeat> w_beats_;          // W taken, not yet written
  std::deque<Response> responses_;
  bool b_on_bus_ = false;
  Held held_;

  std::vector<std::string> violations_;
  std::uint64_t read_bursts_ = 0, write_bursts_ = 0, read_beats_ = 0, write_beats_ = 0;
  std::uint64_t decode_errors_ = 0;
};

}  // namespace ohci::sim
