#pragma once
/// \file ingest.h
/// The ingest use case (`churnwatch ingest`): CSV exports through a mapping file into a
/// store (ingest.h of the ingest stage does the work).

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "churnwatch/ingest.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch::app {

struct IngestRequest {
  std::string db_url;
  std::string mapping_path;
  IngestInputs inputs;          ///< empty paths: the mapping's own files
  std::string rejects_dir;      ///< empty: beside each input
  /// File whose first line is the HMAC key for personal fields; an empty path means
  /// $CHURNWATCH_PII_KEY (ResolvePiiKey). nullopt: no key at all.
  std::optional<std::string> pii_key_file;
  bool apply_exclusions = true;
  /// A file with more of its rows rejected is refused whole (IngestOptions::max_rejected_share;
  /// negative: no limit, though a file with every row rejected is always refused).
  double max_rejected_share = -1;
  int threads = 2;  ///< IngestOptions::threads
  std::function<void(const IngestProgress&)> progress;
};

struct IngestOutcome {
  IngestReport report;
  std::string backend;  ///< "sqlite" | "postgresql"
  /// The --json object: totals, customers, first_ts, last_ts, db and one entry per file.
  nlohmann::json ToJson() const;
};

/// Opens (or creates) the store and ingests. A new SQLite store appears only when a load
/// commits: a first ingest that fails leaves no empty store for later commands to mistake
/// for loaded data.
Result<IngestOutcome> Ingest(const IngestRequest& request);

/// The same into a store the caller holds open (`run` composes it); request.db_url unused.
Result<IngestReport> IngestInto(Store& store, const IngestRequest& request);

}  // namespace churnwatch::app
