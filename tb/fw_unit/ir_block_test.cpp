// IR blocks in DMA memory (layout, Z, where branch and status words are, validation), what the
// controller wrote back to them, and the stream parsers on hand-built memory images. The images
// are written byte by byte in the layout of reference/ohci-isoch.md 2.3: header and trailer as
// little-endian quadlets, payload bytes in wire order, zero padding to a quadlet.
#include "ohci/ir_block.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <utility>
#include <vector>

#include "fake_hal.hpp"

namespace ohci::fw {
namespace {

using test::FakeHal;

// Control halves from the field rules: cmd[31:28] s[27] i[21:20] b[19:18] w[17:16].
constexpr std::uint32_t kInputMore = (2u << 28) | (1u << 27);
constexpr std::uint32_t kInputLast = (3u << 28) | (1u << 27) | (3u << 18);
constexpr std::uint32_t kBranchAlways = 3u << 18;
constexpr std::uint32_t kInterruptAlways = 3u << 20;
constexpr std::uint32_t kWait = 3u << 16;

// xferStatus: run | active | spd << 5 | event.
constexpr std::uint32_t xfer(std::uint32_t speed, std::uint32_t event) {
  return (1u << 15) | (1u << 10) | (speed << 5) | event;
}
constexpr std::uint32_t kAckComplete = 0x11;
constexpr std::uint32_t kAckDataError = 0x1D;
constexpr std::uint32_t kEvtLongPacket = 0x02;

// The stored header quadlet: data_length, tag, channel, tcode 0xA, sy.
constexpr std::uint32_t header_quadlet(std::uint32_t length, std::uint32_t tag,
                                       std::uint32_t channel, std::uint32_t sy) {
  return length << 16 | tag << 14 | channel << 8 | 0xAu << 4 | sy;
}

// A byte image of stored streams, built in memory order.
class Image {
 public:
  Image& quadlet(std::uint32_t value) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<std::byte>(value >> (8 * i)));
    return *this;
  }
  // Payload bytes in wire order, then zeros to a quadlet.
  Image& payload(std::uint32_t length, std::uint8_t first) {
    for (std::uint32_t i = 0; i < length; ++i) {
      bytes_.push_back(static_cast<std::byte>(first + i));
    }
    while (bytes_.size() % 4 != 0) bytes_.push_back(std::byte{0});
    return *this;
  }
  const std::vector<std::byte>& bytes() const { return bytes_; }
  std::span<const std::byte> span() const { return bytes_; }

 private:
  std::vector<std::byte> bytes_;
};

std::vector<std::byte> payload_bytes(std::uint32_t length, std::uint8_t first) {
  std::vector<std::byte> bytes;
  for (std::uint32_t i = 0; i < length; ++i) bytes.push_back(static_cast<std::byte>(first + i));
  return bytes;
}

std::vector<std::byte> to_vector(std::span<const std::byte> bytes) {
  return {bytes.begin(), bytes.end()};
}

class IrBlockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    program_ = std::move(*DmaBuffer::allocate(hal_, 1024, 16));
    data_ = std::move(*DmaBuffer::allocate(hal_, 4096, 16));
    ASSERT_EQ(program_.fill(0, program_.size(), std::byte{0xEE}), Status::Success);
  }

  std::vector<std::uint32_t> quadlets(std::size_t offset, std::size_t count) const {
    std::vector<std::uint32_t> result;
    for (std::size_t i = 0; i < count; ++i) {
      result.push_back(*program_.read_quadlet(offset + 4 * i));
    }
    return result;
  }

  bool untouched() const {
    for (std::byte byte : program_.bytes()) {
      if (byte != std::byte{0xEE}) return false;
    }
    return true;
  }

  std::uint32_t bus(std::size_t offset) const {
    return program_.bus_address() + static_cast<std::uint32_t>(offset);
  }
  std::uint32_t data_bus(std::size_t offset) const {
    return data_.bus_address() + static_cast<std::uint32_t>(offset);
  }

  // As the controller would: xferStatus | resCount into descriptor `index` of `block`.
  void write_status(const IrBlock& block, std::size_t index, std::uint32_t xfer_status,
                    std::uint32_t res_count) {
    ASSERT_EQ(program_.write_quadlet(block.status_offset(index), xfer_status << 16 | res_count),
              Status::Success);
  }

  FakeHal hal_;
  DmaBuffer program_;
  DmaBuffer data_;
};

