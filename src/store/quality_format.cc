// The two faces of a quality report: the `--json` object and the human summary.
#include <cmath>
#include <cstdio>

#include "churnwatch/quality.h"

namespace churnwatch {
namespace {

nlohmann::json Number(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

nlohmann::json Time(const std::optional<Timestamp>& ts) {
  return ts ? nlohmann::json(FormatIsoTimestamp(*ts)) : nlohmann::json(nullptr);
}

std::string Fmt(const char* format, double v) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Percent(double rate) { return std::isnan(rate) ? "-" : Fmt("%.1f%%", rate * 100); }

}  // namespace

nlohmann::json QualityToJson(const QualityReport& report) {
  nlohmann::json tables = nlohmann::json::object();
  for (const TableProfile& t : report.tables) {
    nlohmann::json j;
    j["rows"] = t.rows;
    nlohmann::json missing = nlohmann::json::object();
    for (const auto& [field, rate] : t.missing) missing[field] = Number(rate);
    j["missing"] = missing;
    j["duplicates"] = t.duplicates;
    j["duplicates_rule"] = t.duplicates_rule;
    j["first_ts"] = Time(t.first_ts);
    j["last_ts"] = Time(t.last_ts);
    if (!t.extremes.empty()) {
      nlohmann::json ex = nlohmann::json::object();
      for (const auto& e : t.extremes)
        ex[e.field] = {{"rule", kExtremeRule}, {"low", Number(e.low)}, {"high", Number(e.high)},
                       {"below", e.below}, {"above", e.above}};
      j["extreme_values"] = ex;
    }
    if (t.name == "transactions") {
      j["negative_amounts"] = t.negative_amounts;
      j["zero_amounts"] = t.zero_amounts;
      j["returns"] = t.returns;
      j["customers"] = t.customers;
      j["customers_one_purchase"] = t.customers_one_purchase;
      const Distribution& d = t.purchases_per_customer;
      j["purchases_per_customer"] = {{"customers", d.count}, {"min", Number(d.min)}, {"q1", Number(d.q1)},
                                     {"median", Number(d.median)}, {"q3", Number(d.q3)}, {"p90", Number(d.p90)},
                                     {"max", Number(d.max)}};
    }
    tables[t.name] = j;
  }
  return {{"tables", tables}};
}

std::string FormatQualityText(const QualityReport& report) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  for (const TableProfile& t : report.tables) {
    line(t.name + ": " + FormatCount(t.rows) + " rows");
    if (t.rows == 0) {
      line("");
      continue;
    }
    if (t.first_ts) line("  range:       " + FormatIsoTimestamp(*t.first_ts) + " .. " + FormatIsoTimestamp(*t.last_ts));
    std::string miss;
    for (const auto& [field, rate] : t.missing)
      if (rate > 0) miss += (miss.empty() ? "" : ", ") + field + " " + Percent(rate);
    line("  missing:     " + (miss.empty() ? std::string("none") : miss));
    line("  duplicates:  " + FormatCount(t.duplicates) + " (" + t.duplicates_rule + ")");
    if (t.name == "transactions") {
      line("  amounts:     " + FormatCount(t.negative_amounts) + " negative, " + FormatCount(t.zero_amounts) +
           " zero, " + FormatCount(t.returns) + " returns");
    }
    for (const auto& e : t.extremes)
      if (!std::isnan(e.low))
        line("  extreme " + e.field + ": " + FormatCount(e.below) + " below " + Fmt("%.6g", e.low) + ", " +
             FormatCount(e.above) + " above " + Fmt("%.6g", e.high) + " (" + kExtremeRule + ")");
    if (t.name == "transactions") {
      const Distribution& d = t.purchases_per_customer;
      line("  customers:   " + FormatCount(t.customers) + ", of whom " + FormatCount(t.customers_one_purchase) +
           " bought once");
      line("  purchases per customer: min " + Fmt("%g", d.min) + ", q1 " + Fmt("%g", d.q1) + ", median " +
           Fmt("%g", d.median) + ", q3 " + Fmt("%g", d.q3) + ", p90 " + Fmt("%g", d.p90) + ", max " + Fmt("%g", d.max));
    }
    line("");
  }
  return out;
}

}  // namespace churnwatch
