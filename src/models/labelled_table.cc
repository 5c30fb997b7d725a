// The "already-labelled table" path (include/churnwatch/labelled_table.h). A small CSV
// reader is enough here: the labelled path reads one snapshot table of at most a few
// hundred thousand rows, while transaction logs go through ingest/'s block reader.
#include "churnwatch/types.h"
#include "churnwatch/labelled_table.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "models/customer_hash.h"

namespace churnwatch {
namespace {

Result<std::string> ReadWhole(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path.string() + ": no such file");
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files transparently too
  if (f == nullptr) return Status::IOError(path.string() + ": cannot open");
  std::string text;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  const bool failed = n < 0;
  gzclose(f);
  if (failed) return Status::IOError(path.string() + ": read error (corrupt gzip?)");
  return text;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::optional<double> ParseNumber(std::string_view s) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

Result<LabelledSplit> LoadLabelledCsv(const std::filesystem::path& path, const LabelledOptions& options) {
  CW_ASSIGN_OR_RETURN(std::string text, ReadWhole(path));
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    auto fields = SplitCsvRecord(line, options.delimiter);
    if (header.empty()) {
      header = std::move(fields);
      for (auto& h : header) h = std::string(Trim(h));
      continue;
    }
    if (fields.size() != header.size())
      return Status::DataError(path.string() + ":" + std::to_string(line_no) + ": expected " +
                               std::to_string(header.size()) + " fields, found " + std::to_string(fields.size()));
    rows.push_back(std::move(fields));
  }
  auto column = [&](const std::string& name) -> Result<std::size_t> {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
      return Status::DataError(path.string() + ":1: header has no column '" + name + "'");
    return static_cast<std::size_t>(it - header.begin());
  };
  CW_ASSIGN_OR_RETURN(const std::size_t label_col, column(options.label_column));
  CW_ASSIGN_OR_RETURN(const std::size_t id_col, column(options.id_column));
  if (rows.empty()) return Status::DataError(path.string() + ": no data rows");

  // Column kinds: numeric when every non-blank value parses as a number.
  LabelledSplit split;
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (c == label_col || c == id_col) continue;
    bool numeric = true;
    for (const auto& r : rows) {
      const auto v = Trim(r[c]);
      if (!v.empty() && !ParseNumber(v)) {
        numeric = false;
        break;
      }
    }
    if (numeric) {
      ++split.numeric_columns;
      std::vector<double> col(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) col[i] = ParseNumber(Trim(rows[i][c])).value_or(kNaN);
      names.push_back(header[c]);
      columns.push_back(std::move(col));
    } else {
      ++split.categorical_columns;
      std::set<std::string> values;
      for (const auto& r : rows) values.insert(std::string(Trim(r[c])));
      for (const auto& v : values) {
        std::vector<double> col(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) col[i] = Trim(rows[i][c]) == v ? 1.0 : 0.0;
        names.push_back(header[c] + "=" + v);
        columns.push_back(std::move(col));
      }
    }
  }

  for (FeatureTable* t : {&split.train, &split.valid, &split.test}) {
    t->names = names;
    t->columns.assign(names.size(), {});
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto id = std::string(Trim(rows[i][id_col]));
    const auto label = Trim(rows[i][label_col]);
    if (label.empty())
      return Status::DataError(path.string() + ":" + std::to_string(i + 2) + ": column '" + options.label_column +
                               "' is empty");
    const bool churned = label == options.positive || label == "1";
    const auto bucket = HashCustomerId(id) % 10;
    FeatureTable& t = bucket < 6 ? split.train : (bucket < 8 ? split.valid : split.test);
    t.customer_ids.push_back(id);
    t.cutoffs.push_back(0);
    t.labels.push_back(churned ? ChurnLabel::kChurned : ChurnLabel::kRetained);
    for (std::size_t f = 0; f < names.size(); ++f) t.columns[f].push_back(columns[f][i]);
  }
  split.rows = rows.size();
  return split;
}

Result<LabelledResult> TrainLabelled(const LabelledSplit& split, const TrainOptions& options) {
  TrainingSet data;
  data.train = &split.train;
  data.valid = &split.valid;
  CW_ASSIGN_OR_RETURN(auto model, ChurnModel::Train(data, options));
  CW_ASSIGN_OR_RETURN(auto scores, model->Score(split.test));
  std::vector<float> y;
  std::vector<double> p, pt, pl;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (split.test.labels[i] == ChurnLabel::kUnknown) continue;
    y.push_back(split.test.labels[i] == ChurnLabel::kChurned ? 1.0f : 0.0f);
    p.push_back(scores[i].p_churn);
    pt.push_back(scores[i].p_trees);
    pl.push_back(scores[i].p_logistic);
  }
  LabelledResult out;
  out.model = model;
  out.test_metrics = ComputeMetrics(y, p, model->threshold());
  out.test_metrics_trees = ComputeMetrics(y, pt, 0.5);
  out.test_metrics_logistic = ComputeMetrics(y, pl, 0.5);
  return out;
}

}  // namespace churnwatch
