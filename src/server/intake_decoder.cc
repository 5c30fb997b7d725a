// The intake request decoder (intake_decoder.h).
#include "server/intake_decoder.h"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "churnwatch/fingerprint.h"

namespace churnwatch::server {
namespace {

// Splits the body into (line number, text) of non-blank lines.
template <typename F>
void ForEachLine(std::string_view body, F f) {
  int line = 0;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    ++line;
    std::string_view text = body.substr(start, end - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") != std::string_view::npos) f(line, text);
    if (end == body.size()) break;
    start = end + 1;
  }
}

// A body that is one pretty-printed JSON object spans many lines: decode it whole.
bool IsSingleObject(std::string_view body, nlohmann::json& out) {
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || body[first] != '{') return false;
  out = nlohmann::json::parse(body, nullptr, false);
  return !out.is_discarded() && out.is_object();
}

class Fields {
 public:
  explicit Fields(const nlohmann::json& j) : j_(j) {}

  bool Text(const char* name, bool required, std::string& out, std::string& error) {
    seen_.push_back(name);
    const auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) {
      if (required) error = "field '" + std::string(name) + "' is required";
      return !required;
    }
    if (!it->is_string()) {
      error = "field '" + std::string(name) + "' must be a string";
      return false;
    }
    out = it->get<std::string>();
    if (out.size() > 1000) {
      error = "field '" + std::string(name) + "' is longer than 1000 bytes";
      return false;
    }
    if (required && out.empty()) {
      error = "field '" + std::string(name) + "' must not be empty";
      return false;
    }
    return true;
  }

  bool Number(const char* name, bool required, double& out, std::string& error) {
    seen_.push_back(name);
    const auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) {
      if (required) error = "field '" + std::string(name) + "' is required";
      return !required;
    }
    if (!it->is_number()) {
      error = "field '" + std::string(name) + "' must be a number";
      return false;
    }
    out = it->get<double>();
    if (!std::isfinite(out)) {
      error = "field '" + std::string(name) + "' must be finite";
      return false;
    }
    return true;
  }

  bool Bool(const char* name, std::optional<bool>& out, std::string& error) {
    seen_.push_back(name);
    const auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) return true;
    if (!it->is_boolean()) {
      error = "field '" + std::string(name) + "' must be true or false";
      return false;
    }
    out = it->get<bool>();
    return true;
  }

  bool Time(const char* name, Timestamp& out, std::string& error) {
    if (!TimeValue(name, out, error)) return false;
    // Business times from 1970 to 2199: anything else is a unit mistake (milliseconds).
    if (out < 0 || out >= Timestamp{7258118400}) {
      error = "field '" + std::string(name) + "' is outside 1970..2199";
      return false;
    }
    return true;
  }

  bool TimeValue(const char* name, Timestamp& out, std::string& error) {
    seen_.push_back(name);
    const auto it = j_.find(name);
    if (it == j_.end() || it->is_null()) {
      error = "field '" + std::string(name) + "' is required";
      return false;
    }
    if (it->is_number_integer()) {
      out = it->get<std::int64_t>();
      return true;
    }
    if (it->is_string()) {
      const auto t = ParseBusinessTime(it->get<std::string>());
      if (t) {
        out = *t;
        return true;
      }
    }
    error = "field '" + std::string(name) + "' must be a time such as \"2011-12-09T12:50:00\" or Unix seconds";
    return false;
  }

  /// The first member that is not a known field, so a typo is an error, not a lost value.
  bool NoOthers(std::string& error) const {
    for (const auto& [k, v] : j_.items()) {
      bool known = false;
      for (const char* s : seen_) known = known || k == s;
      if (!known) {
        error = "unknown field '" + k + "'";
        return false;
      }
    }
    return true;
  }

 private:
  const nlohmann::json& j_;
  std::vector<const char*> seen_;
};

std::string OrderError(const nlohmann::json& j, Transaction& t) {
  if (!j.is_object()) return "each line must be a JSON object";
  Fields f(j);
  std::string e, channel;
  double quantity = 1;
  std::optional<bool> is_return;
  if (!f.Text("order_id", true, t.order_id, e) || !f.Text("customer_id", true, t.customer_id, e) ||
      !f.Time("ts", t.ts, e) || !f.Number("amount", true, t.amount, e) || !f.Number("quantity", false, quantity, e) ||
      !f.Number("discount", false, t.discount, e) || !f.Text("channel", false, channel, e) ||
      !f.Text("store_id", false, t.store_id, e) || !f.Text("sku", false, t.sku, e) ||
      !f.Text("category", false, t.category, e) || !f.Bool("is_return", is_return, e) || !f.NoOthers(e))
    return e;
  t.quantity = quantity;
  if (!channel.empty()) {
    const auto c = ParseChannel(channel);
    if (!c) return "field 'channel'='" + channel + "' must be store, online, app or other";
    t.channel = *c;
  }
  t.is_return = is_return.value_or(t.amount < 0 || t.quantity < 0);
  return "";
}

