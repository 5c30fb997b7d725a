// libFuzzer target for the intake decoder (src/server/intake_decoder.cc): any bytes as the
// body of POST /v1/orders and /v1/events must decode to per-line verdicts without crashing,
// hanging or tripping the sanitizers. Built and run by tests/server/fuzz/run-intake-fuzz.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/intake_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto orders = churnwatch::server::DecodeOrders(body, 1000);
  const auto events = churnwatch::server::DecodeEvents(body, 1000);
  // Every line either has a row or says why not.
  for (const auto& o : orders)
    if (!o.row && o.error.empty()) __builtin_trap();
  for (const auto& e : events)
    if (!e.row && e.error.empty()) __builtin_trap();
  return 0;
}
