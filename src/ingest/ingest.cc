// The ingest driver: one atomic store load per input file. The file is read in chunks of
// whole records; worker threads convert each chunk (structural checks for quote, UTF-8 and
// field count, conversion, exclusion, RowKey, rejects rows), and this thread merges the
// chunks in file order (duplicate check on the raw bytes, counts, key collisions, the
// rejects file, the store). Chunks and their row vectors are reused, so after the first
// few chunks the loop allocates nothing but what the store does.
#include "churnwatch/platform.h"
#include "churnwatch/ingest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

#include "churnwatch/csv_reader.h"
#include "churnwatch/thread_pool.h"
#include "churnwatch/fingerprint.h"
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
  duplicates_kept += o.duplicates_kept;
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
  return HexLower(std::span<const unsigned char>(md, len));
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

// A run of whole records converted on a worker thread, merged into the load in file order.
template <typename Row>
struct Chunk {
  struct Rec {
    std::uint64_t raw_fp = 0;   // duplicate fingerprint of the raw record
    std::uint64_t cust_fp = 0;  // accepted rows: fingerprint of the customer id
    std::uint32_t row = 0;      // accepted rows: index into `rows`
    RowOutcome outcome = RowOutcome::kAccepted;
    int code = 0;               // the reject reason, or the exclusion rule
  };
  std::string bytes;      // the run's storage when the reader cannot hand out a view
  std::string_view run;   // the run: into the mapped file, or `bytes`
  std::int64_t first_line = 0;
  std::vector<Row> rows;  // converted rows, keys made from their content
  std::vector<Rec> recs;  // one per record, in file order
  std::string rejects;    // rejects rows, formatted
  std::int64_t reject_rows = 0;
  ThreadPool::JobHandle job;  // its conversion on the pool
};

// Converts chunks: one per worker thread, each with its own converter and scanner.
template <typename Row>
struct ChunkWorker {
  RowConverter conv;
  std::unique_ptr<CsvReader> reader;
  CsvRecord rec;
  std::string keybuf;
  RejectInfo reject;
  std::string redacted;  // a rejected record without its personal values

  void Run(Chunk<Row>& c, const std::string& path) {
    reader->Reset(c.run, c.first_line);
    c.recs.clear();
    c.rejects.clear();
    c.reject_rows = 0;
    std::uint32_t n = 0;
    for (;;) {
      Result<bool> more = reader->Next(rec);  // a reader over memory cannot fail
      if (!more.ok() || !*more) break;
      typename Chunk<Row>::Rec r;
      r.raw_fp = ingest::Hash64(rec.raw, kRawSeed);  // exact repeats are counted even when kept
      int rule = -1;
      if (rec.unterminated_quote) {
        reject = {RejectReason::kUnterminatedQuote, "", {}, "a quoted field is not closed before the end of the file"};
        r.outcome = RowOutcome::kRejected;
      } else if (!ingest::IsValidUtf8(rec.raw)) {
        reject = {RejectReason::kBadUtf8, "", {}, "the record is not valid UTF-8 (convert the file to UTF-8)"};
        r.outcome = RowOutcome::kRejected;
      } else if (rec.fields.size() != conv.field_count()) {
        reject = {RejectReason::kWrongFieldCount, "", {},
                  "expected " + std::to_string(conv.field_count()) + " fields, found " + std::to_string(rec.fields.size())};
        r.outcome = RowOutcome::kRejected;
      } else {
        if (n == c.rows.size()) c.rows.emplace_back();
        r.outcome = conv.Convert(rec, c.rows[n], reject, rule);
      }
      if (r.outcome == RowOutcome::kRejected) {
        r.code = static_cast<int>(reject.reason);
        // The store never holds raw personal data, and neither does the rejects file: the
        // line number still leads the user to the row in their own file.
        std::string_view raw = rec.raw, value = reject.value;
        if (conv.has_personal_columns()) {
          conv.RedactRecord(rec, redacted);
          raw = redacted;
          if (conv.IsPersonalColumn(reject.column)) value = ingest::kPersonalMarker;
        }
        ingest::RejectsWriter::Format(c.rejects, path, rec.line, reject.column, value, reject.reason, reject.detail, raw);
        ++c.reject_rows;
      } else if (r.outcome == RowOutcome::kExcluded) {
        r.code = rule;
      } else {
        Row& row = c.rows[n];
        RowConverter::Serialise(row, keybuf);
        row.key = ingest::MakeRowKey(keybuf);
        r.cust_fp = ingest::Hash64(row.customer_id, kCustomerSeed);
        r.row = n++;
      }
      c.recs.push_back(r);
    }
  }
};

