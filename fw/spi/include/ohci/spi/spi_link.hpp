// SpiLink: the host side of the boards' SPI protocol (protocol.hpp) over a SpiTransport:
// register reads and writes, memory reads and writes of any length (split into frames), the
// board's identity. Every answer's status byte is checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "ohci/spi/protocol.hpp"
#include "ohci/spi/spi_transport.hpp"

namespace ohci::fw::spi {

// A frame the board answered with something other than OK (or with no valid status byte at
// all: `status.valid` false, e.g. no board on the bus).
class SpiLinkError : public std::runtime_error {
 public:
  SpiLinkError(const std::string& what, StatusByte status)
      : std::runtime_error(what), status_(status) {}
  StatusByte status() const { return status_; }

 private:
  StatusByte status_;
};

struct SpiLinkConfig {
  // Memory frames carry at most this many data bytes (Linux spidev's default buffer is 4096
  // bytes per transfer, frame overhead included).
  std::size_t max_memory_bytes_per_frame = 2048;
  // A register frame answered BUSY is sent again this many times before giving up. (ohci_core
  // answers in 3 clk, far inside the turnaround byte: BUSY means something is wrong.)
  unsigned busy_retries = 3;
};

struct SpiLinkStatistics {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;  // clocked in each direction
  std::uint64_t register_reads = 0;
  std::uint64_t register_writes = 0;
  std::uint64_t memory_bytes_read = 0;
  std::uint64_t memory_bytes_written = 0;
};

class SpiLink {
 public:
  explicit SpiLink(SpiTransport& transport, const SpiLinkConfig& config = {});

  // Throw std::invalid_argument for an offset outside 0x000-0x7FC or not quadlet-aligned (the
  // board would answer BAD_ADDRESS), SpiLinkError for any answer but OK.
  std::uint32_t read32(std::uint32_t offset);
  void write32(std::uint32_t offset, std::uint32_t value);
  // Bus addresses of the board's host memory; SpiLinkError (BAD_ADDRESS) outside it.
  void read_memory(std::uint32_t address, std::span<std::uint8_t> destination);
  void write_memory(std::uint32_t address, std::span<const std::uint8_t> source);
  BoardInfo board_info();

  // The irq bit of the last status byte received.
  bool last_irq() const { return last_irq_; }
  const SpiLinkStatistics& statistics() const { return statistics_; }

 private:
  StatusByte frame(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso,
                   std::size_t status_index);
  StatusByte register_frame(std::span<const std::uint8_t> mosi, std::span<std::uint8_t> miso,
                            std::size_t status_index);
  void check(StatusByte status, const char* what, std::uint32_t address) const;

  SpiTransport& transport_;
  SpiLinkConfig config_;
  bool last_irq_ = false;
  SpiLinkStatistics statistics_;
};

}  // namespace ohci::fw::spi
