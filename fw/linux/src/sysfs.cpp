#include "sysfs.hpp"

#include <cerrno>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace ohci::fw::uio {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\n");
  if (first == std::string_view::npos) return std::nullopt;
  text = text.substr(first, text.find_last_not_of(" \t\n") - first + 1);
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::uint64_t read_sysfs_number(const std::filesystem::path& file) {
  std::ifstream stream(file);
  if (!stream) {
    throw std::system_error(errno != 0 ? errno : ENOENT, std::generic_category(),
                            "cannot read " + file.string());
  }
  std::ostringstream contents;
  contents << stream.rdbuf();
  const std::string text = contents.str();
  const std::optional<std::uint64_t> value = parse_number(text);
  if (!value) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            file.string() + " holds \"" + text + "\", not a number");
  }
  return *value;
}

std::optional<std::uint64_t> read_optional_sysfs_number(const std::filesystem::path& file) {
  std::error_code error;
  if (!std::filesystem::exists(file, error)) return std::nullopt;
  return read_sysfs_number(file);
}

}  // namespace ohci::fw::uio