// Converters handed to whichever pool helper takes a chunk: a helper borrows an idle one
// for the chunk and gives it back, so each converter (its reader and buffers) is used by
// one thread at a time.
template <typename Row>
class ConverterShelf {
 public:
  explicit ConverterShelf(std::vector<ChunkWorker<Row>>& workers) {
    for (auto& w : workers) idle_.push_back(&w);
  }
  void Convert(Chunk<Row>& chunk, const std::string& path) {
    ChunkWorker<Row>* w = nullptr;
    {
      std::lock_guard lock(mu_);
      w = idle_.back();
      idle_.pop_back();
    }
    struct GiveBack {
      ConverterShelf* shelf;
      ChunkWorker<Row>* w;
      ~GiveBack() {
        std::lock_guard lock(shelf->mu_);
        shelf->idle_.push_back(w);
      }
    } give_back{this, w};
    w->Run(chunk, path);
  }

 private:
  std::mutex mu_;
  std::vector<ChunkWorker<Row>*> idle_;
};

// Bytes per chunk: big enough to amortise the hand-over, small enough that both cores
// finish together and memory stays a few MiB per chunk in flight.
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;

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
    // A header in another encoding (a GBK export from a Chinese till, a Latin-1 one) would
    // otherwise surface as a garbled "column not in the header" and every row as bad_utf8.
    if (!ingest::IsValidUtf8(rec.raw))
      return Status::DataError(path + ":" + std::to_string(rec.line) + ": the header is not valid UTF-8 (" + ingest::EscapeForMessage(rec.raw.substr(0, 120), false) +
                               "): the file is in another encoding (GBK, GB18030, Big5, Latin-1, ...); convert it to "
                               "UTF-8 first, e.g. " +
                               (reader->gzip() ? "zcat " + path + " | iconv -f GBK -t UTF-8 > utf8.csv"
                                               : "iconv -f GBK -t UTF-8 " + path + " > utf8.csv"));
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
  // A file that fails part-way (a truncated gzip, a store error) loads nothing, so it leaves
  // no rejects file either: one from its first part would describe rows never loaded.
  struct DiscardRejectsOnFailure {
    ingest::RejectsWriter& w;
    bool loaded = false;
    ~DiscardRejectsOnFailure() {
      if (!loaded) w.Discard();
    }
  } rejects_guard{rejects};

  // The file's SHA-256 (the load log's fingerprint) is computed on its own thread while the
  // file is converted and merged, and handed to the session just before it commits: the
  // session begins with the first merged rows without waiting for it (on two busy cores the
  // hash of a 50 MB file held up the first merge by 30-100 ms).
  std::unique_ptr<LoadSession> session;
  std::future<Result<std::string>> fingerprint;
  if (store != nullptr) fingerprint = std::async(std::launch::async, [&path] { return FileSha256(path); });
  auto begin_session = [&]() -> Status {
    if (session || store == nullptr) return Status::OK();
    LoadInfo info;
    info.table = table;
    info.source_path = path;
    CW_ASSIGN_OR_RETURN(session, store->BeginLoad(info));
    return Status::OK();
  };

  const std::size_t batch = std::max<std::size_t>(opt.batch_rows, 1);
  const bool skip_dups = m.duplicates == DuplicatePolicy::kSkip;
  std::int64_t accepted = 0;
  FingerprintSet raw_seen, key_seen;
  std::size_t expected_rows = 0;
  if (have_first) {
    // Rows expected from the file size and the first record (gzip: ~5x compression).
    double row_bytes = static_cast<double>(std::max<std::size_t>(rec.raw.size() + 1, 16));
    double bytes = static_cast<double>(reader->file_size()) * (reader->gzip() ? 5.0 : 1.0);
    expected_rows = static_cast<std::size_t>(std::min(bytes / row_bytes * 1.1, 2e9));
    reader->Unread();  // the first record is read again with the rest
  }
  std::string keybuf;
  IngestCounts& c = rep.counts;
  std::vector<std::int64_t> by_reason(kRejectReasonCount, 0), by_rule(m.exclude.size(), 0);
  auto last_progress = start;
  auto report_progress = [&](bool finished) {
    if (!opt.progress) return;
    IngestProgress p{table, path, reader->bytes_consumed(), reader->file_size(), c.rows_read,
                     std::chrono::duration<double>(Clock::now() - start).count(), finished};
    opt.progress(p);
  };

  // Records are converted in chunks on worker threads; this thread reads the chunks and
  // merges them in file order: duplicate detection, counts, rejects, RowKeys and the store
  // all see the records in exactly the order of the file, as a single-threaded read would.
  const std::size_t threads = static_cast<std::size_t>(std::max(1, opt.threads));
  std::vector<ChunkWorker<Row>> workers;
  for (std::size_t i = 0; i < threads; ++i) {
    CW_ASSIGN_OR_RETURN(RowConverter wc, RowConverter::Create(table, m, header, field_count, mapping_path, opt.pii_key,
                                                              opt.apply_exclusions));
    workers.push_back(ChunkWorker<Row>{std::move(wc), CsvReader::ForMemory(m.dialect), {}, {}, {}, {}});
  }
  std::vector<std::unique_ptr<Chunk<Row>>> slots(threads + 2);
  std::vector<Chunk<Row>*> free_slots;
  for (auto& s : slots) {
    s = std::make_unique<Chunk<Row>>();
    free_slots.push_back(s.get());
  }
  ConverterShelf<Row> shelf(workers);
  // `threads` helpers convert while this thread reads and merges. Declared last: its
  // helpers finish and join before anything they use goes.
  ThreadPool pool(static_cast<int>(threads) + 1);

  // Distinct records with identical canonical content (e.g. two lines differing only in an
  // unmapped description, or kept duplicates) get their occurrence number mixed into the
  // RowKey, so each is its own row and a re-load reproduces the same keys.
  auto merge = [&](Chunk<Row>& ch) -> Status {
    std::size_t kept = 0;
    const std::size_t nrec = ch.recs.size();
    constexpr std::size_t kAhead = 8;
    for (std::size_t i = 0; i < nrec; ++i) {
      if (i + kAhead < nrec) {
        const auto& ahead = ch.recs[i + kAhead];
        raw_seen.Prefetch(ahead.raw_fp);
        if (ahead.outcome == RowOutcome::kAccepted) key_seen.Prefetch(ch.rows[ahead.row].key.lo);
      }
      const auto& r = ch.recs[i];
      ++c.rows_read;
      const bool repeat = !raw_seen.Insert(r.raw_fp);
      const bool dup = skip_dups && repeat;
      if (dup) ++c.duplicates_skipped;
      if (repeat && !skip_dups && r.outcome == RowOutcome::kAccepted) ++c.duplicates_kept;
      if (r.outcome == RowOutcome::kRejected) {
        ++c.rows_rejected;
        ++by_reason[static_cast<std::size_t>(r.code)];
        if (dup) ++c.rejected_duplicates;
      } else if (dup) {
        // counted above; an exact repeat of a valid record adds nothing
      } else if (r.outcome == RowOutcome::kExcluded) {
        ++c.rows_excluded;
        ++by_rule[static_cast<std::size_t>(r.code)];
      } else {
        Row& row = ch.rows[r.row];
        run.customers.Insert(r.cust_fp);
        if (HasTime(row)) {
          Timestamp t = TimeOf(row);
          if (!rep.first_ts || t < *rep.first_ts) rep.first_ts = t;
          if (!rep.last_ts || t > *rep.last_ts) rep.last_ts = t;
        }
        if (!key_seen.Insert(row.key.lo)) {
          RowConverter::Serialise(row, keybuf);
          std::size_t base = keybuf.size();
          for (std::uint32_t k = 1;; ++k) {
            keybuf.resize(base);
            keybuf.append(reinterpret_cast<const char*>(&k), sizeof k);
            row.key = ingest::MakeRowKey(keybuf);
            if (key_seen.Insert(row.key.lo)) break;
          }
        }
        if (r.row != kept) std::swap(ch.rows[kept], row);
        ++kept;
        ++accepted;
      }
    }
    CW_RETURN_IF_ERROR(rejects.WriteFormatted(ch.rejects, ch.reject_rows));
    CW_RETURN_IF_ERROR(begin_session());
    if (session)
      for (std::size_t off = 0; off < kept; off += batch)
        CW_RETURN_IF_ERROR(Append(*session, std::span<const Row>(ch.rows.data() + off, std::min(batch, kept - off))));
    return Status::OK();
  };

  std::deque<Chunk<Row>*> inflight;
  bool input_done = !have_first;
  bool reserved = !have_first;
  for (;;) {
    while (!input_done && !free_slots.empty()) {
      Chunk<Row>* ch = free_slots.back();
      CW_ASSIGN_OR_RETURN(bool got, reader->NextChunk(ch->bytes, ch->run, ch->first_line, kChunkBytes));
      if (!got) {
        input_done = true;
        break;
      }
      free_slots.pop_back();
      ch->job = pool.Submit([&shelf, ch, &path] { shelf.Convert(*ch, path); });
      inflight.push_back(ch);
    }
    if (!reserved) {
      // Sized up front, sparing the rehashes, but only once the workers have chunks to
      // convert: zeroing the tables is megabytes of fresh memory, slow to touch on a VM.
      raw_seen.Reserve(expected_rows);
      key_seen.Reserve(expected_rows);
      reserved = true;
    }
    if (inflight.empty()) break;
    Chunk<Row>* ch = inflight.front();
    inflight.pop_front();
    CW_RETURN_IF_ERROR(pool.Wait(ch->job));
    CW_RETURN_IF_ERROR(merge(*ch));
    reader->Release(ch->run);  // merged rows own their text; the run's pages can go
    free_slots.push_back(ch);
    if (opt.progress) {
      auto now = Clock::now();
      if (now - last_progress > std::chrono::milliseconds(100)) {
        last_progress = now;
        report_progress(false);
      }
    }
  }
  CW_RETURN_IF_ERROR(rejects.Close());
  for (int r = 0; r < kRejectReasonCount; ++r)
    if (by_reason[static_cast<std::size_t>(r)] > 0)
      c.rejected_by_reason[std::string(RejectReasonName(static_cast<RejectReason>(r)))] = by_reason[static_cast<std::size_t>(r)];
  if (Status refused = RejectShareError(rep, opt.max_rejected_share); !refused.ok()) {
    // Nothing of the file is loaded (the session is dropped uncommitted), but its rejects
    // file is, since that is what the user reads to fix the mapping or the export.
    session.reset();
    CW_RETURN_IF_ERROR(rejects.Publish());
    rejects_guard.loaded = true;
    if (rejects.used()) refused = Status(refused.code(), refused.message() + " (rejected rows: " + rejects.path() + ")");
    return refused;
  }
  CW_RETURN_IF_ERROR(begin_session());
  if (session) {
    CW_ASSIGN_OR_RETURN(std::string sha256, fingerprint.get());
    CW_RETURN_IF_ERROR(session->SetSourceFingerprint(sha256));
    CW_ASSIGN_OR_RETURN(LoadCounts lc, session->Commit());
    c.rows_loaded = lc.inserted;
    c.already_present = lc.already_present;
  } else {
    c.rows_loaded = accepted;
  }
  rejects_guard.loaded = true;
  CW_RETURN_IF_ERROR(rejects.Publish());
  for (std::size_t r = 0; r < by_rule.size(); ++r)
    if (by_rule[r] > 0) c.excluded_by_rule[m.exclude[r].name] += by_rule[r];
  if (rejects.used()) rep.rejects_file = rejects.path();
  rep.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  report_progress(true);
  return rep;
}

}  // namespace

