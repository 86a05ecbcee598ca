// The QEMU 7.2 multi-process ("mpqemu") wire protocol between x-pci-proxy-dev and its remote
// device process (../shared/reference/linux-qemu-bridge.md 1.1-1.2): one stream AF_UNIX socket,
// each message a 16-byte header {int cmd; 4 bytes padding; size_t size} followed by `size` bytes
// of payload (at most 192), file descriptors as SCM_RIGHTS on the header. The remote answers
// with RET (a u64) where the command asks for one. x86-64 host layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ohci::sim::qemu {

enum class Command : std::int32_t {
  SyncSysmem = 0,
  Ret = 1,
  PciConfigWrite = 2,
  PciConfigRead = 3,
  BarWrite = 4,
  BarRead = 5,
  SetIrqfd = 6,
  DeviceReset = 7,
};
const char* to_string(Command command);

inline constexpr std::size_t kHeaderBytes = 16;
inline constexpr std::size_t kMaxPayload = 192;  // sizeof the message union
inline constexpr std::size_t kMaxFds = 8;        // REMOTE_MAX_FDS; the receiver accepts < 8

// A malformed message, an unknown command, a short read: the connection cannot go on.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// The peer closed the socket (QEMU exited).
class ConnectionClosed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An owned file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct Message {
  Command command = Command::Ret;
  std::vector<std::uint8_t> payload;
  std::vector<UniqueFd> fds;
};

// SYNC_SYSMEM: the guest RAM sections, one fd each.
struct SysmemRegion {
  std::uint64_t gpa = 0;
  std::uint64_t size = 0;
  std::int64_t offset = 0;  // into its fd
};
// PCI_CFGWRITE / PCI_CFGREAD.
struct ConfigAccess {
  std::uint32_t address = 0;
  std::uint32_t value = 0;
  std::int32_t length = 0;
};
// BAR_WRITE / BAR_READ (address absolute: the BAR's guest-physical base plus the offset).
struct BarAccess {
  std::uint64_t address = 0;
  std::uint64_t value = 0;
  std::uint32_t size = 0;
  bool memory = false;
};

// Checks a received message's size and fd count for its command (as QEMU's mpqemu_msg_valid
// and each handler expect); throws ProtocolError naming what is wrong.
void validate(const Message& message);
std::vector<SysmemRegion> decode_sysmem(const Message& message);
ConfigAccess decode_config(const Message& message);
BarAccess decode_bar(const Message& message);
// Encoders, for tests and tools that play QEMU's side.
Message encode_config(Command command, const ConfigAccess& access);
Message encode_bar(Command command, const BarAccess& access);
Message encode_sysmem(const std::vector<SysmemRegion>& regions, std::vector<UniqueFd> fds);

class Channel {
 public:
  explicit Channel(UniqueFd socket) : socket_(std::move(socket)) {}
  int fd() const { return socket_.get(); }
  // Blocks for one whole message. ConnectionClosed at end of stream before a header;
  // ProtocolError for anything malformed (the fds of a rejected message are closed).
  Message receive();
  // The proxy's side (for tests and tools that play QEMU): one RET message (8 bytes, or none).
  Message receive_reply();
  void send(const Message& message);
  void send_ret(std::uint64_t value);

 private:
  Message read_message();  // one message, its size and command checked but not its kind
  void read_exact(std::uint8_t* data, std::size_t bytes);
  UniqueFd socket_;
};

}  // namespace ohci::sim::qemu