TEST_F(IrBlockTest, OneBufferIsALoneInputLastThatCarriesTheWait) {
  const std::array buffers{IrBuffer{0x00200000, 1024}};
  const IrBlockSpec spec{buffers, /*wait_for_sync=*/true, regs::DescInterrupt::kAlways};
  const Result<IrBlock> block =
      write_packet_per_buffer_block(program_, 64, spec, BlockRef{bus(256), 3});
  ASSERT_TRUE(block.ok()) << to_string(block.status());
  EXPECT_EQ(block->ref, (BlockRef{bus(64), 1}));
  EXPECT_EQ(block->bytes(), 16u);
  EXPECT_EQ(block->branch_offset, 64u + 8);
  EXPECT_EQ(block->status_offset(0), 64u + 12);
  EXPECT_EQ(quadlets(64, 4),
            (std::vector<std::uint32_t>{kInputLast | kInterruptAlways | kWait | 1024, 0x00200000,
                                        bus(256) | 3, 1024}));
  EXPECT_EQ(quadlets(80, 1), (std::vector<std::uint32_t>{0xEEEEEEEE}));  // nothing beyond Z
}

TEST_F(IrBlockTest, ManyBuffersAreInputMoresThenOneInputLast) {
  // Linux's shape: a small first buffer for trailer and header, then the payload buffers.
  const std::array buffers{IrBuffer{0x1000, 8}, IrBuffer{0x2000, 1024}, IrBuffer{0x3000, 4}};
  const IrBlockSpec spec{buffers, /*wait_for_sync=*/true, regs::DescInterrupt::kNever};
  const Result<IrBlock> block = write_packet_per_buffer_block(program_, 128, spec);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ref, (BlockRef{bus(128), 3}));
  EXPECT_EQ(block->descriptors(), 3u);
  EXPECT_EQ(block->branch_offset, 128u + 2 * 16 + 8);
  EXPECT_EQ(block->status_offset(0), 128u + 12);
  EXPECT_EQ(block->status_offset(2), 128u + 2 * 16 + 12);
  EXPECT_EQ(quadlets(128, 12),
            (std::vector<std::uint32_t>{
                kInputMore | kWait | 8, 0x1000, 0, 8,  // w only on the first, b = never
                kInputMore | 1024, 0x2000, 0, 1024,    // s = 1: status may land here
                kInputLast | 4, 0x3000, 0, 4,          // branch: end of program
            }));
}

TEST_F(IrBlockTest, EightBuffersFillAllEightUnits) {
  const std::array<IrBuffer, 8> eight{
      {{0, 4}, {0, 4}, {0, 4}, {0, 4}, {0, 4}, {0, 4}, {0, 4}, {0, 4}}};
  const Result<IrBlock> block = write_packet_per_buffer_block(program_, 0, IrBlockSpec{eight});
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ref.z, 8u);
  EXPECT_EQ(block->branch_offset, 7u * 16 + 8);
}

