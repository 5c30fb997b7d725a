// `churnwatch ingest` (SPEC.md §14): load CSV exports through a mapping file into a store.
// Flags in, churnwatch::Ingest, a summary or one JSON object out; a progress bar on stderr.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "churnwatch/ingest.h"
#include "churnwatch/mapping.h"
#include "churnwatch/store.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct IngestFlags {
  std::string mapping, transactions, customers, events, rejects_dir, pii_key_file;
  bool no_exclude = false;
  double max_rejected_share = -1;
};

nlohmann::json TsJson(const std::optional<Timestamp>& t) {
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

// Redraws one stderr line: bytes read / total, rows and rows per second. Only on a
// terminal, and only once a file has taken more than a second.
void DrawProgress(const IngestProgress& p, bool tty, bool quiet) {
  if (quiet) return;
  if (p.finished) {
    if (tty && p.elapsed_seconds > 1.0) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "ingest: %s %s: %s rows in %.2f s (%s rows/s)\n", std::string(TableName(p.table)).c_str(),
                 p.path.c_str(), FormatCount(p.rows_read).c_str(), p.elapsed_seconds,
                 FormatCount(static_cast<std::int64_t>(p.rows_read / std::max(p.elapsed_seconds, 1e-9))).c_str());
    return;
  }
  if (!tty || p.elapsed_seconds < 1.0) return;
  double frac = p.bytes_total > 0 ? std::min(1.0, static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total)) : 0;
  constexpr int kWidth = 30;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r\033[K%s [%s] %3.0f%% %.1f/%.1f MB %s rows %s rows/s", std::string(TableName(p.table)).c_str(),
               bar.c_str(), frac * 100, static_cast<double>(p.bytes_done) / 1e6, static_cast<double>(p.bytes_total) / 1e6,
               FormatCount(p.rows_read).c_str(),
               FormatCount(static_cast<std::int64_t>(p.rows_read / std::max(p.elapsed_seconds, 1e-9))).c_str());
  std::fflush(stderr);
}

Status RunIngest(const IngestFlags& f, const CommonOptions& common) {
  CW_ASSIGN_OR_RETURN(Mapping mapping, LoadMapping(f.mapping));
  IngestInputs inputs{f.transactions, f.customers, f.events};
  IngestOptions options;
  options.rejects_dir = f.rejects_dir;
  options.apply_exclusions = !f.no_exclude;
  options.max_rejected_share = f.max_rejected_share;
  CW_ASSIGN_OR_RETURN(options.pii_key, ResolvePiiKey(f.pii_key_file));
  const bool tty = isatty(STDERR_FILENO) != 0;
  const bool quiet = common.quiet;
  options.progress = [tty, quiet](const IngestProgress& p) { DrawProgress(p, tty, quiet); };

  // A new SQLite store appears only when a load commits: a first ingest that fails (missing
  // input or column, a truncated file, ...) leaves no empty store behind for later commands
  // to mistake for loaded data.
  CW_ASSIGN_OR_RETURN(auto store, Store::Open(common.db_url, UnwrittenNewStore::kDiscard));
  CW_ASSIGN_OR_RETURN(IngestReport r, Ingest(mapping, inputs, store.get(), options));

  if (common.json) {
    nlohmann::json j = CountsJson(r.totals);
    j["customers"] = r.customers;
    j["first_ts"] = TsJson(r.first_ts);
    j["last_ts"] = TsJson(r.last_ts);
    j["db"] = std::string(store->Backend());
    nlohmann::json files = nlohmann::json::array();
    for (const auto& fr : r.files) {
      nlohmann::json fj = CountsJson(fr.counts);
      fj["table"] = std::string(TableName(fr.table));
      fj["path"] = fr.path;
      fj["rejects_file"] = fr.rejects_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(fr.rejects_file);
      fj["first_ts"] = TsJson(fr.first_ts);
      fj["last_ts"] = TsJson(fr.last_ts);
      fj["seconds"] = fr.seconds;
      files.push_back(std::move(fj));
    }
    j["files"] = std::move(files);
    PrintJson(j);
    return Status::OK();
  }
  std::printf("ingested into %s (%s)\n", common.db_url.c_str(), std::string(store->Backend()).c_str());
  for (const auto& fr : r.files) {
    const IngestCounts& c = fr.counts;
    std::printf("  %s  %s\n", std::string(TableName(fr.table)).c_str(), fr.path.c_str());
    std::printf("    rows read %s, loaded %s, already present %s, rejected %s, duplicates skipped %s (%s of them also rejected), excluded %s\n",
                FormatCount(c.rows_read).c_str(), FormatCount(c.rows_loaded).c_str(), FormatCount(c.already_present).c_str(),
                FormatCount(c.rows_rejected).c_str(), FormatCount(c.duplicates_skipped).c_str(),
                FormatCount(c.rejected_duplicates).c_str(), FormatCount(c.rows_excluded).c_str());
    if (c.duplicates_kept > 0)
      std::printf("    repeated lines kept %s (exact repeats of an earlier line, loaded as rows of their own; "
                  "duplicates = \"skip\" drops them)\n",
                  FormatCount(c.duplicates_kept).c_str());
    for (const auto& [reason, n] : c.rejected_by_reason) std::printf("    rejected %-22s %s\n", reason.c_str(), FormatCount(n).c_str());
    for (const auto& [rule, n] : c.excluded_by_rule) std::printf("    excluded %-22s %s\n", rule.c_str(), FormatCount(n).c_str());
    if (!fr.rejects_file.empty()) std::printf("    rejects: %s\n", fr.rejects_file.c_str());
  }
  std::printf("customers  %s\n", FormatCount(r.customers).c_str());
  if (r.first_ts)
    std::printf("date range %s .. %s\n", FormatIsoTimestamp(*r.first_ts).c_str(), FormatIsoTimestamp(*r.last_ts).c_str());
  return Status::OK();
}

}  // namespace

CommandRun RegisterIngest(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("ingest", "load transactions, customers and events from CSV through a mapping file");
  AddCommonOptions(sub, common);
  auto flags = std::make_shared<IngestFlags>();
  sub->add_option("--mapping", flags->mapping, "mapping file (TOML, see docs/ingest.md)")->required();
  sub->add_option("--transactions", flags->transactions, "transactions CSV (plain or .gz); default: the mapping's file");
  sub->add_option("--customers", flags->customers, "customers CSV (plain or .gz)");
  sub->add_option("--events", flags->events, "events CSV (plain or .gz)");
  sub->add_option("--rejects-dir", flags->rejects_dir, "folder for <input>.rejects.csv (default: beside each input, or the current directory if that is read-only)");
  sub->add_option("--pii-key-file", flags->pii_key_file,
                  "file whose first line is the HMAC key for phone/email/name (default: $CHURNWATCH_PII_KEY)");
  sub->add_flag("--no-exclude", flags->no_exclude, "ignore the mapping's exclusion rules");
  sub->add_option("--max-rejected-share", flags->max_rejected_share,
                  "refuse a file (load none of it, exit 4) when more than this share of its rows is rejected, e.g. "
                  "0.05 (default: no limit; a file with every row rejected is always refused)")
      ->check(CLI::Range(0.0, 1.0));
  return [flags, &common] { return RunIngest(*flags, common); };
}

}  // namespace churnwatch::cli
