// The server's customer state (customer_book.h).
#include "server/customer_book.h"

#include <algorithm>
#include <cmath>

#include "churnwatch/churn_pipeline.h"
#include "churnwatch/features.h"
#include "churnwatch/playbook.h"
#include "churnwatch/registry.h"
#include "churnwatch/scoring.h"

namespace churnwatch::server {
namespace {

std::string LatestStore(const std::vector<Transaction>& tx) {
  Timestamp best = 0;
  std::string out;
  for (const auto& t : tx)
    if (!t.store_id.empty() && (out.empty() || t.ts >= best)) {
      best = t.ts;
      out = t.store_id;
    }
  return out;
}

double Median(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return kNaN;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  double m = v[mid];
  if (v.size() % 2 == 0) m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
  return m;
}

// A customer's rows in the store's key order. The batch engine reads the store in that
// order, and its columnar builder keeps arrival order among lines of the same order and day
// (a stable sort), so sums over such lines add up in that order: presenting the rows in key
// order makes the server's features equal the batch's to the last bit.
template <typename Row>
std::vector<Row> InKeyOrder(const std::vector<Row>& rows) {
  std::vector<Row> out = rows;
  std::stable_sort(out.begin(), out.end(), [](const Row& a, const Row& b) {
    return a.key.hi != b.key.hi ? a.key.hi < b.key.hi : a.key.lo < b.key.lo;
  });
  return out;
}

// One row of `t` as a CustomerScore (features in `names` order).
CustomerScore ScoreOfRow(const FeatureTable& t, std::size_t row, const std::vector<std::string>& names) {
  CustomerScore s;
  s.eligible = true;
  s.as_of = t.cutoffs[row];
  s.features.reserve(names.size());
  for (const auto& n : names) {
    auto col = t.Column(n);
    s.features.push_back(col.empty() ? kNaN : col[row]);
  }
  if (row < t.segments.size()) s.segment = t.segments[row];
  return s;
}

}  // namespace

Result<std::unique_ptr<CustomerBook>> CustomerBook::Load(Store& store, PolicyConfig policy, std::optional<DayNumber> as_of) {
  std::unique_ptr<CustomerBook> book(new CustomerBook());
  book->policy_ = std::move(policy);
  auto& customers = book->customers_;
  CW_RETURN_IF_ERROR(store.ScanTransactions([&](std::span<const Transaction> rows) {
    for (const auto& t : rows) customers[t.customer_id].history.transactions.push_back(t);
    return Status::OK();
  }));
  CW_RETURN_IF_ERROR(store.ScanEvents([&](std::span<const Event> rows) {
    for (const auto& e : rows) customers[e.customer_id].history.events.push_back(e);
    return Status::OK();
  }));
  CW_RETURN_IF_ERROR(store.ScanCustomers([&](std::span<const Customer> rows) {
    for (const auto& c : rows) customers[c.customer_id].history.profile = c;
    return Status::OK();
  }));
  for (auto& [id, st] : customers) st.home_store = LatestStore(st.history.transactions);

  ModelRegistry registry(store);
  auto model = registry.Load("", 1);
  if (model.ok()) {
    book->model_ = *model;
    book->horizon_days_ = book->model_->info().horizon_days;
    book->reasons_ = std::make_unique<ReasonMap>(ReasonMap::Defaults(book->model_->feature_names()));
  } else if (model.status().code() != StatusCode::kNotFound) {
    return model.status();
  }

  CW_ASSIGN_OR_RETURN(RetailColumns columns, LoadColumnsFromStore(store, 2));
  book->as_of_ = as_of ? *as_of : (columns.num_transactions() > 0 ? columns.last_day + 1 : 0);
  if (columns.num_transactions() == 0) return book;
  PipelineOptions po;
  po.threads = 2;
  po.horizon_days = book->horizon_days_;
  const DayNumber cut[] = {book->as_of_};
  CW_ASSIGN_OR_RETURN(book->reference_, BuildSnapshotTable(columns, cut, po, Eligibility::kLookback, true));
  const FeatureTable& ref = book->reference_;
  book->feature_names_ = ref.names;
  for (std::size_t i = 0; i < ref.num_rows(); ++i) book->reference_row_[ref.customer_ids[i]] = i;
  // Medians by segment, for the 360° view's "compared with similar customers".
  std::map<RfmSegment, std::vector<std::size_t>> rows_of;
  for (std::size_t i = 0; i < ref.num_rows() && i < ref.segments.size(); ++i) rows_of[ref.segments[i].segment].push_back(i);
  for (const auto& [seg, rows] : rows_of) {
    std::vector<double>& m = book->medians_[seg];
    for (const auto& col : ref.columns) {
      std::vector<double> v;
      v.reserve(rows.size());
      for (std::size_t r : rows) v.push_back(col[r]);
      m.push_back(Median(std::move(v)));
    }
  }
  if (!book->model_) return book;
  ScoreOptions so;
  so.exact_reason_count = 0;  // approximate contributions for the bulk; exact per request
  CW_ASSIGN_OR_RETURN(auto scored, ScoreTable(*book->model_, ref, *book->reasons_, so));
  const Timestamp now = static_cast<Timestamp>(book->as_of_) * kSecondsPerDay;
  CW_ASSIGN_OR_RETURN(PolicyOutcome outcome, ApplyPolicy(book->policy_, {scored, &ref, now}));
  for (std::size_t i = 0; i < scored.size(); ++i) {
    CustomerScore s = ScoreOfRow(ref, i, book->feature_names_);
    s.scored = scored[i];
    s.zone = outcome.zones[i];
    customers[scored[i].customer_id].score = std::move(s);
  }
  for (const auto& a : outcome.alerts) customers[a.customer_id].score->alerts.push_back(a);
  for (const auto& a : outcome.actions) customers[a.customer_id].score->action = a;
  return book;
}

std::string CustomerBook::model_version() const { return model_ ? model_->info().version : std::string(); }

DayNumber CustomerBook::as_of() const {
  std::shared_lock lock(mu_);
  return as_of_;
}

std::optional<CustomerBook::Entry> CustomerBook::Find(const std::string& customer_id) const {
  std::shared_lock lock(mu_);
  const auto it = customers_.find(customer_id);
  if (it == customers_.end()) return std::nullopt;
  return Entry{it->second.history, it->second.score, it->second.home_store};
}

bool CustomerBook::Contains(const std::string& customer_id) const {
  std::shared_lock lock(mu_);
  return customers_.count(customer_id) > 0;
}

std::string CustomerBook::HomeStore(const std::string& customer_id) const {
  std::shared_lock lock(mu_);
  const auto it = customers_.find(customer_id);
  return it == customers_.end() ? std::string() : it->second.home_store;
}

void CustomerBook::ForEach(const std::function<void(const CustomerSummary&)>& f) const {
  std::shared_lock lock(mu_);
  for (const auto& [id, st] : customers_) {
    CustomerSummary s;
    s.customer_id = id;
    s.store_id = st.home_store;
    s.zone = "none";
    if (st.score && st.score->eligible) {
      s.zone = std::string(ZoneName(st.score->zone.zone));
      s.grade = st.score->zone.grade;
      s.segment = std::string(RfmSegmentName(st.score->segment.segment));
      s.p_churn = st.score->scored.p_churn;
      s.clv = st.score->scored.clv;
      if (st.score->scored.reason_count > 0) s.reason = std::string(PlaybookReasonKey(st.score->scored.reasons[0].category));
    }
    f(s);
  }
}

Result<FeatureTable> CustomerBook::FeatureRow(const std::string& customer_id, const CustomerHistory& history,
                                             DayNumber as_of) const {
  std::vector<Customer> profile;
  if (history.profile) profile.push_back(*history.profile);
  const RetailColumns cols =
      ColumnsFromRows(InKeyOrder(history.transactions), profile, InKeyOrder(history.events), 1);
  FeatureOptions opt;
  opt.horizon_days = horizon_days_;
  opt.threads = 1;
  opt.eligibility = Eligibility::kLookback;
  opt.segments = false;
  const auto idx = cols.FindCustomer(customer_id);
  if (!idx) return FeatureTable{};
  const CustomerIdx one[] = {*idx};
  const DayNumber cut[] = {as_of};
  CW_ASSIGN_OR_RETURN(FeatureTable t, BuildFeatureTableFor(cols, one, cut, opt));
  if (t.num_rows() == 0) return t;
  // Population-fitted values (P(alive), CLV, BG/NBD) come from the last full scoring: a
  // single customer cannot refit them. A customer new since then has them missing.
  const auto row = reference_row_.find(customer_id);
  for (std::size_t f = 0; f < reference_.names.size(); ++f) {
    if (t.FeatureIndex(reference_.names[f])) continue;
    t.AppendColumn(reference_.names[f], {row == reference_row_.end() ? kNaN : reference_.columns[f][row->second]});
  }
  // Segment ranks against the last full scoring's customers.
  if (reference_.num_rows() > 0) {
    if (reference_.cutoffs[0] == as_of) {
      CW_RETURN_IF_ERROR(ComputeSegments(t, &reference_));
    } else {
      CW_RETURN_IF_ERROR(ComputeSegments(t, Peers(as_of).get()));
    }
  }
  return t;
}

std::shared_ptr<const FeatureTable> CustomerBook::Peers(DayNumber as_of) const {
  // The peers keep their last full scoring's values; only the cutoff is moved so that
  // ComputeSegments ranks the new row among them. Cached: the cutoff rarely changes.
  std::lock_guard lock(peers_mu_);
  if (!peers_ || peers_day_ != as_of) {
    auto peers = std::make_shared<FeatureTable>(reference_);
    std::fill(peers->cutoffs.begin(), peers->cutoffs.end(), as_of);
    peers_ = std::move(peers);
    peers_day_ = as_of;
  }
  return peers_;
}

Result<std::vector<double>> CustomerBook::Features(const CustomerHistory& history, DayNumber as_of) const {
  std::string id;
  if (!history.transactions.empty()) id = history.transactions.front().customer_id;
  std::vector<Customer> profile;
  if (history.profile) profile.push_back(*history.profile);
  const RetailColumns cols =
      ColumnsFromRows(InKeyOrder(history.transactions), profile, InKeyOrder(history.events), 1);
  FeatureOptions opt;
  opt.horizon_days = horizon_days_;
  opt.threads = 1;
  opt.eligibility = Eligibility::kLookback;
  opt.segments = false;
  const auto idx = cols.FindCustomer(id);
  if (!idx) return std::vector<double>{};
  const CustomerIdx one[] = {*idx};
  const DayNumber cut[] = {as_of};
  CW_ASSIGN_OR_RETURN(FeatureTable t, BuildFeatureTableFor(cols, one, cut, opt));
  std::vector<double> out;
  if (t.num_rows() == 0) return out;
  for (const auto& c : t.columns) out.push_back(c[0]);
  return out;
}

Result<CustomerScore> CustomerBook::Score(const std::string& customer_id, const CustomerHistory& history, DayNumber as_of,
                                          Timestamp now) const {
  if (!model_) return Status::Unavailable("no champion model: train one (churnwatch train) and restart the server");
  CustomerScore s;
  s.as_of = as_of;
  CW_ASSIGN_OR_RETURN(FeatureTable t, FeatureRow(customer_id, history, as_of));
  if (t.num_rows() == 0) return s;  // not eligible: nothing to score
  ScoreOptions so;
  // XGBoost's approximate contributions, as at start-up: exact Tree SHAP per row would
  // dominate the intake path's cost.
  so.exact_reason_count = 0;
  CW_ASSIGN_OR_RETURN(auto scored, ScoreTable(*model_, t, *reasons_, so));
  CW_ASSIGN_OR_RETURN(PolicyOutcome outcome, ApplyPolicy(policy_, {scored, &t, now}));
  s = ScoreOfRow(t, 0, feature_names_);
  s.scored = scored[0];
  s.zone = outcome.zones[0];
  s.alerts = outcome.alerts;
  if (!outcome.actions.empty()) s.action = outcome.actions[0];
  return s;
}

std::vector<double> CustomerBook::SegmentMedians(RfmSegment segment) const {
  const auto it = medians_.find(segment);
  if (it == medians_.end()) return std::vector<double>(feature_names_.size(), kNaN);
  return it->second;
}

void CustomerBook::Apply(const std::string& customer_id, const std::vector<Transaction>& tx, const std::vector<Event>& ev,
                         std::optional<CustomerScore> score, DayNumber as_of) {
  std::unique_lock lock(mu_);
  State& st = customers_[customer_id];
  st.history.transactions.insert(st.history.transactions.end(), tx.begin(), tx.end());
  st.history.events.insert(st.history.events.end(), ev.begin(), ev.end());
  if (!tx.empty()) st.home_store = LatestStore(st.history.transactions);
  if (score) st.score = std::move(score);
  as_of_ = std::max(as_of_, as_of);
}

double CustomerBook::BytesPerCustomer() const {
  std::shared_lock lock(mu_);
  if (customers_.empty()) return 0;
  double bytes = 0;
  for (const auto& [id, st] : customers_) {
    bytes += sizeof(State) + id.capacity() + 48;  // map node overhead
    for (const auto& t : st.history.transactions)
      bytes += sizeof(Transaction) + t.order_id.capacity() + t.customer_id.capacity() + t.store_id.capacity() +
               t.sku.capacity() + t.category.capacity();
    for (const auto& e : st.history.events) bytes += sizeof(Event) + e.event_id.capacity() + e.text.capacity();
    if (st.score) bytes += sizeof(CustomerScore) + st.score->features.capacity() * sizeof(double);
  }
  return bytes / static_cast<double>(customers_.size());
}

std::size_t CustomerBook::size() const {
  std::shared_lock lock(mu_);
  return customers_.size();
}

}  // namespace churnwatch::server
