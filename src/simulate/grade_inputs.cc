// Readers of the files `churnwatch grade` joins (simulate/grade_inputs.h). The run's files
// are read as `churnwatch run` writes them (src/report/run_outputs.cc, src/policy/score_csv.cc):
// by column name, so added columns do not break grading, and a missing one says which.
#include "simulate/grade_inputs.h"

#include <charconv>
#include <cmath>
#include <map>
#include <memory>

#include "churnwatch/csv_reader.h"

namespace churnwatch::simulate_internal {

namespace {

/// A CSV file with a header row, read record by record, fields addressed by column.
class Table {
 public:
  static Result<Table> Open(const std::filesystem::path& path) {
    Table t;
    t.path_ = path.string();
    CW_ASSIGN_OR_RETURN(t.reader_, CsvReader::Open(t.path_, CsvDialect{}));
    CW_ASSIGN_OR_RETURN(bool any, t.reader_->Next(t.record_));
    if (!any) return Status::DataError(t.path_ + ":1: empty file, expected a header row");
    for (std::size_t i = 0; i < t.record_.fields.size(); ++i) {
      std::string name(t.record_.fields[i]);
      if (i == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name = name.substr(3);
      t.header_.push_back(name);
      t.columns_[name] = static_cast<int>(i);
    }
    return t;
  }

  const std::vector<std::string>& header() const { return header_; }

  Result<int> Column(const std::string& name) const {
    auto it = columns_.find(name);
    if (it == columns_.end()) {
      std::string have;
      for (const auto& h : header_) have += (have.empty() ? "" : ",") + h;
      return Status::DataError(path_ + ":1: missing column '" + name + "' (the header has: " + have + ")");
    }
    return it->second;
  }

  Result<bool> Next() {
    CW_ASSIGN_OR_RETURN(bool more, reader_->Next(record_));
    if (more && record_.fields.size() != header_.size())
      return Status::DataError(path_ + ":" + std::to_string(record_.line) + ": " + std::to_string(record_.fields.size()) +
                               " fields, the header has " + std::to_string(header_.size()));
    return more;
  }

  std::string_view Field(int column) const { return record_.fields[static_cast<std::size_t>(column)]; }

  Status Error(int column, const std::string& what) const {
    return Status::DataError(path_ + ":" + std::to_string(record_.line) + ": column '" +
                             header_[static_cast<std::size_t>(column)] + "': " + what);
  }

  /// A number; an empty field is NaN when `allow_empty`, else an error.
  Result<double> Number(int column, bool allow_empty = false) const {
    const std::string_view s = Field(column);
    if (s.empty()) {
      if (allow_empty) return kNaN;
      return Error(column, "empty, expected a number");
    }
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
      return Error(column, "'" + std::string(s) + "' is not a number");
    return v;
  }

  Result<DayNumber> Date(int column, bool allow_empty = false) const {
    const std::string_view s = Field(column);
    if (s.empty() && allow_empty) return kNoDay;
    auto d = ParseIsoDate(s);
    if (!d) return Error(column, "'" + std::string(s) + "' is not a date YYYY-MM-DD");
    return *d;
  }

  Result<bool> Flag(int column) const {
    const std::string_view s = Field(column);
    if (s == "1") return true;
    if (s == "0") return false;
    return Error(column, "'" + std::string(s) + "' must be 0 or 1");
  }

  Result<std::size_t> Customer(int column, const TruthTable& truth) const {
    const std::string id(Field(column));
    auto it = truth.index.find(id);
    if (it == truth.index.end()) return Error(column, "customer '" + id + "' is not in the truth");
    return it->second;
  }

 private:
  std::string path_;
  std::unique_ptr<CsvReader> reader_;
  CsvRecord record_;
  std::vector<std::string> header_;
  std::map<std::string, int> columns_;
};

constexpr const char* kTruthColumns[] = {"customer_id", "cutoff", "active_at_cutoff", "first_purchase", "last_purchase",
                                         "orders", "spend_365", "churned", "churn_date", "cause", "cause_start",
                                         "p_churn", "orders_in_horizon", "value"};

}  // namespace

int TruthTable::ActionIndex(std::string_view key) const {
  for (std::size_t i = 0; i < actions.size(); ++i)
    if (actions[i] == key) return static_cast<int>(i);
  return -1;
}

Result<TruthTable> ReadTruth(const std::filesystem::path& path) {
  CW_ASSIGN_OR_RETURN(Table t, Table::Open(path));
  TruthTable truth;
  int col[std::size(kTruthColumns)];
  for (std::size_t i = 0; i < std::size(kTruthColumns); ++i) {
    CW_ASSIGN_OR_RETURN(col[i], t.Column(kTruthColumns[i]));
  }
  std::vector<int> response_cols;
  for (std::size_t i = 0; i < t.header().size(); ++i) {
    const std::string& h = t.header()[i];
    if (h.rfind("response_", 0) == 0 && h.size() > 9) {
      truth.actions.push_back(h.substr(9));
      response_cols.push_back(static_cast<int>(i));
      continue;
    }
    bool known = false;
    for (const char* k : kTruthColumns) known = known || h == k;
    if (!known) return Status::DataError(path.string() + ":1: unknown column '" + h + "' in a truth file");
  }
  if (truth.actions.empty()) return Status::DataError(path.string() + ":1: no response_<action> columns");
  bool first = true;
  for (;;) {
    CW_ASSIGN_OR_RETURN(bool more, t.Next());
    if (!more) break;
    TruthRow r;
    r.customer_id = std::string(t.Field(col[0]));
    if (r.customer_id.empty()) return t.Error(col[0], "empty customer id");
    CW_ASSIGN_OR_RETURN(DayNumber cutoff, t.Date(col[1]));
    if (first) truth.cutoff = cutoff;
    else if (cutoff != truth.cutoff) return t.Error(col[1], "every row must have the same cutoff, first was " + FormatIsoDate(truth.cutoff));
    first = false;
    CW_ASSIGN_OR_RETURN(r.active, t.Flag(col[2]));
    CW_ASSIGN_OR_RETURN(r.first_purchase, t.Date(col[3]));
    CW_ASSIGN_OR_RETURN(r.last_purchase, t.Date(col[4]));
    CW_ASSIGN_OR_RETURN(double orders, t.Number(col[5]));
    r.orders = static_cast<int>(orders);
    CW_ASSIGN_OR_RETURN(r.spend_365, t.Number(col[6]));
    CW_ASSIGN_OR_RETURN(r.churned, t.Flag(col[7]));
    CW_ASSIGN_OR_RETURN(r.churn_day, t.Date(col[8], true));
    if (r.churned && r.churn_day == kNoDay) return t.Error(col[8], "empty for a customer who churned");
    const std::string_view cause = t.Field(col[9]);
    bool found = false;
    for (int k = 0; k < kChurnCauseCount && !found; ++k)
      if (ChurnCauseKey(static_cast<ChurnCause>(k)) == cause) r.cause = static_cast<ChurnCause>(k), found = true;
    if (!found) return t.Error(col[9], "unknown cause '" + std::string(cause) + "'");
    CW_ASSIGN_OR_RETURN(r.cause_start, t.Date(col[10], true));
    CW_ASSIGN_OR_RETURN(r.p_churn, t.Number(col[11]));
    if (r.p_churn < 0 || r.p_churn > 1) return t.Error(col[11], "must be in [0, 1]");
    CW_ASSIGN_OR_RETURN(double in_horizon, t.Number(col[12]));
    r.orders_in_horizon = static_cast<int>(in_horizon);
    CW_ASSIGN_OR_RETURN(r.value, t.Number(col[13]));
    for (int c : response_cols) {
      CW_ASSIGN_OR_RETURN(double v, t.Number(c));
      if (v < 0 || v > 1) return t.Error(c, "must be in [0, 1]");
      r.responses.push_back(v);
    }
    if (!truth.index.emplace(r.customer_id, truth.rows.size()).second)
      return t.Error(col[0], "customer '" + r.customer_id + "' appears twice");
    truth.rows.push_back(std::move(r));
  }
  if (truth.rows.empty()) return Status::DataError(path.string() + ": no customers after the header");
  return truth;
}

Result<std::vector<PlanRow>> ReadPlan(const std::filesystem::path& path, const TruthTable& truth) {
  CW_ASSIGN_OR_RETURN(Table t, Table::Open(path));
  CW_ASSIGN_OR_RETURN(int c_id, t.Column("customer_id"));
  CW_ASSIGN_OR_RETURN(int c_action, t.Column("action"));
  CW_ASSIGN_OR_RETURN(int c_cost, t.Column("action_cost"));
  std::vector<PlanRow> rows;
  for (;;) {
    CW_ASSIGN_OR_RETURN(bool more, t.Next());
    if (!more) break;
    PlanRow r;
    CW_ASSIGN_OR_RETURN(r.customer, t.Customer(c_id, truth));
    const std::string_view action = t.Field(c_action);
    r.action = truth.ActionIndex(action);
    if (r.action < 0) return t.Error(c_action, "action '" + std::string(action) + "' has no response_" + std::string(action) + " column in the truth");
    CW_ASSIGN_OR_RETURN(r.cost, t.Number(c_cost));
    if (r.cost < 0) return t.Error(c_cost, "a cost cannot be negative");
    rows.push_back(r);
  }
  return rows;
}

Result<std::vector<ScoredRow>> ReadScored(const std::filesystem::path& path, const TruthTable& truth) {
  CW_ASSIGN_OR_RETURN(Table t, Table::Open(path));
  CW_ASSIGN_OR_RETURN(int c_id, t.Column("customer_id"));
  CW_ASSIGN_OR_RETURN(int c_p, t.Column("p_churn"));
  CW_ASSIGN_OR_RETURN(int c_zone, t.Column("zone"));
  int c_reason[3];
  for (int k = 0; k < 3; ++k) {
    CW_ASSIGN_OR_RETURN(c_reason[k], t.Column("reason_" + std::to_string(k + 1)));
  }
  std::vector<ScoredRow> rows;
  for (;;) {
    CW_ASSIGN_OR_RETURN(bool more, t.Next());
    if (!more) break;
    ScoredRow r;
    CW_ASSIGN_OR_RETURN(r.customer, t.Customer(c_id, truth));
    CW_ASSIGN_OR_RETURN(r.p_churn, t.Number(c_p, true));
    if (std::isnan(r.p_churn)) continue;
    r.zone = std::string(t.Field(c_zone));
    for (int k = 0; k < 3; ++k) r.reasons[k] = std::string(t.Field(c_reason[k]));
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace churnwatch::simulate_internal