TEST_F(IrBlockTest, InvalidBlocksWriteNothing) {
  const auto write = [&](std::span<const IrBuffer> buffers, std::size_t offset = 0,
                         BlockRef next = BlockRef::end(),
                         regs::DescInterrupt interrupt = regs::DescInterrupt::kNever) {
    return write_packet_per_buffer_block(program_, offset, IrBlockSpec{buffers, false, interrupt},
                                         next)
        .status();
  };
  const std::array<IrBuffer, 9> nine{};
  EXPECT_EQ(write({}), Status::InvalidParameter);
  EXPECT_EQ(write(nine), Status::InvalidParameter);
  const std::array misaligned{IrBuffer{0x1000, 8}, IrBuffer{0x2002, 8}};
  EXPECT_EQ(write(misaligned), Status::InvalidParameter);
  const std::array odd_length{IrBuffer{0x1000, 8}, IrBuffer{0x2000, 6}};
  EXPECT_EQ(write(odd_length), Status::InvalidParameter);
  const std::array empty{IrBuffer{0x1000, 0}};
  EXPECT_EQ(write(empty), Status::InvalidParameter);
  const std::array too_long{IrBuffer{0x1000, 0x10000}};
  EXPECT_EQ(write(too_long), Status::InvalidParameter);

  const std::array one{IrBuffer{0x1000, 64}};
  EXPECT_EQ(write(one, 8), Status::InvalidParameter);                         // block misaligned
  EXPECT_EQ(write(one, 0, BlockRef{bus(520), 1}), Status::InvalidParameter);  // branch misaligned
  EXPECT_EQ(write(one, 0, BlockRef{bus(512), 9}), Status::InvalidParameter);  // Z above 8
  EXPECT_EQ(write(one, 0, BlockRef::end(), static_cast<regs::DescInterrupt>(2)),
            Status::InvalidParameter);
  const std::array two{IrBuffer{0x1000, 64}, IrBuffer{0x2000, 64}};
  EXPECT_EQ(write(two, 1024 - 16), Status::BufferTooSmall);  // 32 bytes in the last 16
  DmaBuffer none;
  EXPECT_EQ(write_packet_per_buffer_block(none, 0, IrBlockSpec{one}).status(),
            Status::InvalidParameter);
  EXPECT_TRUE(untouched());
}

TEST_F(IrBlockTest, BufferFillDescriptorIsOneBranchingInputMore) {
  const IrBufferFillSpec spec{{0x4000, 256}, regs::DescInterrupt::kAlways};
  const Result<IrBlock> block = write_buffer_fill_descriptor(program_, 32, spec, {bus(48), 1});
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(block->ref, (BlockRef{bus(32), 1}));
  EXPECT_EQ(block->branch_offset, 32u + 8);
  EXPECT_EQ(block->status_offset(0), 32u + 12);
  EXPECT_EQ(quadlets(32, 4),
            (std::vector<std::uint32_t>{kInputMore | kBranchAlways | kInterruptAlways | 256, 0x4000,
                                        bus(48) | 1, 256}));

  const IrBufferFillSpec waiting{{0x4000, 16}, regs::DescInterrupt::kNever, true};
  ASSERT_TRUE(write_buffer_fill_descriptor(program_, 0, waiting).ok());
  EXPECT_EQ(quadlets(0, 4),
            (std::vector<std::uint32_t>{kInputMore | kBranchAlways | kWait | 16, 0x4000, 0, 16}));
}

TEST_F(IrBlockTest, InvalidBufferFillDescriptorsWriteNothing) {
  EXPECT_EQ(write_buffer_fill_descriptor(program_, 0, {{0x4000, 2}}).status(),
            Status::InvalidParameter);
  EXPECT_EQ(write_buffer_fill_descriptor(program_, 0, {{0x4001, 4}}).status(),
            Status::InvalidParameter);
  EXPECT_EQ(write_buffer_fill_descriptor(program_, 0, {{0x4000, 4}}, {bus(64), 0x10}).status(),
            Status::InvalidParameter);
  EXPECT_EQ(write_buffer_fill_descriptor(program_, 4, {{0x4000, 4}}).status(),
            Status::InvalidParameter);
  EXPECT_EQ(write_buffer_fill_descriptor(program_, 1024, {{0x4000, 4}}).status(),
            Status::BufferTooSmall);
  EXPECT_TRUE(untouched());
}

class IrCompletionTest : public IrBlockTest {
 protected:
  void SetUp() override {
    IrBlockTest::SetUp();
    block_ = *write_packet_per_buffer_block(program_, 0, IrBlockSpec{buffers_});
  }

  const std::array<IrBuffer, 3> buffers_{{{0x1000, 8}, {0x2000, 1024}, {0x3000, 4}}};
  IrBlock block_;
};

