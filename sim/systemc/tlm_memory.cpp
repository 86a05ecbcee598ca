#include "tlm_memory.hpp"

namespace ohci::sc {

TlmMemory::TlmMemory(const sc_core::sc_module_name& name, const TlmMemoryConfig& config)
    : sc_core::sc_module(name),
      socket("socket"),
      memory_(config.base, config.size),
      latency_(config.latency) {
  socket.register_b_transport(this, &TlmMemory::b_transport);
  socket.register_transport_dbg(this, &TlmMemory::transport_dbg);
}

void TlmMemory::add_error_range(std::uint32_t first, std::uint32_t last, tlm::tlm_command command) {
  error_ranges_.push_back(ErrorRange{first, last, command});
}

void TlmMemory::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  ++transactions_;
  trans.set_response_status(perform(trans, false));
  if (!trans.is_response_ok()) ++errors_;
  delay += latency_;
}

unsigned int TlmMemory::transport_dbg(tlm::tlm_generic_payload& trans) {
  return perform(trans, true) == tlm::TLM_OK_RESPONSE ? trans.get_data_length() : 0;
}

tlm::tlm_response_status TlmMemory::perform(tlm::tlm_generic_payload& trans, bool debug) {
  const tlm::tlm_command command = trans.get_command();
  if (command == tlm::TLM_IGNORE_COMMAND) return tlm::TLM_COMMAND_ERROR_RESPONSE;
  const std::uint64_t address = trans.get_address();
  const unsigned length = trans.get_data_length();
  if (length == 0 || address > UINT32_MAX ||
      !memory_.contains(static_cast<std::uint32_t>(address), length))
    return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (!debug && trans.get_streaming_width() != length) return tlm::TLM_BURST_ERROR_RESPONSE;
  const auto first = static_cast<std::uint32_t>(address);
  const std::uint32_t last = first + (length - 1);
  if (!debug) {
    for (const ErrorRange& range : error_ranges_) {
      if (range.command == command && first <= range.last && range.first <= last)
        return tlm::TLM_GENERIC_ERROR_RESPONSE;
    }
  }
  unsigned char* data = trans.get_data_ptr();
  const unsigned char* enables = debug ? nullptr : trans.get_byte_enable_ptr();
  const unsigned enable_length = trans.get_byte_enable_length();
  std::byte* bytes = memory_.cpu_pointer(first);
  for (unsigned i = 0; i < length; ++i) {
    if (enables != nullptr && enable_length > 0 && enables[i % enable_length] != TLM_BYTE_ENABLED)
      continue;
    if (command == tlm::TLM_READ_COMMAND)
      data[i] = static_cast<unsigned char>(bytes[i]);
    else
      bytes[i] = static_cast<std::byte>(data[i]);
  }
  return tlm::TLM_OK_RESPONSE;
}

}  // namespace ohci::sc