std::string EventError(const nlohmann::json& j, Event& ev) {
  if (!j.is_object()) return "each line must be a JSON object";
  Fields f(j);
  std::string e, type;
  if (!f.Text("event_id", true, ev.event_id, e) || !f.Text("customer_id", true, ev.customer_id, e) ||
      !f.Time("ts", ev.ts, e) || !f.Text("type", true, type, e) || !f.Number("value", false, ev.value, e) ||
      !f.Text("text", false, ev.text, e) || !f.NoOthers(e))
    return e;
  const auto t = ParseEventType(type);
  if (!t) return "field 'type'='" + type + "' is not an event type (visit, app_login, page_view, competitor_view, ...)";
  ev.type = *t;
  return "";
}

template <typename Decoded, typename Row, typename Check>
std::vector<Decoded> Decode(std::string_view body, std::size_t max_lines, Check check) {
  std::vector<Decoded> out;
  auto one = [&](int line, const nlohmann::json& j) {
    Decoded d;
    d.line = line;
    if (out.size() >= max_lines) {
      d.error = "more than " + std::to_string(max_lines) + " lines in one request";
    } else {
      Row row;
      d.error = check(j, row);
      if (d.error.empty()) {
        row.key = IntakeRowKey(row);
        d.row = std::move(row);
      }
    }
    out.push_back(std::move(d));
  };
  nlohmann::json whole;
  if (IsSingleObject(body, whole)) {
    one(1, whole);
    return out;
  }
  ForEachLine(body, [&](int line, std::string_view text) {
    if (out.size() >= max_lines) return one(line, nullptr);  // over the cap: not even parsed
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      Decoded d;
      d.line = line;
      d.error = "not valid JSON";
      out.push_back(std::move(d));
      return;
    }
    one(line, j);
  });
  return out;
}

void Put(std::string& s, std::string_view v) {
  s += std::to_string(v.size());
  s += ':';
  s += v;
}

void Put(std::string& s, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
  s += ';';
}

RowKey KeyOf(const std::string& canonical) {
  return {ingest::Hash64(canonical, 0x6368726e77617463ull), ingest::Hash64(canonical, 0x696e74616b65ull)};
}

}  // namespace

std::optional<Timestamp> ParseBusinessTime(std::string_view text) {
  if (text.size() < 10) return std::nullopt;
  const auto day = ParseIsoDate(text.substr(0, 10));
  if (!day) return std::nullopt;
  std::string_view rest = text.substr(10);
  if (!rest.empty() && rest.back() == 'Z') rest.remove_suffix(1);
  Timestamp secs = 0;
  if (!rest.empty()) {
    if (rest.size() != 9 || (rest[0] != 'T' && rest[0] != ' ') || rest[3] != ':' || rest[6] != ':') return std::nullopt;
    int hms[3];
    for (int i = 0; i < 3; ++i) {
      const char* p = rest.data() + 1 + 3 * i;
      const auto r = std::from_chars(p, p + 2, hms[i]);
      if (r.ec != std::errc() || r.ptr != p + 2) return std::nullopt;
    }
    if (hms[0] > 23 || hms[1] > 59 || hms[2] > 60) return std::nullopt;
    secs = hms[0] * 3600 + hms[1] * 60 + hms[2];
  }
  return static_cast<Timestamp>(*day) * kSecondsPerDay + secs;
}

RowKey IntakeRowKey(const Transaction& t) {
  std::string s = "tx:";
  Put(s, t.order_id);
  Put(s, t.customer_id);
  s += std::to_string(t.ts) + ';';
  Put(s, t.amount);
  Put(s, t.quantity);
  Put(s, std::isnan(t.discount) ? -0.0 : t.discount);
  Put(s, ChannelName(t.channel));
  Put(s, t.store_id);
  Put(s, t.sku);
  Put(s, t.category);
  s += t.is_return ? 'r' : 'p';
  return KeyOf(s);
}

RowKey IntakeRowKey(const Event& e) {
  std::string s = "ev:";
  Put(s, e.event_id);
  Put(s, e.customer_id);
  s += std::to_string(e.ts) + ';';
  Put(s, EventTypeName(e.type));
  Put(s, std::isnan(e.value) ? -0.0 : e.value);
  Put(s, e.text);
  return KeyOf(s);
}

std::vector<DecodedOrder> DecodeOrders(std::string_view body, std::size_t max_lines) {
  return Decode<DecodedOrder, Transaction>(body, max_lines, OrderError);
}

std::vector<DecodedEvent> DecodeEvents(std::string_view body, std::size_t max_lines) {
  return Decode<DecodedEvent, Event>(body, max_lines, EventError);
}

}  // namespace churnwatch::server