TEST_F(IrCompletionTest, NotDoneUntilSomeDescriptorHasAnXferStatus) {
  const Result<IrPacketCompletion> completion = read_packet_completion(program_, block_);
  ASSERT_TRUE(completion.ok());
  EXPECT_FALSE(completion->done());
  EXPECT_EQ(completion->stored_bytes, 0u);
}

TEST_F(IrCompletionTest, FindsTheDescriptorThePacketEndedIn) {
  // 8 bytes of trailer and header filled the first buffer, 24 bytes of payload the second.
  write_status(block_, 1, xfer(2, kAckComplete), 1024 - 24);
  const Result<IrPacketCompletion> completion = read_packet_completion(program_, block_);
  ASSERT_TRUE(completion.ok());
  EXPECT_TRUE(completion->done());
  EXPECT_EQ(completion->descriptor, 1u);
  EXPECT_EQ(completion->stored_bytes, 8u + 24);
  EXPECT_EQ(completion->status.res_count, 1000u);
  EXPECT_EQ(completion->event(), regs::EventCode::kAckComplete);
  EXPECT_EQ(completion->speed(), regs::Speed::kS400);
}

TEST_F(IrCompletionTest, ALongPacketEndsInTheInputLastWithNothingLeft) {
  write_status(block_, 2, xfer(1, kEvtLongPacket), 0);
  const Result<IrPacketCompletion> completion = read_packet_completion(program_, block_);
  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(completion->descriptor, 2u);
  EXPECT_EQ(completion->stored_bytes, 8u + 1024 + 4);
  EXPECT_EQ(completion->event(), regs::EventCode::kEvtLongPacket);
  EXPECT_EQ(completion->speed(), regs::Speed::kS200);
}

TEST_F(IrCompletionTest, RefusesImpossibleWriteBacksAndBlocksOutsideTheBuffer) {
  write_status(block_, 0, xfer(0, kAckComplete), 12);  // more left than the 8 requested
  EXPECT_EQ(read_packet_completion(program_, block_).status(), Status::DeviceError);

  IrBlock outside = block_;
  outside.offset = 1024 - 32;  // three descriptors do not fit in 32 bytes
  EXPECT_EQ(read_packet_completion(program_, outside).status(), Status::InvalidParameter);
  IrBlock no_z = block_;
  no_z.ref.z = 0;
  EXPECT_EQ(read_packet_completion(program_, no_z).status(), Status::InvalidParameter);
}

TEST_F(IrBlockTest, BufferFillLevelFollowsResCount) {
  const IrBlock descriptor = *write_buffer_fill_descriptor(program_, 0, {{0x4000, 256}});
  Result<IrFillLevel> level = read_buffer_fill_level(program_, descriptor);
  ASSERT_TRUE(level.ok());
  EXPECT_FALSE(level->status.done());
  EXPECT_EQ(level->filled(), 0u);
  EXPECT_FALSE(level->full());

  write_status(descriptor, 0, xfer(2, kAckComplete), 100);
  level = read_buffer_fill_level(program_, descriptor);
  EXPECT_EQ(level->filled(), 156u);
  EXPECT_EQ(level->req_count, 256u);
  write_status(descriptor, 0, xfer(2, kAckComplete), 0);
  EXPECT_TRUE(read_buffer_fill_level(program_, descriptor)->full());

  write_status(descriptor, 0, xfer(2, kAckComplete), 260);
  EXPECT_EQ(read_buffer_fill_level(program_, descriptor).status(), Status::DeviceError);
  IrBlock two = descriptor;
  two.ref.z = 2;
  EXPECT_EQ(read_buffer_fill_level(program_, two).status(), Status::InvalidParameter);
}

