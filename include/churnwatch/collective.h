#pragma once
/// \file collective.h
/// Membership of XGBoost's collective (Rabit over TCP, libxgboost 1.7): the processes of
/// one distributed training, each started with the tracker's address, join it, learn
/// their rank, and exchange small vectors. While a process is a member, every tree model
/// it trains is trained together with the others on the union of their rows
/// (XGBoost all-reduces sketches and gradient histograms), so every member ends with the
/// same trees.
///
/// The tracker is XGBoost's own (Python `xgboost.tracker.RabitTracker` in 1.7); see
/// docs/scale.md. Every member must make the same collective calls in the same order
/// (these methods, and XGBoost's training calls); a member that dies makes the others'
/// next call fail with kUnavailable instead of hanging (Rabit detects the closed links).
///
/// Thread safety: one thread at a time. At most one Collective per process.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/status.h"

namespace churnwatch {

class Collective {
 public:
  /// Joins the collective whose tracker `DMLC_TRACKER_URI` / `DMLC_TRACKER_PORT` name
  /// (environment), as task `DMLC_TASK_ID` (zero-padded: the tracker sorts ids as text).
  /// kInvalidArgument when the variables are missing; kUnavailable when the tracker cannot
  /// be reached. Leaves the collective on destruction.
  static Result<std::unique_ptr<Collective>> JoinFromEnvironment();
  ~Collective();
  Collective(const Collective&) = delete;
  Collective& operator=(const Collective&) = delete;

  int rank() const { return rank_; }
  int world_size() const { return world_; }

  /// Element-wise sum / max / min over every member, in place.
  Status SumUInt64(std::span<std::uint64_t> values);
  Status SumDouble(std::span<double> values);
  Status MaxInt64(std::span<std::int64_t> values);
  Status MinInt64(std::span<std::int64_t> values);
  /// Every member's `bytes`, indexed by rank (member r sends its own; all receive all).
  Result<std::vector<std::string>> Allgather(std::string_view bytes);

 private:
  Collective() = default;
  int rank_ = 0;
  int world_ = 1;
};

}  // namespace churnwatch
