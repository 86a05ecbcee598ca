#include "ohci/isoch_speed.hpp"

namespace ohci::fw {

Result<std::uint32_t> bandwidth_units(std::uint32_t max_bytes_per_frame, IsochSpeed speed) {
  const std::uint32_t per_quadlet = bandwidth_units_per_quadlet(speed);
  if (per_quadlet == 0 || max_bytes_per_frame > max_isoch_payload(speed)) {
    return Status::InvalidParameter;
  }
  const std::uint32_t payload_quadlets = (max_bytes_per_frame + 3) / 4;
  return per_quadlet * (kIsochOverheadQuadlets + payload_quadlets);
}

std::uint32_t bytes_per_frame_for(std::uint32_t units, IsochSpeed speed) {
  const std::uint32_t per_quadlet = bandwidth_units_per_quadlet(speed);
  if (per_quadlet == 0) return 0;
  const std::uint32_t quadlets = units / per_quadlet;
  if (quadlets <= kIsochOverheadQuadlets) return 0;
  const std::uint32_t bytes = (quadlets - kIsochOverheadQuadlets) * 4;
  return bytes < max_isoch_payload(speed) ? bytes : max_isoch_payload(speed);
}

std::optional<regs::Speed> controller_speed(IsochSpeed speed) {
  switch (speed) {
    case IsochSpeed::kS100:
      return regs::Speed::kS100;
    case IsochSpeed::kS200:
      return regs::Speed::kS200;
    case IsochSpeed::kS400:
      return regs::Speed::kS400;
    default:
      return std::nullopt;
  }
}

}  // namespace ohci::fw
