// The ingest driver: one atomic store load per input file. Per record: duplicate check on
// the raw bytes, structural checks (quote, UTF-8, field count), conversion, exclusion, then
// the RowKey and the batch. Rows live in a reused batch vector, so after the first batch
// the loop allocates nothing but what the store does.
#include "churnwatch/ingest.h"

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <span>

#include "churnwatch/csv_reader.h"
#include "ingest/fingerprint.h"
#include "ingest/rejects_writer.h"
#include "ingest/row_converter.h"

namespace churnwatch {

std::string_view RejectReasonName(RejectReason reason) {
  static constexpr std::string_view kNames[kRejectReasonCount] = {
      "missing_customer_id", "missing_field",       "bad_date",    "bad_number",      "wrong_field_count",
      "unterminated_quote",  "bad_channel",         "bad_event_type", "bad_boolean", "bad_utf8"};
  return kNames[static_cast<std::size_t>(reason)];
}

void IngestCounts::Add(const IngestCounts& o) {
  rows_read += o.rows_read;
  rows_loaded += o.rows_loaded;
  already_present += o.already_present;
  rows_rejected += o.rows_rejected;
  duplicates_skipped += o.duplicates_skipped;
  rejected_duplicates += o.rejected_duplicates;
  rows_excluded += o.rows_excluded;
  for (const auto& [k, v] : o.rejected_by_reason) rejected_by_reason[k] += v;
  for (const auto& [k, v] : o.excluded_by_rule) excluded_by_rule[k] += v;
}

namespace {

using ingest::FingerprintSet;
using ingest::RejectInfo;
using ingest::RowConverter;
using ingest::RowOutcome;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kRawSeed = 0x7f4a7c159e3779b9ull;
constexpr std::uint64_t kCustomerSeed = 0x94d049bb133111ebull;

// SHA-256 of the file's bytes: the load log's record of exactly what was loaded.
Result<std::string> FileSha256(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return Status::IOError("cannot open " + path);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) EVP_DigestUpdate(ctx.get(), buf.data(), n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Status::IOError("reading " + path + " failed");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  std::string hex;
  char b[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(b, sizeof b, "%02x", md[i]);
    hex += b;
  }
  return hex;
}

Status Append(LoadSession& s, std::span<const Transaction> rows) { return s.AppendTransactions(rows); }
Status Append(LoadSession& s, std::span<const Customer> rows) { return s.AppendCustomers(rows); }
Status Append(LoadSession& s, std::span<const Event> rows) { return s.AppendEvents(rows); }
bool HasTime(const Transaction&) { return true; }
bool HasTime(const Customer&) { return false; }
bool HasTime(const Event&) { return true; }
Timestamp TimeOf(const Transaction& r) { return r.ts; }
Timestamp TimeOf(const Customer&) { return 0; }
Timestamp TimeOf(const Event& r) { return r.ts; }

struct RunState {
  FingerprintSet customers;
};

template <typename Row>
Result<FileReport> IngestFile(Table table, const TableMapping& m, const std::string& mapping_path, const std::string& path,
                              Store* store, const IngestOptions& opt, RunState& run) {
  auto start = Clock::now();
  FileReport rep;
  rep.table = table;
  rep.path = path;
  CW_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path, m.dialect));
  rep.gzip = reader->gzip();

  CsvRecord rec;
  std::vector<std::string> header;
  bool have_first = false;
  CW_ASSIGN_OR_RETURN(bool any, reader->Next(rec));
  if (any && m.header) {
    for (auto f : rec.fields) header.emplace_back(ingest::TrimBlanks(f));
    CW_ASSIGN_OR_RETURN(any, reader->Next(rec));
  }
  have_first = any;
  if (!have_first && header.empty()) {
    // A zero-byte export is an empty load, not a mapping error about missing columns.
    rep.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return rep;
  }
  std::size_t field_count = !header.empty() ? header.size() : (have_first ? rec.fields.size() : 0);
  CW_ASSIGN_OR_RETURN(RowConverter conv, RowConverter::Create(table, m, header, field_count, mapping_path, opt.pii_key,
                                                              opt.apply_exclusions));

  ingest::RejectsWriter rejects(ingest::RejectsWriter::PathFor(path, opt.rejects_dir));
  CW_RETURN_IF_ERROR(rejects.Reset());

  std::unique_ptr<LoadSession> session;
  if (store != nullptr) {
    LoadInfo info;
    info.table = table;
    info.source_path = path;
    CW_ASSIGN_OR_RETURN(info.source_fingerprint, FileSha256(path));
    CW_ASSIGN_OR_RETURN(session, store->BeginLoad(info));
  }

