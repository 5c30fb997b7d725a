// Reads a world config (include/churnwatch/simulate.h). Strict on purpose: a misspelt knob
// that silently kept its default would make two "different" worlds identical, so every
// unknown table or key is an error naming the file and line.
#include <cmath>
#include <functional>
#include <map>
#include <fstream>
#include <sstream>
#include <string>

#include <toml++/toml.h>

#include "churnwatch/simulate.h"

namespace churnwatch {

namespace {

Status NodeError(std::string_view source, const toml::node& n, const std::string& what) {
  return Status::InvalidArgument(std::string(source) + ":" + std::to_string(n.source().begin.line) + ": " + what);
}

/// One key's reader: checks type and range, stores the value.
using KeyReader = std::function<Status(const toml::node&, const std::string& name)>;

KeyReader Number(std::string_view source, double lo, double hi, double& out) {
  return [source, lo, hi, &out](const toml::node& n, const std::string& name) {
    std::optional<double> v = n.value<double>();
    if (!v || !std::isfinite(*v) || *v < lo || *v > hi) {
      std::ostringstream os;
      os << name << " must be a number in [" << lo << ", " << hi << "]";
      return NodeError(source, n, os.str());
    }
    out = *v;
    return Status::OK();
  };
}

KeyReader Integer(std::string_view source, std::int64_t lo, std::int64_t hi, int& out) {
  return [source, lo, hi, &out](const toml::node& n, const std::string& name) {
    std::optional<std::int64_t> v = n.is_integer() ? n.value<std::int64_t>() : std::nullopt;
    if (!v || *v < lo || *v > hi)
      return NodeError(source, n, name + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    out = static_cast<int>(*v);
    return Status::OK();
  };
}

}  // namespace

Result<WorldConfig> ParseWorldConfig(std::string_view toml_text, std::string_view source) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(std::string(source) + ":" + std::to_string(e.source().begin.line) + ":" +
                                   std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  WorldConfig c;
  int customers = c.customers;
  int seed = 1;
  std::string start = FormatIsoDate(c.start_day);
  double w[6];
  for (int i = 0; i < 6; ++i) w[i] = c.cause_mix[static_cast<std::size_t>(i)];

  std::map<std::string, std::map<std::string, KeyReader>> tables;
  auto& world = tables["world"];
  world["seed"] = Integer(source, 0, 2147483647, seed);
  world["customers"] = Integer(source, 1, 50000000, customers);
  world["start_date"] = [&](const toml::node& n, const std::string& name) {
    auto s = n.value<std::string>();
    if (!s || !ParseIsoDate(*s)) return NodeError(source, n, name + " must be a date YYYY-MM-DD");
    start = *s;
    return Status::OK();
  };
  world["history_days"] = Integer(source, 200, 3650, c.history_days);
  world["horizon_days"] = Integer(source, 7, 365, c.horizon_days);
  world["value_days"] = Integer(source, 1, 3650, c.value_days);
  world["stores"] = Integer(source, 1, 10000, c.stores);
  world["budget_per_customer"] = Number(source, 0, 1e6, c.budget_per_customer);
  world["new_customer_share"] = Number(source, 0, 1, c.new_customer_share);
  world["one_purchase_share"] = Number(source, 0, 1, c.one_purchase_share);
  auto& causes = tables["causes"];
  causes["never_leave_share"] = Number(source, 0, 1, c.never_leave_share);
  causes["rate_per_year"] = Number(source, 0, 50, c.cause_rate_per_year);
  const char* mix_keys[6] = {"price", "experience", "competition", "need_shift", "moved_away", "silent_lapse"};
  for (int i = 0; i < 6; ++i) causes[mix_keys[i]] = Number(source, 0, 1e6, w[i]);
  auto& behaviour = tables["behaviour"];
  behaviour["mean_interval_days"] = Number(source, 2, 365, c.mean_interval_days);
  behaviour["seasonality"] = Number(source, 0, 0.9, c.seasonality);
  behaviour["noise"] = Number(source, 0, 10, c.noise);
  behaviour["trace_strength"] = Number(source, 0, 1, c.trace_strength);

  for (const auto& [name, node] : doc) {
    const std::string table(name.str());
    auto t = tables.find(table);
    if (t == tables.end()) return NodeError(source, node, "unknown table [" + table + "] (known: [world], [causes], [behaviour])");
    const toml::table* body = node.as_table();
    if (body == nullptr) return NodeError(source, node, "[" + table + "] must be a table");
    for (const auto& [key_name, value] : *body) {
      const std::string key(key_name.str());
      auto k = t->second.find(key);
      if (k == t->second.end()) return NodeError(source, value, "unknown key [" + table + "] " + key);
      CW_RETURN_IF_ERROR(k->second(value, "[" + table + "] " + key));
    }
  }
  double sum = 0;
  for (int i = 0; i < 6; ++i) sum += w[i];
  if (sum <= 0) return Status::InvalidArgument(std::string(source) + ": [causes] weights add up to 0: at least one cause needs weight");
  for (int i = 0; i < 6; ++i) c.cause_mix[static_cast<std::size_t>(i)] = w[i] / sum;
  c.customers = customers;
  c.seed = static_cast<std::uint64_t>(seed);
  c.start_day = *ParseIsoDate(start);
  return c;
}

Result<WorldConfig> LoadWorldConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("world config " + path.string() + " not found");
  std::stringstream text;
  text << in.rdbuf();
  return ParseWorldConfig(text.str(), path.string());
}

}  // namespace churnwatch
