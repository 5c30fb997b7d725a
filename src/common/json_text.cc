// One place that serialises JSON (include/churnwatch/json_text.h). nlohmann::json's
// default, error_handler_t::strict, throws type_error 316 on a non-UTF-8 byte; at the CLI's
// error boundary that exception had nowhere to go and ended the process with SIGABRT.
#include "churnwatch/json_text.h"

namespace churnwatch {

std::string JsonText(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace churnwatch