TEST_F(IrBlockTest, CopyGathersTheStreamFromBuffersApart) {
  // Trailer and header in an 8-byte buffer at data 0x100, the payload in one at data 0x800.
  const std::array buffers{IrBuffer{data_bus(0x100), 8}, IrBuffer{data_bus(0x800), 64}};
  const IrBlock block = *write_packet_per_buffer_block(program_, 0, IrBlockSpec{buffers});
  const Image head =
      Image().quadlet(xfer(2, kAckComplete) << 16 | 77).quadlet(header_quadlet(10, 1, 5, 0));
  const Image body = Image().payload(10, 0x40);
  ASSERT_EQ(data_.write_bytes(0x100, head.span()), Status::Success);
  ASSERT_EQ(data_.write_bytes(0x800, body.span()), Status::Success);

  std::vector<std::byte> gathered(64, std::byte{0x55});
  const Result<std::size_t> copied = copy_block_stream(program_, block, data_, 20, gathered);
  ASSERT_TRUE(copied.ok()) << to_string(copied.status());
  EXPECT_EQ(*copied, 20u);
  std::vector<std::byte> expected = head.bytes();
  expected.insert(expected.end(), body.bytes().begin(), body.bytes().end());
  EXPECT_EQ(std::vector<std::byte>(gathered.begin(), gathered.begin() + 20), expected);
  EXPECT_EQ(gathered[20], std::byte{0x55});

  const Result<IrPacket> packet = parse_packet_per_buffer(std::span(gathered).first(20));
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(to_vector(packet->payload), payload_bytes(10, 0x40));
}

TEST_F(IrBlockTest, CopyChecksEverythingFirst) {
  const std::array buffers{IrBuffer{data_bus(0x100), 8}, IrBuffer{data_bus(0x800), 64}};
  const IrBlock block = *write_packet_per_buffer_block(program_, 0, IrBlockSpec{buffers});
  std::vector<std::byte> destination(128, std::byte{0x55});
  EXPECT_EQ(copy_block_stream(program_, block, data_, 73, destination).status(),
            Status::InvalidParameter);  // more than the buffers hold
  EXPECT_EQ(
      copy_block_stream(program_, block, data_, 20, std::span(destination).first(19)).status(),
      Status::BufferTooSmall);

  // A buffer outside the data buffer given.
  const std::array outside{IrBuffer{data_bus(0x100), 8}, IrBuffer{data_bus(4096 - 4), 64}};
  const IrBlock far = *write_packet_per_buffer_block(program_, 64, IrBlockSpec{outside});
  EXPECT_EQ(copy_block_stream(program_, far, data_, 20, destination).status(),
            Status::InvalidParameter);
  const std::array below{IrBuffer{data_bus(0) - 16, 8}};
  const IrBlock under = *write_packet_per_buffer_block(program_, 128, IrBlockSpec{below});
  EXPECT_EQ(copy_block_stream(program_, under, data_, 8, destination).status(),
            Status::InvalidParameter);
  for (std::byte byte : destination) EXPECT_EQ(byte, std::byte{0x55});
  // Only what is asked for has to lie in the data buffer.
  EXPECT_EQ(*copy_block_stream(program_, far, data_, 12, destination), 12u);
}

TEST(IrStreamParse, PacketPerBufferTrailerHeaderPayload) {
  // ack_complete at S400 in cycle 4321 of second 3; 5 payload bytes on channel 5, tag 1, sy 3.
  const Image stream = Image()
                           .quadlet(xfer(2, kAckComplete) << 16 | (3u << 13 | 4321u))
                           .quadlet(header_quadlet(5, 1, 5, 3))
                           .payload(5, 0xA1);
  ASSERT_EQ(stream.bytes().size(), 16u);
  // Memory order, little-endian header: sy|tcode, tag|channel, then data_length.
  EXPECT_EQ(stream.bytes()[4], std::byte{0xA3});
  EXPECT_EQ(stream.bytes()[5], std::byte{0x45});
  EXPECT_EQ(stream.bytes()[6], std::byte{0x05});

  const Result<IrPacket> packet = parse_packet_per_buffer(stream.span());
  ASSERT_TRUE(packet.ok()) << to_string(packet.status());
  EXPECT_EQ(packet->header.speed, regs::Speed::kS400);
  EXPECT_EQ(packet->header.tag, 1u);
  EXPECT_EQ(packet->header.channel, 5u);
  EXPECT_EQ(packet->header.sy, 3u);
  EXPECT_EQ(packet->data_length, 5u);
  EXPECT_EQ(packet->event(), regs::EventCode::kAckComplete);
  EXPECT_EQ(packet->trailer.cycle_seconds(), 3u);
  EXPECT_EQ(packet->trailer.cycle_count(), 4321u);
  EXPECT_EQ(to_vector(packet->payload), payload_bytes(5, 0xA1));
  EXPECT_EQ(packet->payload.data(), stream.span().data() + 8);  // a view, not a copy
  EXPECT_FALSE(packet->truncated());
  EXPECT_EQ(packet->stream_bytes, 16u);
}

