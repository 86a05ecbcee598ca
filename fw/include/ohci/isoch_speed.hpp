// Isochronous speeds as the 1394 bus-driver model names them (SPEED_FLAGS_*), and what a stream
// costs in bandwidth units at each (reference/wdk-isoch-and-kmdf-dma.md 1.8; the formula is in
// docs/isoch-streaming.md).
#pragma once

#include <cstdint>
#include <optional>

#include "ohci/regmap.hpp"
#include "ohci/status.hpp"

namespace ohci::fw {

// SPEED_FLAGS_* (exact WDK values). A request names exactly one, or kFastest.
enum class IsochSpeed : std::uint32_t {
  kS100 = 0x01,
  kS200 = 0x02,
  kS400 = 0x04,
  kS800 = 0x08,
  kS1600 = 0x10,
  kS3200 = 0x20,
  // The fastest speed the bus allows (IsochBusConfig::max_speed).
  kFastest = 0x80000000,
};

// The bandwidth pool of one isochronous cycle: 4915 units, about 80% of the 6144 a 125 us cycle
// has (one unit is the time of one quadlet at S1600).
inline constexpr std::uint32_t kIsochBandwidthPool = 4915;
// A stream's packet is priced with 3 quadlets of overhead (header, header CRC, data CRC) besides
// its quadlet-rounded payload, as Linux prices it.
inline constexpr std::uint32_t kIsochOverheadQuadlets = 3;

// The units one quadlet costs at `speed` (reference 1.8: S100 19, S200 9, S400 4, S800 2, S1600
// 1); 0 for a value that is not one of those speeds.
constexpr std::uint32_t bandwidth_units_per_quadlet(IsochSpeed speed) {
  switch (speed) {
    case IsochSpeed::kS100:
      return 19;
    case IsochSpeed::kS200:
      return 9;
    case IsochSpeed::kS400:
      return 4;
    case IsochSpeed::kS800:
      return 2;
    case IsochSpeed::kS1600:
      return 1;
    default:
      return 0;
  }
}

// The largest isochronous payload at `speed`: 1024 bytes at S100, doubling per speed step; 0 for
// a value that is not one speed.
constexpr std::uint32_t max_isoch_payload(IsochSpeed speed) {
  switch (speed) {
    case IsochSpeed::kS100:
      return 1024;
    case IsochSpeed::kS200:
      return 2048;
    case IsochSpeed::kS400:
      return 4096;
    case IsochSpeed::kS800:
      return 8192;
    case IsochSpeed::kS1600:
      return 16384;
    case IsochSpeed::kS3200:
      return 32768;
    default:
      return 0;
  }
}

// Whether `speed` is no faster than `limit`; both must be single speeds.
constexpr bool speed_at_most(IsochSpeed speed, IsochSpeed limit) {
  return static_cast<std::uint32_t>(speed) <= static_cast<std::uint32_t>(limit);
}

// The units a stream of packets of up to `max_bytes_per_frame` payload bytes takes every cycle:
// units_per_quadlet(speed) * (3 + ceil(max_bytes_per_frame / 4)). InvalidParameter for a speed
// that is not S100..S1600 or a payload above the speed's maximum.
Result<std::uint32_t> bandwidth_units(std::uint32_t max_bytes_per_frame, IsochSpeed speed);

// The largest payload (a multiple of 4, at most the speed's maximum) whose stream fits in `units`;
// 0 when not even the overhead fits, and for a speed bandwidth_units refuses.
std::uint32_t bytes_per_frame_for(std::uint32_t units, IsochSpeed speed);

// The speed code this controller sends at (S100..S400); nullopt for any other value.
std::optional<regs::Speed> controller_speed(IsochSpeed speed);

}  // namespace ohci::fw
