#include "churnwatch/data_model.h"

#include <cctype>
#include <cstdio>

namespace churnwatch {
namespace {

constexpr std::array<std::string_view, 5> kChannelNames = {"unknown", "store", "online", "app", "other"};
constexpr std::array<std::string_view, kEventTypeCount> kEventNames = {
    "visit",          "app_login", "page_view",       "competitor_view", "cart_add", "cart_abandon",
    "coupon_issued",  "coupon_redeemed", "service_contact", "complaint", "review",  "unsubscribe"};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

std::string_view ChannelName(Channel c) { return kChannelNames[static_cast<size_t>(c)]; }

std::optional<Channel> ParseChannel(std::string_view name) {
  for (size_t i = 0; i < kChannelNames.size(); ++i)
    if (EqualsIgnoreCase(name, kChannelNames[i])) return static_cast<Channel>(i);
  return std::nullopt;
}

std::string_view EventTypeName(EventType t) { return kEventNames[static_cast<size_t>(t)]; }

std::optional<EventType> ParseEventType(std::string_view name) {
  for (size_t i = 0; i < kEventNames.size(); ++i)
    if (EqualsIgnoreCase(name, kEventNames[i])) return static_cast<EventType>(i);
  return std::nullopt;
}

std::string RowKey::ToHex() const {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hi), static_cast<unsigned long long>(lo));
  return buf;
}

}  // namespace churnwatch