  const std::size_t batch = std::max<std::size_t>(opt.batch_rows, 1);
  // Grown on demand (page faults are not free): a small file never pays for a full batch.
  std::vector<Row> rows;
  std::size_t n = 0;
  std::int64_t accepted = 0;
  FingerprintSet raw_seen, key_seen;
  if (have_first) {
    // Rows expected from the file size and the first record (gzip: ~5x compression).
    double row_bytes = static_cast<double>(std::max<std::size_t>(rec.raw.size() + 1, 16));
    double bytes = static_cast<double>(reader->file_size()) * (reader->gzip() ? 5.0 : 1.0);
    auto expected = static_cast<std::size_t>(std::min(bytes / row_bytes * 1.1, 2e9));
    if (m.duplicates == DuplicatePolicy::kSkip) raw_seen.Reserve(expected);
    key_seen.Reserve(expected);
    rows.reserve(std::min(batch, expected));
  }
  std::string keybuf;
  RejectInfo reject;
  IngestCounts& c = rep.counts;
  std::vector<std::int64_t> by_reason(kRejectReasonCount, 0), by_rule(m.exclude.size(), 0);
  auto last_progress = start;

  // RowKeys are assigned a batch at a time so the probes into key_seen can be prefetched
  // a few rows ahead. Distinct records with identical canonical content (e.g. two lines
  // differing only in an unmapped description, or kept duplicates) get their occurrence
  // number mixed in, so each is its own row and a re-load reproduces the same keys.
  auto assign_keys = [&] {
    for (std::size_t i = 0; i < n; ++i) {
      RowConverter::Serialise(rows[i], keybuf);
      rows[i].key = ingest::MakeRowKey(keybuf);
    }
    constexpr std::size_t kAhead = 8;
    for (std::size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) key_seen.Prefetch(rows[i + kAhead].key.lo);
      if (key_seen.Insert(rows[i].key.lo)) continue;
      RowConverter::Serialise(rows[i], keybuf);
      std::size_t base = keybuf.size();
      for (std::uint32_t k = 1;; ++k) {
        keybuf.resize(base);
        keybuf.append(reinterpret_cast<const char*>(&k), sizeof k);
        rows[i].key = ingest::MakeRowKey(keybuf);
        if (key_seen.Insert(rows[i].key.lo)) break;
      }
    }
  };
  auto flush = [&]() -> Status {
    assign_keys();
    if (n > 0 && session) CW_RETURN_IF_ERROR(Append(*session, std::span<const Row>(rows.data(), n)));
    n = 0;
    return Status::OK();
  };
  auto report_progress = [&](bool finished) {
    if (!opt.progress) return;
    IngestProgress p{table, path, reader->bytes_consumed(), reader->file_size(), c.rows_read,
                     std::chrono::duration<double>(Clock::now() - start).count(), finished};
    opt.progress(p);
  };

  for (bool more = have_first; more;) {
    ++c.rows_read;
    // The duplicate probe is prefetched now and made after conversion, hiding its cache miss.
    const bool skip_dups = m.duplicates == DuplicatePolicy::kSkip;
    std::uint64_t raw_fp = 0;
    if (skip_dups) {
      raw_fp = ingest::Hash64(rec.raw, kRawSeed);
      raw_seen.Prefetch(raw_fp);
    }

    RowOutcome outcome;
    int rule = -1;
    if (rec.unterminated_quote) {
      reject = {RejectReason::kUnterminatedQuote, "", {}, "a quoted field is not closed before the end of the file"};
      outcome = RowOutcome::kRejected;
    } else if (!ingest::IsValidUtf8(rec.raw)) {
      reject = {RejectReason::kBadUtf8, "", {}, "the record is not valid UTF-8 (convert the file to UTF-8)"};
      outcome = RowOutcome::kRejected;
    } else if (rec.fields.size() != conv.field_count()) {
      reject = {RejectReason::kWrongFieldCount, "", {},
                "expected " + std::to_string(conv.field_count()) + " fields, found " + std::to_string(rec.fields.size())};
      outcome = RowOutcome::kRejected;
    } else {
      if (n == rows.size()) rows.emplace_back();
      outcome = conv.Convert(rec, rows[n], reject, rule);
    }
    const bool dup = skip_dups && !raw_seen.Insert(raw_fp);
    if (dup) ++c.duplicates_skipped;

    if (outcome == RowOutcome::kRejected) {
      ++c.rows_rejected;
      ++by_reason[static_cast<std::size_t>(reject.reason)];
      if (dup) ++c.rejected_duplicates;
      CW_RETURN_IF_ERROR(rejects.Write(path, rec.line, reject.column, reject.value, reject.reason, reject.detail, rec.raw));
    } else if (dup) {
      // counted above; an exact repeat of a valid record adds nothing
    } else if (outcome == RowOutcome::kExcluded) {
      ++c.rows_excluded;
      ++by_rule[static_cast<std::size_t>(rule)];
    } else {
      const Row& row = rows[n];
      run.customers.Insert(ingest::Hash64(row.customer_id, kCustomerSeed));
      if (HasTime(row)) {
        Timestamp t = TimeOf(row);
        if (!rep.first_ts || t < *rep.first_ts) rep.first_ts = t;
        if (!rep.last_ts || t > *rep.last_ts) rep.last_ts = t;
      }
      ++accepted;
      if (++n == batch) CW_RETURN_IF_ERROR(flush());
    }

    if ((c.rows_read & 0x3fff) == 0 && opt.progress) {
      auto now = Clock::now();
      if (now - last_progress > std::chrono::milliseconds(100)) {
        last_progress = now;
        report_progress(false);
      }
    }
    CW_ASSIGN_OR_RETURN(more, reader->Next(rec));
  }
  CW_RETURN_IF_ERROR(flush());
  CW_RETURN_IF_ERROR(rejects.Close());
  if (session) {
    CW_ASSIGN_OR_RETURN(LoadCounts lc, session->Commit());
    c.rows_loaded = lc.inserted;
    c.already_present = lc.already_present;
  } else {
    c.rows_loaded = accepted;
  }
  for (int r = 0; r < kRejectReasonCount; ++r)
    if (by_reason[static_cast<std::size_t>(r)] > 0)
      c.rejected_by_reason[std::string(RejectReasonName(static_cast<RejectReason>(r)))] = by_reason[static_cast<std::size_t>(r)];
  for (std::size_t r = 0; r < by_rule.size(); ++r)
    if (by_rule[r] > 0) c.excluded_by_rule[m.exclude[r].name] += by_rule[r];
  if (rejects.used()) rep.rejects_file = rejects.path();
  rep.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  report_progress(true);
  return rep;
}

}  // namespace

