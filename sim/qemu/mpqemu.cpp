#include "mpqemu.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ohci::sim::qemu {
namespace {

template <class T>
T load(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}
template <class T>
void store(std::vector<std::uint8_t>& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

constexpr std::size_t kConfigBytes = 12;   // u32 addr, u32 val, s32 len
constexpr std::size_t kBarBytes = 24;      // u64 addr, u64 val, u32 size, bool memory, 3 pad
constexpr std::size_t kSysmemBytes = 192;  // u64 gpas[8], u64 sizes[8], s64 offsets[8]

std::string system_error(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

const char* to_string(Command command) {
  switch (command) {
    case Command::SyncSysmem:
      return "SYNC_SYSMEM";
    case Command::Ret:
      return "RET";
    case Command::PciConfigWrite:
      return "PCI_CFGWRITE";
    case Command::PciConfigRead:
      return "PCI_CFGREAD";
    case Command::BarWrite:
      return "BAR_WRITE";
    case Command::BarRead:
      return "BAR_READ";
    case Command::SetIrqfd:
      return "SET_IRQFD";
    case Command::DeviceReset:
      return "DEVICE_RESET";
  }
  return "unknown";
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

void validate(const Message& message) {
  const std::size_t size = message.payload.size(), fds = message.fds.size();
  const auto fail = [&](const std::string& why) {
    throw ProtocolError(std::string(to_string(message.command)) + ": " + why + " (size " +
                        std::to_string(size) + ", " + std::to_string(fds) + " fds)");
  };
  if (fds >= kMaxFds) fail("too many file descriptors");
  switch (message.command) {
    case Command::SyncSysmem:
      if (size != kSysmemBytes || fds == 0) fail("needs 192 bytes and at least one fd");
      break;
    case Command::PciConfigWrite:
    case Command::PciConfigRead:
      if (size != kConfigBytes || fds != 0) fail("needs 12 bytes and no fd");
      break;
    case Command::BarWrite:
    case Command::BarRead:
      if (size != kBarBytes || fds != 0) fail("needs 24 bytes and no fd");
      break;
    case Command::SetIrqfd:
      if (size != 0 || fds != 2) fail("needs no payload and exactly two fds");
      break;
    case Command::DeviceReset:
      if (size != 0 || fds != 0) fail("needs no payload and no fd");
      break;
    case Command::Ret:
      fail("a remote never receives RET");
  }
}

std::vector<SysmemRegion> decode_sysmem(const Message& message) {
  std::vector<SysmemRegion> regions;
  for (std::size_t i = 0; i < message.fds.size(); ++i)
    regions.push_back(SysmemRegion{load<std::uint64_t>(message.payload, 8 * i),
                                   load<std::uint64_t>(message.payload, 64 + 8 * i),
                                   load<std::int64_t>(message.payload, 128 + 8 * i)});
  return regions;
}

ConfigAccess decode_config(const Message& message) {
  return ConfigAccess{load<std::uint32_t>(message.payload, 0),
                      load<std::uint32_t>(message.payload, 4),
                      load<std::int32_t>(message.payload, 8)};
}

BarAccess decode_bar(const Message& message) {
  return BarAccess{load<std::uint64_t>(message.payload, 0), load<std::uint64_t>(message.payload, 8),
                   load<std::uint32_t>(message.payload, 16), message.payload[20] != 0};
}

Message encode_config(Command command, const ConfigAccess& access) {
  Message message{command, std::vector<std::uint8_t>(kConfigBytes), {}};
  store(message.payload, 0, access.address);
  store(message.payload, 4, access.value);
  store(message.payload, 8, access.length);
  return message;
}

Message encode_bar(Command command, const BarAccess& access) {
  Message message{command, std::vector<std::uint8_t>(kBarBytes), {}};
  store(message.payload, 0, access.address);
  store(message.payload, 8, access.value);
  store(message.payload, 16, access.size);
  message.payload[20] = access.memory ? 1 : 0;
  return message;
}

Message encode_sysmem(const std::vector<SysmemRegion>& regions, std::vector<UniqueFd> fds) {
  Message message{Command::SyncSysmem, std::vector<std::uint8_t>(kSysmemBytes), std::move(fds)};
  for (std::size_t i = 0; i < regions.size() && i < 8; ++i) {
    store(message.payload, 8 * i, regions[i].gpa);
    store(message.payload, 64 + 8 * i, regions[i].size);
    store(message.payload, 128 + 8 * i, regions[i].offset);
  }
  return message;
}

void Channel::read_exact(std::uint8_t* data, std::size_t bytes) {
  while (bytes > 0) {
    const ssize_t got = ::recv(socket_.get(), data, bytes, 0);
    if (got == 0) throw ProtocolError("the socket closed in the middle of a message");
    if (got < 0) {
      if (errno == EINTR) continue;
      throw ProtocolError(system_error("recv"));
    }
    data += got;
    bytes -= static_cast<std::size_t>(got);
  }
}

Message Channel::read_message() {
  std::uint8_t header[kHeaderBytes];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  iovec iov{header, kHeaderBytes};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t got;
  do {
    got = ::recvmsg(socket_.get(), &msg, MSG_CMSG_CLOEXEC);
  } while (got < 0 && errno == EINTR);
  if (got < 0) throw ProtocolError(system_error("recvmsg"));
  Message message;
  // Take ownership of every descriptor first, so that any error below closes them.
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      message.fds.emplace_back(fd);
    }
  }
  if (got == 0) throw ConnectionClosed("the proxy closed the socket");
  if (msg.msg_flags & MSG_CTRUNC) throw ProtocolError("file descriptors were truncated");
  if (static_cast<std::size_t>(got) < kHeaderBytes)
    read_exact(header + got, kHeaderBytes - static_cast<std::size_t>(got));
  std::int32_t command;
  std::uint64_t size;
  std::memcpy(&command, header, 4);
  std::memcpy(&size, header + 8, 8);
  if (command < 0 || command > static_cast<std::int32_t>(Command::DeviceReset))
    throw ProtocolError("unknown command " + std::to_string(command));
  if (size > kMaxPayload)
    throw ProtocolError("payload of " + std::to_string(size) + " bytes (at most 192)");
  message.command = static_cast<Command>(command);
  message.payload.resize(size);
  if (size > 0) read_exact(message.payload.data(), size);
  return message;
}

Message Channel::receive() {
  Message message = read_message();
  validate(message);
  return message;
}

Message Channel::receive_reply() {
  Message message = read_message();
  if (message.command != Command::Ret || (message.payload.size() != 8 && !message.payload.empty()))
    throw ProtocolError("expected RET, got " + std::string(to_string(message.command)));
  return message;
}

void Channel::send(const Message& message) {
  std::uint8_t header[kHeaderBytes] = {};
  const auto command = static_cast<std::int32_t>(message.command);
  const std::uint64_t size = message.payload.size();
  std::memcpy(header, &command, 4);
  std::memcpy(header + 8, &size, 8);
  iovec iov[2] = {{header, kHeaderBytes},
                  {const_cast<std::uint8_t*>(message.payload.data()), message.payload.size()}};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = message.payload.empty() ? 1 : 2;
  if (!message.fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * message.fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * message.fds.size());
    for (std::size_t i = 0; i < message.fds.size(); ++i) {
      const int fd = message.fds[i].get();
      std::memcpy(CMSG_DATA(c) + i * sizeof(int), &fd, sizeof fd);
    }
  }
  const std::size_t total = kHeaderBytes + message.payload.size();
  ssize_t sent;
  do {
    sent = ::sendmsg(socket_.get(), &msg, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) throw ConnectionClosed(system_error("sendmsg"));
  if (static_cast<std::size_t>(sent) != total) throw ProtocolError("short send");
}

void Channel::send_ret(std::uint64_t value) {
  Message message{Command::Ret, std::vector<std::uint8_t>(8), {}};
  std::memcpy(message.payload.data(), &value, 8);
  send(message);
}

}  // namespace ohci::sim::qemu
