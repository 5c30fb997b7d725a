// FeatureTable to CSV and to a store result table, with one column layout for both.
#include "churnwatch/feature_io.h"

#include <charconv>
#include <cmath>
#include <fstream>

namespace churnwatch {
namespace {

void AppendNumber(std::string& line, double v) {
  if (std::isnan(v)) return;
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec == std::errc()) line.append(buf, p);
}

// The non-feature columns, as (name, is_text, getter) so CSV and ResultTable agree.
struct Meta {
  const char* name;
  bool is_text;
  std::string (*text)(const FeatureTable&, std::size_t);
  double (*number)(const FeatureTable&, std::size_t);
};
const Meta kMeta[] = {
    {"customer_id", true, [](const FeatureTable& t, std::size_t i) { return t.customer_ids[i]; }, nullptr},
    {"cutoff", true, [](const FeatureTable& t, std::size_t i) { return FormatIsoDate(t.cutoffs[i]); }, nullptr},
    {"label", true, [](const FeatureTable& t, std::size_t i) { return std::string(ChurnLabelName(t.labels[i])); }, nullptr},
    {"churn_kind", true, [](const FeatureTable& t, std::size_t i) { return std::string(ChurnKindName(t.churn_kinds[i])); },
     nullptr},
    {"churn_span", true, [](const FeatureTable& t, std::size_t i) { return std::string(ChurnSpanName(t.churn_spans[i])); },
     nullptr},
    {"days_to_next_purchase", false, nullptr, [](const FeatureTable& t, std::size_t i) { return t.days_to_next_purchase[i]; }},
    {"observed_days", false, nullptr, [](const FeatureTable& t, std::size_t i) { return t.observed_days[i]; }},
    {"r_score", false, nullptr,
     [](const FeatureTable& t, std::size_t i) { return i < t.segments.size() ? double(t.segments[i].r_score) : kNaN; }},
    {"f_score", false, nullptr,
     [](const FeatureTable& t, std::size_t i) { return i < t.segments.size() ? double(t.segments[i].f_score) : kNaN; }},
    {"m_score", false, nullptr,
     [](const FeatureTable& t, std::size_t i) { return i < t.segments.size() ? double(t.segments[i].m_score) : kNaN; }},
    {"segment", true,
     [](const FeatureTable& t, std::size_t i) {
       return i < t.segments.size() ? std::string(RfmSegmentName(t.segments[i].segment)) : std::string();
     },
     nullptr},
    {"value_tier", true,
     [](const FeatureTable& t, std::size_t i) {
       return i < t.segments.size() ? std::string(TierName(t.segments[i].value_tier)) : std::string();
     },
     nullptr},
    {"frequency_tier", true,
     [](const FeatureTable& t, std::size_t i) {
       return i < t.segments.size() ? std::string(TierName(t.segments[i].frequency_tier)) : std::string();
     },
     nullptr},
    {"lifecycle_stage", true,
     [](const FeatureTable& t, std::size_t i) {
       return i < t.segments.size() ? std::string(LifecycleStageName(t.segments[i].lifecycle)) : std::string();
     },
     nullptr},
};

}  // namespace

void WriteFeatureCsv(const FeatureTable& table, std::ostream& out) {
  std::string line;
  for (const auto& m : kMeta) {
    if (!line.empty()) line += ',';
    line += m.name;
  }
  for (const auto& n : table.names) {
    line += ',';
    AppendCsvField(line, n);
  }
  line += '\n';
  out << line;
  for (std::size_t i = 0; i < table.num_rows(); ++i) {
    line.clear();
    bool first = true;
    for (const auto& m : kMeta) {
      if (!first) line += ',';
      first = false;
      if (m.is_text) AppendCsvField(line, m.text(table, i));
      else AppendNumber(line, m.number(table, i));
    }
    for (const auto& col : table.columns) {
      line += ',';
      AppendNumber(line, col[i]);
    }
    line += '\n';
    out << line;
  }
}

Status WriteFeatureCsv(const FeatureTable& table, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) return Status::IOError("cannot open '" + path + "' for writing");
  WriteFeatureCsv(table, out);
  out.flush();
  if (!out) return Status::IOError("writing '" + path + "' failed (disk full?)");
  return Status::OK();
}

ResultTable FeatureTableToResult(const FeatureTable& table) {
  ResultTable r;
  const std::size_t n = table.num_rows();
  for (const auto& m : kMeta) {
    ResultColumn col;
    col.name = m.name;
    col.is_text = m.is_text;
    if (m.is_text) {
      col.texts.reserve(n);
      for (std::size_t i = 0; i < n; ++i) col.texts.push_back(m.text(table, i));
    } else {
      col.numbers.reserve(n);
      for (std::size_t i = 0; i < n; ++i) col.numbers.push_back(m.number(table, i));
    }
    r.columns.push_back(std::move(col));
  }
  for (std::size_t f = 0; f < table.num_features(); ++f) {
    ResultColumn col;
    col.name = table.names[f];
    col.numbers = table.columns[f];
    r.columns.push_back(std::move(col));
  }
  return r;
}

}  // namespace churnwatch
