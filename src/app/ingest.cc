// The ingest use case (app/ingest.h): a mapping, the inputs and the PII key in, the ingest
// stage's report out.
#include "churnwatch/app/ingest.h"

#include "churnwatch/mapping.h"

namespace churnwatch::app {
namespace {

nlohmann::json TimestampJson(const std::optional<Timestamp>& t) {
  return t ? nlohmann::json(FormatIsoTimestamp(*t)) : nlohmann::json(nullptr);
}

nlohmann::json CountsJson(const IngestCounts& c) {
  return {{"rows_read", c.rows_read},
          {"rows_loaded", c.rows_loaded},
          {"already_present", c.already_present},
          {"rows_rejected", c.rows_rejected},
          {"rejected_by_reason", c.rejected_by_reason},
          {"duplicates_skipped", c.duplicates_skipped},
          {"rejected_duplicates", c.rejected_duplicates},
          {"rows_excluded", c.rows_excluded},
          {"duplicates_kept", c.duplicates_kept},
          {"excluded_by_rule", c.excluded_by_rule}};
}

}  // namespace

nlohmann::json IngestOutcome::ToJson() const {
  nlohmann::json j = CountsJson(report.totals);
  j["customers"] = report.customers;
  j["first_ts"] = TimestampJson(report.first_ts);
  j["last_ts"] = TimestampJson(report.last_ts);
  j["db"] = backend;
  nlohmann::json files = nlohmann::json::array();
  for (const auto& fr : report.files) {
    nlohmann::json fj = CountsJson(fr.counts);
    fj["table"] = std::string(TableName(fr.table));
    fj["path"] = fr.path;
    fj["rejects_file"] = fr.rejects_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(fr.rejects_file);
    fj["first_ts"] = TimestampJson(fr.first_ts);
    fj["last_ts"] = TimestampJson(fr.last_ts);
    fj["seconds"] = fr.seconds;
    files.push_back(std::move(fj));
  }
  j["files"] = std::move(files);
  return j;
}

namespace {

// The mapping and the key, read before any store is opened: a typo there leaves no store
// behind either.
struct PreparedIngest {
  Mapping mapping;
  IngestOptions options;
};

Result<PreparedIngest> PrepareIngest(const IngestRequest& request) {
  PreparedIngest p;
  CW_ASSIGN_OR_RETURN(p.mapping, LoadMapping(request.mapping_path));
  p.options.rejects_dir = request.rejects_dir;
  p.options.apply_exclusions = request.apply_exclusions;
  p.options.max_rejected_share = request.max_rejected_share;
  p.options.threads = request.threads;
  if (request.pii_key_file) {
    CW_ASSIGN_OR_RETURN(p.options.pii_key, ResolvePiiKey(*request.pii_key_file));
  }
  p.options.progress = request.progress;
  return p;
}

}  // namespace

Result<IngestReport> IngestInto(Store& store, const IngestRequest& request) {
  CW_ASSIGN_OR_RETURN(PreparedIngest p, PrepareIngest(request));
  return churnwatch::Ingest(p.mapping, request.inputs, &store, p.options);
}

Result<IngestOutcome> Ingest(const IngestRequest& request) {
  CW_ASSIGN_OR_RETURN(PreparedIngest p, PrepareIngest(request));
  CW_ASSIGN_OR_RETURN(auto store, Store::Open(request.db_url, UnwrittenNewStore::kDiscard));
  IngestOutcome outcome;
  CW_ASSIGN_OR_RETURN(outcome.report, churnwatch::Ingest(p.mapping, request.inputs, store.get(), p.options));
  outcome.backend = std::string(store->Backend());
  return outcome;
}

}  // namespace churnwatch::app
