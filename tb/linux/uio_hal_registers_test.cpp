// UioHal's register window: map 0 of the UIO device, here a memfd holding a register image.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "ohci/controller.hpp"
#include "ohci/regmap.hpp"
#include "stand_in_devices.hpp"

namespace ohci::tb {
namespace {

TEST(UioHalRegisters, ReadsAndWritesLandAtTheirOffsetsOfTheWindow) {
  StandInDevices devices;
  devices.set_register_image(0x7FC, 0x1122'3344);
  devices.set_register_image(0x010, 0xCAFE'F00D);
  auto hal = devices.make_hal();

  EXPECT_EQ(hal->read32(0x7FC), 0x1122'3344u);
  EXPECT_EQ(hal->read32(0x010), 0xCAFE'F00Du);
  EXPECT_EQ(hal->read32(0x014), 0u);

  hal->write32(0x0E0, 0x8000'0001);
  hal->write32(0x7FC, 0xA5A5'5A5A);  // the last quadlet of the OHCI window
  EXPECT_EQ(devices.register_image(0x0E0), 0x8000'0001u);
  EXPECT_EQ(devices.register_image(0x7FC), 0xA5A5'5A5Au);
  EXPECT_EQ(devices.register_image(0x0DC), 0u);
  EXPECT_EQ(devices.register_image(0x0E4), 0u);
}

TEST(UioHalRegisters, ControllerReadsVersionAndEnablesInterruptsThroughTheWindow) {
  StandInDevices devices;
  devices.set_register_image(regs::kVersion, 0x0001'0010);  // OHCI 1.1
  auto hal = devices.make_hal();
  fw::Controller controller(*hal);

  const auto version = controller.read_version();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version.value().version, 0x01u);
  EXPECT_EQ(version.value().revision, 0x10u);

  controller.enable_interrupts(regs::int_mask::kIsochTx.mask());
  EXPECT_EQ(devices.register_image(regs::kIntMaskSet),
            regs::int_mask::kMasterIntEnable.mask() | regs::int_mask::kIsochTx.mask());
}

TEST(UioHalRegisters, OffsetPastTheOhciWindowIsRejectedNamingTheDevice) {
  StandInDevices devices;
  auto hal = devices.make_hal();
  // The map is a page, but the core decodes only the 0x800-byte window: 0x800 would alias 0x000.
  EXPECT_THROW(hal->read32(0x800), std::out_of_range);
  EXPECT_THROW(hal->write32(0x800, 1), std::out_of_range);
  EXPECT_THROW(hal->read32(StandInDevices::kWindowBytes), std::out_of_range);
  EXPECT_THROW(hal->write32(0xFFFF'FFFC, 1), std::out_of_range);
  EXPECT_EQ(devices.register_image(0x800), 0u);
  try {
    hal->read32(0x800);
    FAIL() << "read32(0x800) returned";
  } catch (const std::out_of_range& error) {
    EXPECT_NE(std::string(error.what()).find(StandInDevices::kUioName), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("0x800"), std::string::npos) << error.what();
  }
}

TEST(UioHalRegisters, MisalignedOffsetIsRejected) {
  StandInDevices devices;
  devices.set_register_image(0x000, 0x0102'0304);
  devices.set_register_image(0x004, 0x0506'0708);
  auto hal = devices.make_hal();
  EXPECT_THROW(hal->read32(0x002), std::invalid_argument);
  EXPECT_THROW(hal->write32(0x001, 0xFFFF'FFFF), std::invalid_argument);
  EXPECT_THROW(hal->write32(0x7FF, 0xFFFF'FFFF), std::invalid_argument);
  // Nothing was written by the rejected accesses.
  EXPECT_EQ(devices.register_image(0x000), 0x0102'0304u);
  EXPECT_EQ(devices.register_image(0x004), 0x0506'0708u);
  EXPECT_EQ(devices.register_image(0x7FC), 0u);
}

}  // namespace
}  // namespace ohci::tb
