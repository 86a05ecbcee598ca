// UioHal's construction: from device names (device nodes and sysfs), and its refusals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "ohci/linux/uio_hal.hpp"
#include "stand_in_devices.hpp"

namespace ohci::tb {
namespace {

namespace fs = std::filesystem;
using fw::uio::UioDeviceNames;
using fw::uio::UioHal;

// What constructing from `names` throws: the std::system_error's message (empty if none).
std::system_error construction_error(const UioDeviceNames& names) {
  try {
    UioHal hal(names);
  } catch (const std::system_error& error) {
    return error;
  }
  return std::system_error(std::error_code(), "constructed");
}

// A fake /dev and /sys under a fresh temporary directory, removed at the end.
class FakeDeviceTree {
 public:
  FakeDeviceTree() {
    root_ = fs::temp_directory_path() /
            ("uio_hal_test." + std::to_string(::getpid()) + "." +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "dev");
  }
  ~FakeDeviceTree() {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  FakeDeviceTree(const FakeDeviceTree&) = delete;
  FakeDeviceTree& operator=(const FakeDeviceTree&) = delete;

  // A device node stand-in: a regular file of `bytes` zeros.
  void add_device(const std::string& name, std::size_t bytes) {
    std::ofstream(root_ / "dev" / name)
        .write(std::string(bytes, '\0').data(), static_cast<std::streamsize>(bytes));
  }
  fs::path write_sysfs(const fs::path& relative, const std::string& contents) {
    const fs::path file = root_ / "sys" / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << contents;
    return file;
  }
  UioDeviceNames names() const {
    UioDeviceNames names;
    names.dev_dir = root_ / "dev";
    names.sysfs_dir = root_ / "sys";
    return names;
  }

 private:
  fs::path root_;
};

bool mentions(const std::system_error& error, const std::string& text) {
  return std::string(error.what()).find(text) != std::string::npos;
}

TEST(UioHalConstruction, NonexistentUioDeviceIsAClearErrorNamingIt) {
  UioDeviceNames names;
  names.uio = "uio99";
  const std::system_error error = construction_error(names);
  EXPECT_EQ(error.code().value(), ENOENT) << error.what();
  EXPECT_TRUE(mentions(error, "/dev/uio99")) << error.what();
}

TEST(UioHalConstruction, UnparsableUioMapSizeIsAClearErrorNamingTheSysfsFile) {
  FakeDeviceTree tree;
  tree.add_device("uio0", 4096);
  const fs::path size = tree.write_sysfs("class/uio/uio0/maps/map0/size", "banana\n");
  const std::system_error error = construction_error(tree.names());
  EXPECT_EQ(error.code(), std::errc::invalid_argument) << error.what();
  EXPECT_TRUE(mentions(error, size.string())) << error.what();
  EXPECT_TRUE(mentions(error, "banana")) << error.what();
}

TEST(UioHalConstruction, MissingUdmabufPhysAddrIsAClearErrorNamingTheSysfsFile) {
  FakeDeviceTree tree;
  tree.add_device("uio0", 4096);
  tree.add_device("udmabuf0", 65536);
  tree.write_sysfs("class/uio/uio0/maps/map0/size", "0x00001000\n");
  tree.write_sysfs("class/u-dma-buf/udmabuf0/size", "65536\n");
  const std::system_error error = construction_error(tree.names());
  EXPECT_EQ(error.code().value(), ENOENT) << error.what();
  EXPECT_TRUE(mentions(error, "class/u-dma-buf/udmabuf0/phys_addr")) << error.what();
}

TEST(UioHalConstruction, DmaBufferAbove4GiBIsRefusedNamingIt) {
  FakeDeviceTree tree;
  tree.add_device("uio0", 4096);
  tree.add_device("udmabuf0", 65536);
  tree.write_sysfs("class/uio/uio0/maps/map0/size", "0x00001000\n");
  tree.write_sysfs("class/u-dma-buf/udmabuf0/size", "65536\n");
  tree.write_sysfs("class/u-dma-buf/udmabuf0/phys_addr", "0x0000000800000000\n");
  const std::system_error error = construction_error(tree.names());
  EXPECT_EQ(error.code(), std::errc::invalid_argument) << error.what();
  EXPECT_TRUE(mentions(error, "udmabuf0")) << error.what();
  EXPECT_TRUE(mentions(error, "32-bit")) << error.what();
}

TEST(UioHalConstruction, RegisterWindowSmallerThanTheOhciWindowIsRefused) {
  FakeDeviceTree tree;
  tree.add_device("uio0", 4096);
  const fs::path size = tree.write_sysfs("class/uio/uio0/maps/map0/size", "0x400\n");
  tree.add_device("udmabuf0", 65536);
  tree.write_sysfs("class/u-dma-buf/udmabuf0/size", "65536\n");
  tree.write_sysfs("class/u-dma-buf/udmabuf0/phys_addr", "0x3f000000\n");
  const std::system_error error = construction_error(tree.names());
  EXPECT_EQ(error.code(), std::errc::invalid_argument) << error.what();
  EXPECT_TRUE(mentions(error, "uio0")) << error.what();
  EXPECT_TRUE(mentions(error, "0x800")) << error.what();
}

}  // namespace
}  // namespace ohci::tb
