// `churnwatch ingest` (SPEC.md §14): flags into an app::IngestRequest, app::Ingest, a
// summary or one JSON object out; a progress bar on stderr.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "churnwatch/app/ingest.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct IngestFlags {
  std::string mapping, transactions, customers, events, rejects_dir, pii_key_file;
  bool no_exclude = false;
  double max_rejected_share = -1;
};

std::string RowsPerSecond(const IngestProgress& p) {
  return FormatCount(static_cast<std::int64_t>(p.rows_read / std::max(p.elapsed_seconds, 1e-9)));
}

// Redraws one stderr line: bytes read / total, rows and rows per second. Only on a
// terminal, and only once a file has taken more than a second.
void DrawProgress(const IngestProgress& p, bool tty) {
  const std::string table(TableName(p.table));
  if (p.finished) {
    if (tty && p.elapsed_seconds > 1.0) std::fputs("\r\033[K", stderr);
    std::fprintf(stderr, "ingest: %s %s: %s rows in %.2f s (%s rows/s)\n", table.c_str(), p.path.c_str(),
                 FormatCount(p.rows_read).c_str(), p.elapsed_seconds, RowsPerSecond(p).c_str());
    return;
  }
  if (!tty || p.elapsed_seconds < 1.0) return;
  const double frac =
      p.bytes_total > 0 ? std::min(1.0, static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total)) : 0;
  constexpr int kWidth = 30;
  std::string bar(static_cast<std::size_t>(frac * kWidth), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r\033[K%s [%s] %3.0f%% %.1f/%.1f MB %s rows %s rows/s", table.c_str(), bar.c_str(), frac * 100,
               static_cast<double>(p.bytes_done) / 1e6, static_cast<double>(p.bytes_total) / 1e6,
               FormatCount(p.rows_read).c_str(), RowsPerSecond(p).c_str());
  std::fflush(stderr);
}

Status Run(const IngestFlags& f, const CommonOptions& common) {
  app::IngestRequest r;
  r.db_url = common.db_url;
  r.mapping_path = f.mapping;
  r.inputs = {f.transactions, f.customers, f.events};
  r.rejects_dir = f.rejects_dir;
  r.pii_key_file = f.pii_key_file;
  r.apply_exclusions = !f.no_exclude;
  r.max_rejected_share = f.max_rejected_share;
  if (!common.quiet)
    r.progress = [tty = isatty(STDERR_FILENO) != 0](const IngestProgress& p) { DrawProgress(p, tty); };
  CW_ASSIGN_OR_RETURN(const app::IngestOutcome o, app::Ingest(r));
  if (common.json) return PrintJson(o.ToJson());
  std::printf("ingested into %s (%s)\n", common.db_url.c_str(), o.backend.c_str());
  for (const auto& fr : o.report.files) {
    const IngestCounts& c = fr.counts;
    std::printf("  %s  %s\n", std::string(TableName(fr.table)).c_str(), fr.path.c_str());
    std::printf("    rows read %s, loaded %s, already present %s, rejected %s, duplicates skipped %s (%s of them also "
                "rejected), excluded %s\n",
                FormatCount(c.rows_read).c_str(), FormatCount(c.rows_loaded).c_str(),
                FormatCount(c.already_present).c_str(), FormatCount(c.rows_rejected).c_str(),
                FormatCount(c.duplicates_skipped).c_str(), FormatCount(c.rejected_duplicates).c_str(),
                FormatCount(c.rows_excluded).c_str());
    if (c.duplicates_kept > 0)
      std::printf("    repeated lines kept %s (exact repeats of an earlier line, loaded as rows of their own; "
                  "duplicates = \"skip\" drops them)\n",
                  FormatCount(c.duplicates_kept).c_str());
    for (const auto& [reason, n] : c.rejected_by_reason)
      std::printf("    rejected %-22s %s\n", reason.c_str(), FormatCount(n).c_str());
    for (const auto& [rule, n] : c.excluded_by_rule)
      std::printf("    excluded %-22s %s\n", rule.c_str(), FormatCount(n).c_str());
    if (!fr.rejects_file.empty()) std::printf("    rejects: %s\n", fr.rejects_file.c_str());
  }
  std::printf("customers  %s\n", FormatCount(o.report.customers).c_str());
  if (o.report.first_ts)
    std::printf("date range %s .. %s\n", FormatIsoTimestamp(*o.report.first_ts).c_str(),
                FormatIsoTimestamp(*o.report.last_ts).c_str());
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
  return [flags, &common] { return Run(*flags, common); };
}

}  // namespace churnwatch::cli
