// Horizons from retail-format presets, cutoff lists, and the names of label values.
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

#include "churnwatch/features.h"

namespace churnwatch {

std::string_view ChurnLabelName(ChurnLabel l) {
  switch (l) {
    case ChurnLabel::kUnknown: return "unknown";
    case ChurnLabel::kRetained: return "retained";
    case ChurnLabel::kChurned: return "churned";
  }
  return "?";
}
std::string_view ChurnKindName(ChurnKind k) {
  switch (k) {
    case ChurnKind::kNone: return "";
    case ChurnKind::kActive: return "active";
    case ChurnKind::kPassive: return "passive";
  }
  return "?";
}
std::string_view ChurnSpanName(ChurnSpan s) {
  switch (s) {
    case ChurnSpan::kNone: return "";
    case ChurnSpan::kShort: return "short";
    case ChurnSpan::kMid: return "mid";
    case ChurnSpan::kLong: return "long";
  }
  return "?";
}

Result<int> HorizonForFormat(std::string_view format) {
  struct Preset {
    std::string_view name;
    int days;
  };
  static constexpr Preset kPresets[] = {
      {"grocery", 30}, {"general", 90}, {"apparel", 120}, {"department", 180}, {"warehouse", 365}};
  for (const auto& p : kPresets)
    if (p.name == format) return p.days;
  return Status::InvalidArgument("unknown retail format '" + std::string(format) +
                                 "' (valid: grocery=30, general=90, apparel=120, department=180, warehouse=365 days)");
}

namespace {
std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

Result<std::vector<DayNumber>> ParseCutoffs(std::string_view text, const RetailColumns& columns, int horizon_days) {
  std::vector<DayNumber> out;
  text = Trim(text);
  if (text.starts_with("every:")) {
    std::string_view step_text = text.substr(6);
    // every:STEP:LAST counts back from LAST instead of from the last complete window, so a
    // training grid can end before a validation or test cutoff.
    std::optional<DayNumber> anchor;
    if (const std::size_t colon = step_text.find(':'); colon != std::string_view::npos) {
      const std::string_view anchor_text = step_text.substr(colon + 1);
      anchor = ParseIsoDate(anchor_text);
      if (!anchor)
        return Status::InvalidArgument("cutoff anchor '" + std::string(anchor_text) + "' in '" + std::string(text) +
                                       "' is not a date YYYY-MM-DD (every:STEP:LAST, e.g. every:14d:2011-06-01)");
      step_text = step_text.substr(0, colon);
    }
    int n = 0;
    auto [p, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), n);
    const std::string_view unit(p, static_cast<std::size_t>(step_text.data() + step_text.size() - p));
    if (ec != std::errc() || n <= 0 || (unit != "d" && unit != "w"))
      return Status::InvalidArgument("cutoff step '" + std::string(step_text) +
                                     "' is not a positive number of days or weeks (e.g. every:30d, every:4w)");
    const int step = unit == "w" ? 7 * n : n;
    if (columns.first_day == kNoDay)
      return Status::DataError("the store holds no transactions, so 'every:' has no range to cover");
    // The last cutoff whose label window [T, T+H) is fully observed, then back in steps
    // while at least H days of history precede T.
    const DayNumber last_complete = columns.last_day - horizon_days + 1;
    if (anchor && *anchor > last_complete)
      return Status::InvalidArgument("cutoff anchor " + FormatIsoDate(*anchor) + " has no complete label window: the data ends " +
                                     FormatIsoDate(columns.last_day) + ", so with H = " + std::to_string(horizon_days) +
                                     " days the last usable cutoff is " + FormatIsoDate(last_complete));
    const DayNumber last = anchor ? *anchor : last_complete;
    const DayNumber first = columns.first_day + horizon_days;
    for (DayNumber t = last; t >= first; t -= step) out.push_back(t);
    if (out.empty())
      return Status::DataError("the data (" + FormatIsoDate(columns.first_day) + " .. " + FormatIsoDate(columns.last_day) +
                               ") is shorter than two horizons of " + std::to_string(horizon_days) +
                               " days, so no cutoff has both history and a complete label window");
  } else {
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t comma = text.find(',', pos);
      if (comma == std::string_view::npos) comma = text.size();
      const std::string_view token = Trim(text.substr(pos, comma - pos));
      auto day = ParseIsoDate(token);
      if (!day)
        return Status::InvalidArgument("cutoff '" + std::string(token) + "' is not a date YYYY-MM-DD (in --cutoffs '" +
                                       std::string(text) + "')");
      out.push_back(*day);
      pos = comma + 1;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status ValidateHorizonDays(int horizon_days) {
  if (horizon_days < 1 || horizon_days > 3650)
    return Status::InvalidArgument("horizon_days = " + std::to_string(horizon_days) + " must be within 1..3650");
  return Status::OK();
}

std::string DataRangeText(const RetailColumns& columns) {
  if (columns.first_day == kNoDay) return "no transactions";
  return FormatIsoDate(columns.first_day) + " .. " + FormatIsoDate(columns.last_day);
}

Status CheckCutoffsHaveHistory(const RetailColumns& columns, std::span<const DayNumber> cutoffs, std::string_view what) {
  if (columns.first_day == kNoDay) return Status::OK();
  for (DayNumber t : cutoffs)
    if (t <= columns.first_day)
      return Status::DataError(std::string(what) + " " + FormatIsoDate(t) +
                               " is not after the first transaction, so no customer has a purchase before it (the data "
                               "runs " + DataRangeText(columns) + ")");
  return Status::OK();
}

int DaysPastDataEnd(const RetailColumns& columns, DayNumber cutoff) {
  if (columns.last_day == kNoDay || cutoff <= columns.last_day + 1) return 0;
  return static_cast<int>(cutoff - columns.last_day);
}

}  // namespace churnwatch
