// CLV values out of the stage: a store result table, a CSV file and feature columns.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>

#include "churnwatch/clv_run.h"

namespace churnwatch::clv {
namespace {

ResultColumn Numbers(std::string name, std::vector<double> values) {
  ResultColumn c;
  c.name = std::move(name);
  c.numbers = std::move(values);
  return c;
}

std::string CsvNumber(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

ResultTable ClvResultTable(const ClvResult& r) {
  const ClvValues& v = r.values;
  ResultTable t;
  ResultColumn ids;
  ids.name = "customer_id";
  ids.is_text = true;
  ids.texts = r.customer_ids;
  t.columns.push_back(std::move(ids));
  std::vector<double> x, t_x, T, mean_spend;
  for (const auto& s : v.summaries) {
    x.push_back(s.x);
    t_x.push_back(s.t_x);
    T.push_back(s.T);
    mean_spend.push_back(s.mean_spend);
  }
  t.columns.push_back(Numbers("x", std::move(x)));
  t.columns.push_back(Numbers("t_x", std::move(t_x)));
  t.columns.push_back(Numbers("T", std::move(T)));
  t.columns.push_back(Numbers("mean_spend", std::move(mean_spend)));
  t.columns.push_back(Numbers("p_alive", v.p_alive));
  t.columns.push_back(Numbers("p_alive_model", v.p_alive_model));
  t.columns.push_back(Numbers("expected_purchases", v.expected_purchases));
  t.columns.push_back(Numbers("p_purchase", v.p_purchase));
  t.columns.push_back(Numbers("expected_spend", v.expected_spend));
  t.columns.push_back(Numbers("clv", v.clv));
  return t;
}

Status WriteClvCsv(const ClvResult& r, const std::string& path) {
  const ResultTable t = ClvResultTable(r);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IOError("cannot open " + path + " for writing");
  for (std::size_t c = 0; c < t.columns.size(); ++c) out << (c ? "," : "") << t.columns[c].name;
  out << '\n';
  for (std::size_t row = 0; row < t.rows(); ++row) {
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const ResultColumn& col = t.columns[c];
      out << (c ? "," : "") << (col.is_text ? CsvField(col.texts[row]) : CsvNumber(col.numbers[row]));
    }
    out << '\n';
  }
  out.close();
  if (!out) return Status::IOError("writing " + path + " failed (disk full?)");
  return Status::OK();
}

Status AppendClvFeatures(FeatureTable& table, const RetailColumns& columns, const ClvOptions& base) {
  const std::size_t rows = table.num_rows();
  std::vector<double> p_alive(rows, kNaN), expected(rows, kNaN), p_purchase(rows, kNaN), spend(rows, kNaN),
      clv(rows, kNaN);
  std::map<DayNumber, std::vector<std::size_t>> rows_by_cutoff;
  for (std::size_t i = 0; i < rows; ++i) rows_by_cutoff[table.cutoffs[i]].push_back(i);
  for (const auto& [cutoff, table_rows] : rows_by_cutoff) {
    ClvOptions options = base;
    options.as_of = cutoff;
    options.holdout_days = 0;
    CW_ASSIGN_OR_RETURN(const ClvResult r, ComputeClv(columns, options));
    // position of each customer (RetailColumns index) in the result
    std::vector<std::int64_t> position(columns.num_customers(), -1);
    for (std::size_t k = 0; k < r.values.size(); ++k) position[r.values.customers[k]] = static_cast<std::int64_t>(k);
    for (std::size_t i : table_rows) {
      const auto c = columns.FindCustomer(table.customer_ids[i]);
      if (!c || position[*c] < 0) continue;
      const auto k = static_cast<std::size_t>(position[*c]);
      p_alive[i] = r.values.p_alive[k];
      expected[i] = r.values.expected_purchases[k];
      p_purchase[i] = r.values.p_purchase[k];
      spend[i] = r.values.expected_spend[k];
      clv[i] = r.values.clv[k];
    }
  }
  table.AppendColumn("p_alive", std::move(p_alive));
  table.AppendColumn("expected_purchases_h", std::move(expected));
  table.AppendColumn("p_purchase_h", std::move(p_purchase));
  table.AppendColumn("expected_spend", std::move(spend));
  table.AppendColumn("clv", std::move(clv));
  return Status::OK();
}

}  // namespace churnwatch::clv
