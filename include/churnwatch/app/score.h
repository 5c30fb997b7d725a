#pragma once
/// \file score.h
/// The score use case (`churnwatch score`): every active customer as of a date with a
/// registered model — calibrated p_churn, lead time, P(alive), CLV, segments, three
/// reasons — then zones, grades and a proposed action from the policy stage; the CSV
/// contract (score_csv.h) and the store's "scores" table. `run` composes the same steps
/// (BuildScoringTable, ScoreAndDecide).

#include <array>
#include <optional>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/bucket.h"
#include "churnwatch/app/common.h"
#include "churnwatch/churn_pipeline.h"
#include "churnwatch/explain.h"
#include "churnwatch/feature_table.h"
#include "churnwatch/policy_engine.h"
#include "churnwatch/scored_customer.h"
#include "churnwatch/scoring.h"
#include "churnwatch/status.h"

namespace churnwatch::app {

/// How reasons are computed: exact Tree SHAP for the riskiest and approximate
/// contributions for the rest (kMixed), or one of the two for everyone.
enum class ExplainMode { kMixed, kExact, kApprox };
/// "mixed" | "exact" | "approx"; else kInvalidArgument "<what> must be mixed, exact or
/// approx, got '<text>'".
Result<ExplainMode> ParseExplainMode(std::string_view text, std::string_view what);

/// "BEGIN:END" (e.g. "0:512") as a bucket range; kInvalidArgument naming `flag` otherwise.
Result<BucketRange> ParseBucketRange(std::string_view text, std::string_view flag);

struct ScoreRequest {
  std::string db_url;
  DayNumber as_of = 0;
  std::string model;         ///< version; empty = the champion
  std::string reasons_file;  ///< feature -> reason category TOML; empty = defaults
  std::string policy_file;   ///< policy TOML; empty = the default policy
  int threads = 2;
  ExplainMode explain = ExplainMode::kMixed;
  std::size_t exact_count = 1000;  ///< kMixed: customers with exact reasons
  double exact_share = 0.0;        ///< kMixed: at least this share of the riskiest
  Eligibility eligibility = Eligibility::kActive;
  std::string out;                 ///< CSV path, or empty
  bool write_store = true;         ///< the store's "scores" table
  Notify warn;                     ///< a scoring date past the data's end
  /// Score only the customers of these buckets (one of several parallel scorers,
  /// docs/scale.md); needs write_store = false, so the store's scores table keeps whole runs.
  std::optional<BucketRange> buckets;
};

struct ScoreOutcome {
  std::size_t customers = 0;
  std::array<std::int64_t, kZoneCount> zones{};
  DayNumber as_of = 0;
  std::string model_version;
  double mean_p_churn = 0;
  std::size_t alerts = 0, actions = 0, funded_actions = 0;
  std::string out;
  std::string store_table;  ///< "scores", or empty
  std::string bgnbd_note;
  double seconds = 0;
  nlohmann::json ToJson() const;
};

Result<ScoreOutcome> Score(const ScoreRequest& request);

/// Features as of one date for the customers of `eligibility`, with CLV and the BG/NBD
/// opinion, and the BG/NBD fit's note (empty when none).
struct ScoringTable {
  FeatureTable table;
  std::string bgnbd_note;
};
Result<ScoringTable> BuildScoringTable(const RetailColumns& columns, DayNumber as_of, const PipelineOptions& pipeline,
                                       Eligibility eligibility);

/// Scores every row of `table` and applies the policy: what `score` and `run` decide.
struct Decisions {
  std::vector<ScoredCustomer> scored;  ///< one per table row, same order
  PolicyOutcome policy;
};
Result<Decisions> ScoreAndDecide(const ChurnModel& model, const FeatureTable& table, const ReasonMap& reasons,
                                 const ScoreOptions& options, const PolicyConfig& policy, Timestamp raised_at);

/// ScoreOptions of an explain mode (exact_count and exact_share apply to kMixed).
ScoreOptions ScoreOptionsFor(ExplainMode mode, std::size_t exact_count, double exact_share);

/// The warning for a cutoff past the day after the data's last day (recency then grows for
/// every customer), or empty; `what` names the date, e.g. "--as-of".
std::string PastDataEndWarning(const RetailColumns& columns, DayNumber cutoff, std::string_view what);

}  // namespace churnwatch::app