TEST(IrStreamParse, PacketPerBufferCutShort) {
  // 100 payload bytes announced, the block held 8 + 16 bytes: evt_long_packet.
  const Image stream = Image()
                           .quadlet(xfer(0, kEvtLongPacket) << 16 | 17)
                           .quadlet(header_quadlet(100, 0, 63, 0))
                           .payload(16, 0);
  const Result<IrPacket> packet = parse_packet_per_buffer(stream.span());
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(packet->event(), regs::EventCode::kEvtLongPacket);
  EXPECT_EQ(packet->payload.size(), 16u);
  EXPECT_TRUE(packet->truncated());
  EXPECT_EQ(packet->stream_bytes, 24u);
}

TEST(IrStreamParse, PacketPerBufferRefusesWhatIsNotAStoredPacket) {
  const Image good =
      Image().quadlet(xfer(0, kAckComplete) << 16).quadlet(header_quadlet(0, 0, 1, 0));
  EXPECT_TRUE(parse_packet_per_buffer(good.span()).ok());  // a header-only packet
  EXPECT_EQ(parse_packet_per_buffer(good.span().first(7)).status(), Status::BufferTooSmall);
  const Image not_iso = Image().quadlet(xfer(0, kAckComplete) << 16).quadlet(0x00000083);
  EXPECT_EQ(parse_packet_per_buffer(not_iso.span()).status(), Status::DeviceError);
  const Image no_status = Image().quadlet(0).quadlet(header_quadlet(0, 0, 1, 0));
  EXPECT_EQ(parse_packet_per_buffer(no_status.span()).status(), Status::DeviceError);
}

// Three packets packed into two 64-byte buffer-fill descriptors whose buffers are adjacent:
//   P1: 10 bytes, bytes 0..19 (header, 12 of payload, trailer)
//   P2: 32 bytes, bytes 20..59
//   P3:  7 bytes, bytes 60..75: straddles into the second descriptor
// The first descriptor filled (resCount 0) during P3; the second holds 12 bytes (resCount 52).
class IrBufferFillStreamTest : public IrBlockTest {
 protected:
  void SetUp() override {
    IrBlockTest::SetUp();
    second_ = *write_buffer_fill_descriptor(program_, 16, {{data_bus(64), 64}});
    first_ = *write_buffer_fill_descriptor(program_, 0, {{data_bus(0), 64}}, second_.ref);
    stream_.quadlet(header_quadlet(10, 1, 5, 0))
        .payload(10, 0x10)
        .quadlet(xfer(2, kAckComplete) << 16 | 100)
        .quadlet(header_quadlet(32, 1, 5, 1))
        .payload(32, 0x20)
        .quadlet(xfer(2, kAckDataError) << 16 | 101)
        .quadlet(header_quadlet(7, 2, 9, 0))
        .payload(7, 0x70)
        .quadlet(xfer(1, kAckComplete) << 16 | 102);
    ASSERT_EQ(stream_.bytes().size(), 76u);
    ASSERT_EQ(data_.write_bytes(0, stream_.span()), Status::Success);
    write_status(first_, 0, xfer(1, kAckComplete), 0);
    write_status(second_, 0, xfer(1, kAckComplete), 52);
  }

