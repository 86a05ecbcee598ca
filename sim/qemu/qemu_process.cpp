#include "qemu_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ohci::sim::qemu {
namespace {

// The proxy's fd number in the child.
constexpr int kChildSocketFd = 3;

}  // namespace

QemuProcess::QemuProcess(const QemuOptions& options) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  UniqueFd ours(pair[0]), theirs(pair[1]);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  UniqueFd console_read(pipe_fds[0]), console_write(pipe_fds[1]);

  const std::string memory = std::to_string(options.memory_mib);
  // Interrupts under TCG (docs/linux-bridge.md): QEMU 7.2 delivers the proxy's INTx only through
  // KVM's irqfd, so the guest polls: irqpoll runs every interrupt handler on each tick of the
  // timer on IRQ 0, and nolapic_timer hpet=disable make that timer the PIT (the local APIC
  // timer's ticks do not go through IRQ 0, so irqpoll alone never polls).
  std::string append = "console=ttyS0 irqpoll nolapic_timer hpet=disable panic=-1";
  if (!options.append.empty()) append += " " + options.append;
  argv_ = {options.qemu,
           "-accel",
           "tcg",
           "-machine",
           "pc,memory-backend=mem",
           "-object",
           "memory-backend-memfd,id=mem,size=" + memory + "M,share=on",
           "-m",
           memory,
           "-smp",
           "1",
           "-nographic",
           "-no-reboot",
           "-vga",
           "none",
           "-net",
           "none",
           "-device",
           "x-pci-proxy-dev,id=ohci0,fd=" + std::to_string(kChildSocketFd) + ",addr=04.0",
           "-kernel",
           options.kernel,
           "-initrd",
           options.initrd,
           "-append",
           append};
  std::vector<char*> args;
  for (std::string& arg : argv_) args.push_back(arg.data());
  args.push_back(nullptr);

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // The child: the socket at fd 3 (without CLOEXEC), the console on stdout and stderr,
    // stdin from /dev/null (nothing types at the guest's console).
    ::dup2(theirs.get(), kChildSocketFd);
    ::dup2(console_write.get(), STDOUT_FILENO);
    ::dup2(console_write.get(), STDERR_FILENO);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  socket_ = std::move(ours);
  console_ = std::move(console_read);
  ::fcntl(console_.get(), F_SETFL, ::fcntl(console_.get(), F_GETFL) | O_NONBLOCK);
}

QemuProcess::~QemuProcess() {
  kill();
}

std::string QemuProcess::read_console(bool& eof) {
  eof = false;
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(console_.get(), buffer, sizeof buffer);
    if (got > 0) {
      text.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0) eof = true;
    if (got < 0 && errno == EINTR) continue;
    break;
  }
  return text;
}

std::optional<int> QemuProcess::poll_exit() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_)
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return status_;
}

void QemuProcess::kill() {
  if (pid_ <= 0 || poll_exit()) return;
  ::kill(pid_, SIGTERM);
  for (int tries = 0; tries < 50 && !poll_exit(); ++tries) ::usleep(20000);
  if (!poll_exit()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    status_ = 128 + SIGKILL;
  }
}

}  // namespace ohci::sim::qemu
