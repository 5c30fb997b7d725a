#pragma once
/// \file scale.h
/// Running churnwatch as several processes (docs/scale.md): a local launcher that starts
/// XGBoost's tracker and N training workers, and each worker's share of the customers.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "churnwatch/bucket.h"
#include "churnwatch/collective.h"
#include "churnwatch/features.h"
#include "churnwatch/status.h"

namespace churnwatch::scale {

/// Starts XGBoost's tracker (`python3 -m xgboost.tracker`, Debian's python3-xgboost) on
/// 127.0.0.1 and `workers` copies of `argv` (argv[0] is the program) with
/// DMLC_TRACKER_URI / DMLC_TRACKER_PORT / DMLC_TASK_ID set, and waits for them. Workers
/// write to this process's stdout and stderr. When one worker exits non-zero or is
/// killed, the others are stopped at once and the result is kUnavailable naming the
/// worker and how it ended ("run the command again" — nothing was registered, since only
/// a finished gang registers). A tracker that cannot start is kUnavailable saying why.
Status RunLocalWorkers(int workers, const std::vector<std::string>& argv);

/// This process's command line (from /proc/self/cmdline) with `--workers N` removed and
/// `extra` appended: how a launcher restarts the same command as a worker.
Result<std::vector<std::string>> WorkerCommandLine(const std::string& extra);

/// One worker's share of the data and the whole training's sums.
struct WorkerShare {
  int rank = 0;
  int workers = 1;
  BucketRange buckets;
  std::uint64_t customers = 0, transactions = 0, events = 0;
  std::uint64_t id_checksum = 0;  ///< sum of Fnv1a64(customer id) mod 2^64
  std::uint64_t total_customers = 0, total_transactions = 0, total_events = 0, total_id_checksum = 0;
  std::string Line() const;  ///< "worker 1/2: buckets [512, 1024) customers ... checksum ..."
};

/// Sums this member's share over the collective and checks that every one of the
/// `bucket_count` buckets is owned by exactly one member (kInternal otherwise).
Result<WorkerShare> ShareOf(Collective& collective, const RetailColumns& columns, BucketRange owned,
                            std::uint32_t bucket_count);

}  // namespace churnwatch::scale
