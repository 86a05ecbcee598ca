// How a stream listener receives: one packet per buffer slot, or packets back to back.
#pragma once

namespace ohci::sim {

enum class ListenMode { kPacket, kBufferFill };

}  // namespace ohci::sim
