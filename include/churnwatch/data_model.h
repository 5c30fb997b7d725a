#pragma once
/// \file data_model.h
/// The canonical tables of SPEC.md §3, as rows. Ingest maps a retailer's own export onto
/// these; stores persist them; the feature engine reads them back into columns.
/// Personal data (phone, e-mail, name) only ever appears here as keyed hashes.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "churnwatch/types.h"

namespace churnwatch {

enum class Channel : std::uint8_t { kUnknown = 0, kStore, kOnline, kApp, kOther };

/// Event types of SPEC.md §3, in a fixed order (stored as their names, never as numbers).
enum class EventType : std::uint8_t {
  kVisit = 0,
  kAppLogin,
  kPageView,
  kCompetitorView,
  kCartAdd,
  kCartAbandon,
  kCouponIssued,
  kCouponRedeemed,
  kServiceContact,
  kComplaint,
  kReview,
  kUnsubscribe,
};
inline constexpr int kEventTypeCount = 12;

std::string_view ChannelName(Channel c);                      ///< "store", "online", ...
std::optional<Channel> ParseChannel(std::string_view name);   ///< case-insensitive
std::string_view EventTypeName(EventType t);                  ///< "visit", "app_login", ...
std::optional<EventType> ParseEventType(std::string_view name);

/// 128-bit fingerprint of a canonical row: the store's idempotency key, so that loading the
/// same row again (same file twice, or overlapping exports) adds nothing.
struct RowKey {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  friend bool operator==(const RowKey&, const RowKey&) = default;
  std::string ToHex() const;  ///< 32 lower-case hex digits
};

/// One order line (or one whole order). Amounts are in the store's single currency.
struct Transaction {
  RowKey key;
  std::string order_id;
  std::string customer_id;       ///< the retailer's own id (not personal data)
  Timestamp ts = 0;
  double amount = 0;             ///< net paid; negative on returns
  double quantity = 0;           ///< negative on returns
  double discount = kNaN;        ///< amount off list price; NaN when the source has none
  Channel channel = Channel::kUnknown;
  std::string store_id;
  std::string sku;
  std::string category;
  bool is_return = false;
};

struct Customer {
  RowKey key;
  std::string customer_id;
  std::optional<DayNumber> joined_at;
  std::string member_tier;
  std::string region;
  int birth_year = 0;            ///< 0 = unknown
  std::string gender;
  std::string phone_hash;        ///< HMAC-SHA256 hex of the normalised phone number, or empty
  std::string email_hash;        ///< HMAC-SHA256 hex of the lower-cased e-mail, or empty
  std::string name_hash;         ///< HMAC-SHA256 hex of the name, or empty
  std::string status;            ///< e.g. "active", "closed", "moved" (closed/moved = passive churn)
};

struct Event {
  RowKey key;
  std::string event_id;
  std::string customer_id;
  Timestamp ts = 0;
  EventType type = EventType::kVisit;
  double value = kNaN;           ///< e.g. review rating 1–5
  std::string text;              ///< e.g. review text
};

}  // namespace churnwatch
