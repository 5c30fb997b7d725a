#pragma once
/// \file ingest.h
/// Loading a retailer's CSV exports into a store (`churnwatch ingest`).
///
/// Each input file is read with CsvReader, mapped row by row onto canonical rows by a
/// Mapping, and appended in batches to one store LoadSession that is committed at the end
/// of the file (a load is atomic per file). Bad rows are written to a rejects file with
/// their line, column, raw value and reason; exact repeats of a record inside a file are
/// loaded as rows of their own and counted (`duplicates_kept`), or counted and skipped
/// (DuplicatePolicy); rows matching an exclusion rule are counted by rule. Counts always
/// satisfy
///
///     rows_read = rows_loaded + already_present + rows_rejected
///               + duplicates_skipped - rejected_duplicates + rows_excluded
///
/// (a duplicate of an invalid record is counted both as rejected and as a duplicate; the
/// overlap is `rejected_duplicates`).
///
/// Personal fields of customers (phone, email, name) are replaced by HMAC-SHA256 hex digests
/// under a secret key before anything reaches the store; without a key such a mapping is
/// refused.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/mapping.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"
#include "churnwatch/types.h"

namespace churnwatch {

/// Why a row was rejected: a closed set; the snake_case names appear in rejects files and in
/// the `rejected_by_reason` JSON object.
enum class RejectReason : std::uint8_t {
  kMissingCustomerId = 0,  ///< customer_id empty
  kMissingField,           ///< another required field (ts, amount, quantity, type, ...) empty
  kBadDate,                ///< a date/time matches none of the formats, or is not a real date
  kBadNumber,              ///< a numeric field or expression operand is not a number (or / 0)
  kWrongFieldCount,        ///< the record has a different number of fields than the header
  kUnterminatedQuote,      ///< a quoted field is never closed before the end of the file
  kBadChannel,             ///< channel is none of store, online, app, other
  kBadEventType,           ///< event type is none of SPEC.md §3's types
  kBadBoolean,             ///< is_return is none of true/false/1/0/yes/no/y/n/t/f
  kBadUtf8,                ///< the record is not valid UTF-8
};
inline constexpr int kRejectReasonCount = 10;
std::string_view RejectReasonName(RejectReason reason);

/// Progress of one file, reported to IngestOptions::progress about 10 times a second.
struct IngestProgress {
  Table table = Table::kTransactions;
  std::string path;
  std::uint64_t bytes_done = 0;   ///< bytes of the file consumed (compressed size for gzip)
  std::uint64_t bytes_total = 0;
  std::int64_t rows_read = 0;
  double elapsed_seconds = 0;
  bool finished = false;          ///< the last report for this file
};

struct IngestOptions {
  /// Folder for rejects files; empty = next to each input (`<input>.rejects.csv`), or the
  /// current directory when the input's folder is read-only.
  std::string rejects_dir;
  /// HMAC key for personal fields; empty = none (a mapping with phone/email/name then fails).
  /// At least kMinPiiKeyBytes long when given (else kInvalidArgument).
  std::string pii_key;
  /// false = ignore the mapping's exclusion rules (load those rows like any other).
  bool apply_exclusions = true;
  /// Refuse a file when more than this share (0..1) of its rows is rejected: nothing of it
  /// is loaded, its rejects file is written, and Ingest returns kDataError naming the
  /// share and the top reasons. Negative = no limit (the default of `ingest`; `run` uses
  /// its config's `[ingest] max_rejected_share`, 0.05 by default). A file of which every
  /// row is rejected (a wrong date_format, a wrong delimiter) is refused whatever the limit.
  double max_rejected_share = -1;
  std::size_t batch_rows = 16384;  ///< rows per Append* call
  /// Threads converting records (thread_pool.h) while the calling thread reads the file and
  /// merges their chunks in file order; the load is the same for any count.
  int threads = 2;
  std::function<void(const IngestProgress&)> progress;
};

/// Counts for one input file (and, summed, for a run).
struct IngestCounts {
  std::int64_t rows_read = 0;            ///< records in the file (header and blank lines excluded)
  std::int64_t rows_loaded = 0;          ///< rows new to the store
  std::int64_t already_present = 0;      ///< valid rows the store already had (re-load)
  std::int64_t rows_rejected = 0;        ///< written to the rejects file
  std::int64_t duplicates_skipped = 0;   ///< exact repeats of an earlier record in the same file
  std::int64_t rejected_duplicates = 0;  ///< duplicates that were also rejected (counted in both)
  std::int64_t rows_excluded = 0;        ///< matched an exclusion rule
  /// Exact repeats of an earlier valid record in the same file that were loaded as rows of
  /// their own (duplicates = "keep", the default): reported, not lost.
  std::int64_t duplicates_kept = 0;
  std::map<std::string, std::int64_t> rejected_by_reason;
  std::map<std::string, std::int64_t> excluded_by_rule;
  void Add(const IngestCounts& other);
};

struct FileReport {
  Table table = Table::kTransactions;
  std::string path;
  std::string rejects_file;  ///< empty when the file had no rejected rows
  bool gzip = false;
  double seconds = 0;
  IngestCounts counts;
  std::optional<Timestamp> first_ts, last_ts;  ///< over accepted rows (transactions, events)
};

struct IngestReport {
  IngestCounts totals;
  /// Distinct customer ids among the accepted (loaded or already present) rows of this run.
  std::int64_t customers = 0;
  std::optional<Timestamp> first_ts, last_ts;
  std::vector<FileReport> files;
};

/// Which files to load. When all are empty, the files the mapping names (`file = ...`).
struct IngestInputs {
  std::string transactions;
  std::string customers;
  std::string events;
};

/// Loads the inputs into `store` (one atomic load per file, customers first so events and
/// transactions follow them). With `store == nullptr` everything is read, converted,
/// counted and rejected as usual but nothing is stored (used by the parse benchmark);
/// every accepted row then counts as loaded.
///
/// Errors: kInvalidArgument when no input is given or a table's input has no section in
/// the mapping, or personal fields are mapped without `pii_key`; kNotFound naming a missing
/// input; kDataError when a named column is not in the file's header (naming the mapping
/// line and the header), or when a file's rejected share passes
/// IngestOptions::max_rejected_share (RejectShareError); kIOError when a rejects file
/// cannot be written; store errors as the store returns them. A failed file leaves the store
/// as before that file; files before it stay loaded.
Result<IngestReport> Ingest(const Mapping& mapping, const IngestInputs& inputs, Store* store,
                            const IngestOptions& options);

/// The kDataError for a file whose rejected share passes `max_share` (or of which every row
/// was rejected), e.g. "20,780 of 38,776 rows rejected (53.6 %, more than the 5 % allowed):
/// bad_number 20,700, bad_date 80; nothing of this file was loaded: ..." (Ingest adds the
/// file and its rejects file); OK when the share is within it (or max_share < 0).
Status RejectShareError(const FileReport& file, double max_share);

/// Shortest PII key accepted (by ResolvePiiKey and by Ingest): a short key could be found
/// by brute force from the digests of guessable values such as phone numbers; 16 bytes is
/// the 128-bit floor of NIST SP 800-107 for HMAC keys.
inline constexpr std::size_t kMinPiiKeyBytes = 16;

/// The PII key from `key_file` (first line, trimmed) if given, else from the environment
/// variable CHURNWATCH_PII_KEY, else empty. kNotFound / kInvalidArgument for a missing or
/// empty key file; kInvalidArgument for a key shorter than kMinPiiKeyBytes.
Result<std::string> ResolvePiiKey(const std::string& key_file);

/// HMAC-SHA256 of `normalised` under `key`, as 64 lower-case hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view normalised);

}  // namespace churnwatch