Result<IngestReport> Ingest(const Mapping& mapping, const IngestInputs& inputs, Store* store, const IngestOptions& options) {
  struct Job {
    Table table;
    const char* name;
    std::string path;
  };
  // Customers first, so the transactions and events that follow can refer to them.
  std::vector<Job> jobs = {{Table::kCustomers, "customers", inputs.customers},
                           {Table::kTransactions, "transactions", inputs.transactions},
                           {Table::kEvents, "events", inputs.events}};
  // Files given by the caller win; the mapping's own files are used only when none is given.
  const bool explicit_inputs = !inputs.transactions.empty() || !inputs.customers.empty() || !inputs.events.empty();
  for (auto& j : jobs) {
    const TableMapping& tm = mapping.For(j.table);
    if (!explicit_inputs) j.path = tm.file;
    if (!j.path.empty() && !tm.present)
      return Status::InvalidArgument("an input for " + std::string(j.name) + " was given but the mapping " + mapping.path +
                                     " has no [" + j.name + "] section");
  }
  std::erase_if(jobs, [](const Job& j) { return j.path.empty(); });
  if (jobs.empty())
    return Status::InvalidArgument("nothing to ingest: give --transactions, --customers or --events, or name the files "
                                   "in the mapping ('file = ...')");
  for (const auto& j : jobs) {
    const TableMapping& tm = mapping.For(j.table);
    if (j.table == Table::kCustomers && options.pii_key.empty()) {
      for (const char* f : {"phone", "email", "name"})
        if (tm.Find(f) != nullptr)
          return Status::InvalidArgument("the mapping " + mapping.path + " maps the personal field customers." + f +
                                         ", which is stored only as an HMAC-SHA256 digest: set CHURNWATCH_PII_KEY or "
                                         "pass --pii-key-file FILE (raw personal data is never stored)");
    }
  }

  IngestReport report;
  RunState run;
  for (const auto& j : jobs) {
    const TableMapping& tm = mapping.For(j.table);
    Result<FileReport> r = j.table == Table::kTransactions ? IngestFile<Transaction>(j.table, tm, mapping.path, j.path, store, options, run)
                           : j.table == Table::kCustomers  ? IngestFile<Customer>(j.table, tm, mapping.path, j.path, store, options, run)
                                                           : IngestFile<Event>(j.table, tm, mapping.path, j.path, store, options, run);
    if (!r.ok()) return r.status().WithContext(std::string("ingesting ") + j.name + " from " + j.path);
    FileReport& f = *r;
    report.totals.Add(f.counts);
    if (f.first_ts && (!report.first_ts || *f.first_ts < *report.first_ts)) report.first_ts = f.first_ts;
    if (f.last_ts && (!report.last_ts || *f.last_ts > *report.last_ts)) report.last_ts = f.last_ts;
    report.files.push_back(std::move(f));
  }
  report.customers = static_cast<std::int64_t>(run.customers.size());
  return report;
}

}  // namespace churnwatch
