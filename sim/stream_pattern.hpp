// The stream ohci-sim sends: the length and the bytes of packet n, from the seed alone, so the
// talker writes them and every listener's scoreboard checks them without sharing state.
#pragma once

#include <cstdint>

#include "qemu/fwtest_protocol.h"

namespace ohci::sim {

class StreamPattern {
 public:
  StreamPattern(std::uint64_t seed, std::uint32_t min_length, std::uint32_t max_length)
      : seed_(seed), min_(min_length), max_(max_length) {}
  // Stream `stream` of the Linux guest test (qemu/fwtest_protocol.h): lengths and bytes as the
  // guest program writes and checks them, sequence number first.
  static StreamPattern fwtest(std::uint32_t stream) {
    StreamPattern pattern(0, 8, FWTEST_MAX_PAYLOAD);
    pattern.fwtest_ = true;
    pattern.fwtest_stream_ = stream;
    return pattern;
  }

  std::uint32_t max_length() const { return max_; }
  // Payload bytes of packet n: uniform in [min, max], the extremes included early on.
  std::uint32_t length(unsigned n) const {
    if (fwtest_) return fwtest_length(fwtest_stream_, n);
    if (n == 1) return max_;
    if (n == 2) return min_;
    return min_ + static_cast<std::uint32_t>(mix(n) % (std::uint64_t{max_} - min_ + 1));
  }
  // Byte i of packet n.
  std::uint8_t byte(unsigned n, std::uint32_t i) const {
    if (fwtest_) return fwtest_payload_byte(fwtest_stream_, n, i);
    return static_cast<std::uint8_t>((mix(n) >> 24) + i * 7u + (i >> 8) * 13u);
  }

 private:
  std::uint64_t mix(unsigned n) const {  // splitmix64
    std::uint64_t z = seed_ + 0x9E3779B97F4A7C15ull * (n + 1ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  std::uint64_t seed_;
  std::uint32_t min_;
  std::uint32_t max_;
  bool fwtest_ = false;
  std::uint32_t fwtest_stream_ = 0;
};

}  // namespace ohci::sim