Status RejectShareError(const FileReport& file, double max_share) {
  const IngestCounts& c = file.counts;
  if (c.rows_read == 0 || c.rows_rejected == 0) return Status::OK();
  const double share = static_cast<double>(c.rows_rejected) / static_cast<double>(c.rows_read);
  const bool all = c.rows_rejected == c.rows_read;
  if (!all && (max_share < 0 || share <= max_share)) return Status::OK();
  std::vector<std::pair<std::int64_t, std::string>> reasons;
  for (const auto& [reason, n] : c.rejected_by_reason) reasons.emplace_back(n, reason);
  std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string top;
  for (std::size_t i = 0; i < reasons.size() && i < 3; ++i)
    top += (i == 0 ? "" : ", ") + reasons[i].second + " " + FormatCount(reasons[i].first);
  char pct[32];
  std::snprintf(pct, sizeof pct, "%.1f %%", 100.0 * share);
  std::string limit;
  if (all) {
    limit = "every row";
  } else {
    char lim[32];
    std::snprintf(lim, sizeof lim, "%g %%", 100.0 * max_share);
    limit = "more than the " + std::string(lim) + " allowed";
  }
  return Status::DataError(FormatCount(c.rows_rejected) + " of " + FormatCount(c.rows_read) +
                           " rows rejected (" + pct + ", " + limit + "): " + top +
                           "; nothing of this file was loaded: fix the mapping (date_format, delimiter, "
                           "currency_symbols, thousands, ...) or the export and load it again" +
                           (all ? std::string()
                                : ", or raise the limit (run: [ingest] max_rejected_share; ingest: --max-rejected-share)"));
}

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
  if (!options.pii_key.empty() && options.pii_key.size() < kMinPiiKeyBytes)
    return Status::InvalidArgument("the PII key is " + std::to_string(options.pii_key.size()) + " bytes; it must be at least " +
                                   std::to_string(kMinPiiKeyBytes) + " (generate one with: openssl rand -hex 32)");
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
