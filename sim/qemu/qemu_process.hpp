// QemuProcess: qemu-system-x86_64 as a child of ohci-qemu, with the proxy's end of a socket
// pair inherited as `x-pci-proxy-dev,fd=N` and its stdout/stderr (the guest's serial console
// under -nographic) on a pipe ohci-qemu reads. The child is killed when this object goes away.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "mpqemu.hpp"

namespace ohci::sim::qemu {

struct QemuOptions {
  std::string qemu = "qemu-system-x86_64";
  std::string kernel;
  std::string initrd;
  std::string append;  // extra kernel command line after ohci-qemu's own
  unsigned memory_mib = 512;
};

class QemuProcess {
 public:
  // Starts QEMU with one end of a new socket pair as the proxy's socket; throws std::runtime_error
  // when the socket pair, the pipe or the fork fails (exec failing shows as an early exit, status
  // 127).
  explicit QemuProcess(const QemuOptions& options);
  ~QemuProcess();
  QemuProcess(const QemuProcess&) = delete;
  QemuProcess& operator=(const QemuProcess&) = delete;

  // The remote end of the socket pair.
  UniqueFd take_socket() { return std::move(socket_); }
  int console_fd() const { return console_.get(); }
  // Reads what the console pipe has (non-blocking); empty at end of file or when nothing waits.
  std::string read_console(bool& eof);
  // Exit status once QEMU has exited (checks without blocking).
  std::optional<int> poll_exit();
  void kill();
  const std::vector<std::string>& argv() const { return argv_; }

 private:
  pid_t pid_ = -1;
  UniqueFd socket_;
  UniqueFd console_;
  std::optional<int> status_;
  std::vector<std::string> argv_;
};

}  // namespace ohci::sim::qemu
