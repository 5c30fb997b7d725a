#pragma once
// The server's in-memory state: every customer's own history (transactions, events,
// profile), and their latest score, zone and features. Features are always recomputed from
// the customer's own rows with the batch engine's kernel (BuildFeatureTableFor), so the
// state after any sequence of accepted rows equals what the batch engine computes over the
// same rows: there is no second, incremental definition of a feature to drift apart.
//
// Thread safety: reads (Find, ForEach, Score*) take a shared lock; Apply takes it
// exclusively. Scoring uses XGBoost with nthread = 1 (one request, one thread).

#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "churnwatch/data_model.h"
#include "churnwatch/explain.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/models.h"
#include "churnwatch/policy_config.h"
#include "churnwatch/policy_engine.h"
#include "churnwatch/scored_customer.h"
#include "churnwatch/store.h"

namespace churnwatch::server {

struct CustomerHistory {
  std::vector<Transaction> transactions;  ///< in arrival order
  std::vector<Event> events;
  std::optional<Customer> profile;
};

/// One customer's score at a cutoff: features, model outputs, zone, alerts the policy raises.
struct CustomerScore {
  bool eligible = false;  ///< false: no purchase in the look-back, nothing scored
  DayNumber as_of = 0;
  std::vector<double> features;  ///< in CustomerBook::feature_names() order
  SegmentRow segment;
  ScoredCustomer scored;
  ZoneAssignment zone;
  std::vector<Alert> alerts;         ///< zone and rule alerts of this customer
  std::optional<ActionItem> action;  ///< the playbook's proposal, when alerted
};

struct CustomerSummary {
  std::string customer_id, store_id, zone, grade, segment, reason;
  double p_churn = 0, clv = 0;
};

class CustomerBook {
 public:
  /// Loads every row of `store`, the champion model (nthread = 1) and scores everyone as of
  /// `as_of` (default: the day after the data's last day). Without a champion the book
  /// still serves histories; scores are then absent (has_model() false).
  static Result<std::unique_ptr<CustomerBook>> Load(Store& store, PolicyConfig policy, std::optional<DayNumber> as_of);

  bool has_model() const { return model_ != nullptr; }
  std::string model_version() const;
  DayNumber as_of() const;
  const std::vector<std::string>& feature_names() const { return feature_names_; }

  /// A copy of one customer's history and latest score; nullopt when unknown.
  struct Entry {
    CustomerHistory history;
    std::optional<CustomerScore> score;
    std::string home_store;  ///< store of the latest purchase with a store id
  };
  std::optional<Entry> Find(const std::string& customer_id) const;
  bool Contains(const std::string& customer_id) const;
  std::string HomeStore(const std::string& customer_id) const;

  /// Calls `f` for each customer in id order (under the shared lock: `f` must not call back).
  void ForEach(const std::function<void(const CustomerSummary&)>& f) const;

  /// Scores `history` at `as_of` (pure: the book is not changed). kUnavailable without a model.
  Result<CustomerScore> Score(const std::string& customer_id, const CustomerHistory& history, DayNumber as_of,
                              Timestamp now) const;
  /// Features of `history` at `as_of` only (no model needed); empty when not eligible.
  Result<std::vector<double>> Features(const CustomerHistory& history, DayNumber as_of) const;

  /// Median of each feature among customers of the same RFM segment at the last full
  /// scoring (NaN when unknown), in feature_names() order.
  std::vector<double> SegmentMedians(RfmSegment segment) const;

  /// Adds accepted rows and the new score (after their commit).
  void Apply(const std::string& customer_id, const std::vector<Transaction>& tx, const std::vector<Event>& ev,
             std::optional<CustomerScore> score, DayNumber as_of);

  /// Approximate bytes held per customer (histories, scores, indexes), for the benchmark.
  double BytesPerCustomer() const;
  std::size_t size() const;

 private:
  CustomerBook() = default;
  Result<FeatureTable> FeatureRow(const std::string& customer_id, const CustomerHistory& history, DayNumber as_of) const;

  std::shared_ptr<const FeatureTable> Peers(DayNumber as_of) const;

  struct State {
    CustomerHistory history;
    std::optional<CustomerScore> score;
    std::string home_store;
  };
  mutable std::shared_mutex mu_;
  std::map<std::string, State> customers_;
  std::shared_ptr<const ChurnModel> model_;
  PolicyConfig policy_;
  std::unique_ptr<ReasonMap> reasons_;
  FeatureTable reference_;  // the last full scoring: segment ranks, p_alive / clv, medians
  std::map<std::string, std::size_t> reference_row_;
  std::vector<std::string> feature_names_;
  std::map<RfmSegment, std::vector<double>> medians_;
  mutable std::mutex peers_mu_;
  mutable std::shared_ptr<const FeatureTable> peers_;
  mutable DayNumber peers_day_ = 0;
  DayNumber as_of_ = 0;
  int horizon_days_ = 90;
};

}  // namespace churnwatch::server
