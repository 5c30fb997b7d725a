#pragma once
// Decodes the body of POST /v1/orders and /v1/events: one JSON object, or NDJSON (one
// object per line; blank lines are skipped). Strict per line: an unknown field, a missing
// required field or a wrong type rejects that line with a message naming the field, and the
// other lines still count. Never throws; any byte sequence is a valid input (fuzzed:
// tests/fuzz/intake_decoder_fuzz.cc).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/data_model.h"

namespace churnwatch::server {

struct DecodedOrder {
  int line = 0;  ///< 1-based line of the body
  std::optional<Transaction> row;
  std::string error;  ///< set when the line is rejected
};
struct DecodedEvent {
  int line = 0;
  std::optional<Event> row;
  std::string error;
};

/// Lines beyond `max_lines` are rejected with an error saying so.
std::vector<DecodedOrder> DecodeOrders(std::string_view body, std::size_t max_lines);
std::vector<DecodedEvent> DecodeEvents(std::string_view body, std::size_t max_lines);

/// "2011-12-09T12:50:00", "2011-12-09 12:50:00", with an optional trailing 'Z', or
/// "2011-12-09" (midnight), as business-time seconds; nullopt otherwise.
std::optional<Timestamp> ParseBusinessTime(std::string_view text);

/// The idempotency key of a posted row: a hash of its canonical fields, so posting the same
/// row again (a client retry after a lost answer) stores and applies it once.
RowKey IntakeRowKey(const Transaction& t);
RowKey IntakeRowKey(const Event& e);

}  // namespace churnwatch::server