  static void expect_three_packets(std::span<const std::byte> stream) {
    BufferFillParser parser(stream);
    Result<IrPacket> p1 = parser.next();
    ASSERT_TRUE(p1.ok()) << to_string(p1.status());
    EXPECT_EQ(p1->data_length, 10u);
    EXPECT_EQ(p1->header.channel, 5u);
    EXPECT_EQ(p1->header.sy, 0u);
    EXPECT_EQ(p1->header.speed, regs::Speed::kS400);
    EXPECT_EQ(p1->trailer.time_stamp, 100u);
    EXPECT_EQ(to_vector(p1->payload), payload_bytes(10, 0x10));
    EXPECT_EQ(p1->stream_bytes, 20u);
    EXPECT_EQ(parser.consumed(), 20u);

    Result<IrPacket> p2 = parser.next();
    ASSERT_TRUE(p2.ok());
    EXPECT_EQ(p2->data_length, 32u);
    EXPECT_EQ(p2->header.sy, 1u);
    EXPECT_EQ(p2->event(), regs::EventCode::kAckDataError);
    EXPECT_EQ(p2->trailer.time_stamp, 101u);
    EXPECT_EQ(to_vector(p2->payload), payload_bytes(32, 0x20));
    EXPECT_EQ(parser.consumed(), 60u);

    Result<IrPacket> p3 = parser.next();
    ASSERT_TRUE(p3.ok());
    EXPECT_EQ(p3->data_length, 7u);
    EXPECT_EQ(p3->header.tag, 2u);
    EXPECT_EQ(p3->header.channel, 9u);
    EXPECT_EQ(p3->header.speed, regs::Speed::kS200);
    EXPECT_EQ(p3->trailer.time_stamp, 102u);
    EXPECT_EQ(to_vector(p3->payload), payload_bytes(7, 0x70));
    EXPECT_TRUE(parser.at_end());
    EXPECT_EQ(parser.consumed(), 76u);
  }

  IrBlock first_;
  IrBlock second_;
  Image stream_;
};

TEST_F(IrBufferFillStreamTest, ThreePacketsAcrossTwoDescriptorsGatheredFromTheirFillLevels) {
  const IrFillLevel first = *read_buffer_fill_level(program_, first_);
  const IrFillLevel second = *read_buffer_fill_level(program_, second_);
  EXPECT_TRUE(first.full());
  EXPECT_EQ(second.filled(), 12u);

  std::vector<std::byte> gathered(128);
  const std::size_t from_first =
      *copy_block_stream(program_, first_, data_, first.filled(), gathered);
  const std::size_t from_second = *copy_block_stream(program_, second_, data_, second.filled(),
                                                     std::span(gathered).subspan(from_first));
  gathered.resize(from_first + from_second);
  EXPECT_EQ(gathered, stream_.bytes());
  expect_three_packets(gathered);
}

TEST_F(IrBufferFillStreamTest, AdjacentBuffersParseInPlace) {
  expect_three_packets(data_.bytes().first(76));
}

TEST_F(IrBufferFillStreamTest, AStreamEndingInsideAPacketStopsAtItsStart) {
  BufferFillParser parser(stream_.span().first(70));  // P3 still being stored
  ASSERT_TRUE(parser.next().ok());
  ASSERT_TRUE(parser.next().ok());
  EXPECT_EQ(parser.next().status(), Status::BufferTooSmall);
  EXPECT_EQ(parser.consumed(), 60u);
  EXPECT_FALSE(parser.at_end());
  BufferFillParser mid_header(stream_.span().first(62));
  static_cast<void>(mid_header.next());
  static_cast<void>(mid_header.next());
  EXPECT_EQ(mid_header.next().status(), Status::BufferTooSmall);
}

TEST_F(IrBufferFillStreamTest, AStreamThatDoesNotFrameIsADeviceError) {
  // One quadlet in: P1's first payload quadlet (bytes 0x10..0x13) has tcode 1.
  BufferFillParser misaligned(stream_.span().subspan(4));
  EXPECT_EQ(misaligned.next().status(), Status::DeviceError);
  EXPECT_EQ(misaligned.consumed(), 0u);

  // A header whose data_length does not lead to a trailer (active clear where it should be).
  const Image broken = Image().quadlet(header_quadlet(4, 0, 1, 0)).payload(4, 0).quadlet(0);
  BufferFillParser parser(broken.span());
  EXPECT_EQ(parser.next().status(), Status::DeviceError);
}

}  // namespace
}  // namespace ohci::fw
