#pragma once
/// \file store.h
/// One store interface, two implementations: SQLite (embedded default) and PostgreSQL.
/// The store holds the canonical tables (no raw personal data), derived result tables and
/// small JSON documents (model registry, run reports). Schema is versioned by migrations.
///
/// Thread safety: a Store is used from one thread at a time unless a method says otherwise.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "churnwatch/bucket.h"
#include "churnwatch/data_model.h"
#include "churnwatch/status.h"

namespace churnwatch {

enum class Table { kTransactions, kCustomers, kEvents };
std::string_view TableName(Table t);  ///< "transactions", "customers", "events"

/// Describes one file being loaded (recorded in the store's load log).
struct LoadInfo {
  Table table = Table::kTransactions;
  std::string source_path;
  std::string source_fingerprint;  ///< e.g. SHA-256 of the file bytes
};

struct LoadCounts {
  std::int64_t inserted = 0;         ///< rows new to the store
  std::int64_t already_present = 0;  ///< rows whose RowKey the store already had (re-load)
};

/// An open, atomic load: everything appended becomes visible at Commit() or not at all.
/// Destroying an uncommitted session rolls it back; a killed process leaves no trace of it.
/// Rows whose RowKey the table already holds (or that repeat within the session) are not
/// inserted again, only counted, so loading the same file twice adds nothing.
///
/// A session is one database transaction on its Store's connection: it must not outlive
/// the Store, only one can be open per Store at a time, and other calls on that Store while
/// it is open are not supported (open a second Store instead). Memory stays bounded: a
/// session copies appended rows into at most a fixed-size buffer (SQLite: 64 MiB, inserted
/// in key order when full and at Commit), so callers stream batches of any size and may
/// reuse them once Append returns.
class LoadSession {
 public:
  virtual ~LoadSession() = default;
  /// Appends rows of the session's table. Appending another table's rows, or appending
  /// after Commit, is kInvalidArgument; a transaction with NaN amount or quantity is
  /// kDataError naming its key and order; a database failure is kIOError / kUnavailable /
  /// kInternal naming the store. After a failed append, destroy the session (rollback).
  virtual Status AppendTransactions(std::span<const Transaction> rows) = 0;
  virtual Status AppendCustomers(std::span<const Customer> rows) = 0;
  virtual Status AppendEvents(std::span<const Event> rows) = 0;
  /// Replaces the source fingerprint given to BeginLoad in the load log, for callers that
  /// only have it after appending began (ingest hashes the file while it parses it). It is
  /// written with Commit, in the same transaction. After Commit: kInvalidArgument.
  virtual Status SetSourceFingerprint(std::string_view fingerprint) = 0;
  /// Makes every appended row visible at once and records the load in the store's load log.
  /// Returns how many rows were new and how many were already present.
  virtual Result<LoadCounts> Commit() = 0;
};

/// A derived table (features, scores, alerts, action lists): named columns, each either
/// numeric (NaN = missing) or text. Stored and replaced whole, atomically.
struct ResultColumn {
  std::string name;
  bool is_text = false;
  std::vector<double> numbers;
  std::vector<std::string> texts;
};
struct ResultTable {
  std::vector<ResultColumn> columns;
  std::size_t rows() const {
    if (columns.empty()) return 0;
    return columns[0].is_text ? columns[0].texts.size() : columns[0].numbers.size();
  }
};

/// A value bound to a statement parameter ($1, $2, ... in order of first appearance).
/// Blobs are raw bytes (SQLite BLOB, PostgreSQL bytea); std::monostate and NaN are NULL.
struct SqlBlob {
  std::string bytes;
};
using SqlParam = std::variant<std::monostate, std::int64_t, double, std::string, SqlBlob>;
/// One result row: each column as text (integers in decimal, NULL as "" with is_null set).
struct SqlRow {
  std::vector<std::string> values;
  std::vector<bool> is_null;
  const std::string& operator[](std::size_t i) const { return values[i]; }
  std::int64_t Int(std::size_t i) const;  ///< 0 for NULL or text that is not an integer
  double Number(std::size_t i) const;     ///< NaN for NULL
};

/// A transaction open on a Store, for the service tables (service_store.h). Statements are
/// prepared once per connection and run with bound parameters only: values never become
/// SQL text. Placeholders are $1, $2, ... (both dialects), each first used in ascending
/// order. A failed statement leaves the transaction to be rolled back by its owner.
class SqlTxn {
 public:
  virtual ~SqlTxn() = default;
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql, std::span<const SqlParam> params) = 0;
  /// Runs a statement and returns how many rows it changed.
  virtual Result<std::int64_t> Execute(std::string_view sql, std::span<const SqlParam> params) = 0;
  virtual std::string_view Dialect() const = 0;  ///< "sqlite" or "postgresql"
};

/// One customer's place in a campaign (docs/campaign.md): which arm, and the action the
/// customer gets (treated) or would have got (control; empty when the control group is a
/// plain no-contact group, as in an imported experiment). `observed` holds outcomes
/// recorded outside the store (an imported experiment: numbers joined by ',', in the order
/// of the campaign's observed metrics); empty when outcomes come from later orders.
struct CampaignAssignmentRow {
  std::string customer_id;
  bool control = false;
  std::string action;
  std::string channel;
  std::string cause;       ///< reason category key of the customer's first reason, or empty
  std::string zone;
  std::string value_tier;
  double cost = 0;         ///< cost of the action (paid only for the treated)
  std::string observed;
};

template <typename Row>
using RowSink = std::function<Status(std::span<const Row>)>;

/// What closing a Store does with a new SQLite store (a `sqlite:PATH` whose file did not
/// exist when it was opened) that nothing was ever written to: no load committed, no result
/// table or document stored. (Anything written makes the store appear at PATH at once.)
enum class UnwrittenNewStore {
  kKeep,     ///< it appears at PATH as an empty, migrated store
  kDiscard,  ///< it is removed: PATH still does not exist (a failed first `churnwatch ingest`)
};

class Store {
 public:
  /// Opens `sqlite:PATH` or `postgresql://...` (also `postgres://`) and applies pending
  /// migrations. Unknown schemes, an empty path and malformed PostgreSQL URLs are
  /// kInvalidArgument; a missing directory kIOError; a file that is not a database, or a
  /// schema newer than this build, kDataError; an unreachable server kUnavailable with the
  /// server's message. Messages never show a URL's password. See docs/store.md.
  /// `unwritten` says what closing does with a new SQLite store nothing was written to
  /// (PostgreSQL: no effect).
  static Result<std::unique_ptr<Store>> Open(std::string_view url, UnwrittenNewStore unwritten = UnwrittenNewStore::kKeep);
  /// As Open, for commands that only read: a `sqlite:PATH` whose file does not exist is
  /// kNotFound (saying to load data first) instead of becoming a new, empty store.
  static Result<std::unique_ptr<Store>> OpenExisting(std::string_view url);

  virtual ~Store() = default;
  virtual std::string_view Backend() const = 0;  ///< "sqlite" or "postgresql"
  virtual int SchemaVersion() const = 0;

  virtual Result<std::unique_ptr<LoadSession>> BeginLoad(const LoadInfo& info) = 0;

  /// Streams every row of a table in batches of at most 65,536 rows, in row-key order on
  /// both backends, so that a run gives the same numbers on either. The order reaches the
  /// results: the lines of one order (same customer, day and order id) stay in scan order,
  /// product and category codes are numbered as first seen, and float sums over them then
  /// differ in the last bits; the Gamma-Gamma fit of CLV is flat enough to turn that into
  /// different CLVs (money at risk of the demo differed by 1.3 % when PostgreSQL scanned in
  /// insertion order and SQLite in row-key order).
  /// A sink error stops the scan and is returned. The sink must not call into this Store.
  virtual Status ScanTransactions(const RowSink<Transaction>& sink) = 0;
  virtual Status ScanCustomers(const RowSink<Customer>& sink) = 0;
  virtual Status ScanEvents(const RowSink<Event>& sink) = 0;
  virtual Result<std::int64_t> CountRows(Table table) = 0;

  /// Customer buckets (bucket.h). Every loaded row stores its customer's bucket, computed
  /// at load with this store's bucket count B (`store_settings`, fixed when the store is
  /// created; 1024). A store without buckets reports kDefaultBucketCount.
  virtual Result<std::uint32_t> BucketCount() { return kDefaultBucketCount; }
  /// Restricts every later Scan* and CountRows of this Store object to rows whose bucket
  /// lies in `range` (std::nullopt: all rows again). A PostgreSQL store reads only the
  /// partitions that hold those buckets. An empty or out-of-range range is
  /// kInvalidArgument; a store without buckets returns kInvalidArgument.
  virtual Status SetScanBuckets(std::optional<BucketRange> range) {
    if (!range) return Status::OK();
    return Status::InvalidArgument("this store does not keep customer buckets");
  }

  /// Stream intake (scale/kafka_intake): events read from one partition of a topic,
  /// applied together with the partition's new read position. PostgreSQL only; other
  /// stores return kInvalidArgument.
  ///
  /// The next offset to read of (topic, partition); 0 for a partition never read.
  virtual Result<std::int64_t> StreamOffset(std::string_view topic, int partition) {
    (void)topic, (void)partition;
    return Status::InvalidArgument("stream intake needs a PostgreSQL store");
  }
  /// In ONE transaction: inserts `events` into the events table (rows already there are
  /// skipped), adds them to each customer's stream state (stream_customer_state: event
  /// count, last event time, the consumer that applied them), logs the batch
  /// (stream_batches) and moves the partition's offset from `first_offset` to
  /// `next_offset`. If the stored offset is already past `first_offset` (another consumer
  /// applied these messages after a rebalance), nothing is written and the result is
  /// false: so a replayed or doubly delivered message is never applied twice.
  struct StreamBatch {
    std::string topic;
    int partition = 0;
    std::int64_t first_offset = 0;  ///< offset of the first message of the batch
    std::int64_t next_offset = 0;   ///< one past the last message
    std::string consumer;           ///< name of the applying consumer (for the audit log)
    std::vector<Event> events;
  };
  virtual Result<bool> ApplyStreamBatch(const StreamBatch& batch) {
    (void)batch;
    return Status::InvalidArgument("stream intake needs a PostgreSQL store");
  }

  /// Derived tables, replaced atomically as a whole. `name`: letters, digits and '_' (1–48);
  /// columns: unique names of 1–63 bytes, all the same length (else kInvalidArgument).
  virtual Status ReplaceResultTable(std::string_view name, const ResultTable& table) = 0;
  virtual Result<ResultTable> ReadResultTable(std::string_view name) = 0;  ///< kNotFound if absent

  /// Small JSON documents by (collection, key): model registry, run reports, settings.
  /// Put overwrites; Get of an absent key is an empty optional; keys list in byte order.
  virtual Status PutDocument(std::string_view collection, std::string_view key, std::string_view json) = 0;
  virtual Result<std::optional<std::string>> GetDocument(std::string_view collection, std::string_view key) = 0;
  virtual Result<std::vector<std::string>> ListDocumentKeys(std::string_view collection) = 0;

  /// Runs `body` inside one database transaction (SQLite BEGIN IMMEDIATE, so writers are
  /// serialised; PostgreSQL READ COMMITTED): committed when `body` returns OK and the commit
  /// succeeds, rolled back otherwise (also when `body` throws). Returns body's failure, or the
  /// commit's. Must not be called while a LoadSession is open on this Store, nor nested.
  /// Stores without service tables (test doubles) return kUnavailable.
  virtual Status InTransaction(const std::function<Status(SqlTxn&)>& body);
  /// Campaigns (tables `campaigns` and `campaign_assignments`): a campaign and every one of
  /// its assignments are written in one transaction, once; a campaign id that exists is
  /// kInvalidArgument (assignments never change after delivery). `spec_json` is the
  /// campaign's description as the campaign module writes it. Ids: 1–64 of letters,
  /// digits, '-', '_', '.'. Stores that do not hold campaigns return kInternal.
  virtual Status CreateCampaign(std::string_view /*campaign_id*/, std::string_view /*spec_json*/,
                                std::span<const CampaignAssignmentRow> /*rows*/) {
    return NoCampaigns();
  }
  /// The spec of a campaign, or an empty optional when there is none with this id.
  virtual Result<std::optional<std::string>> GetCampaign(std::string_view /*campaign_id*/) { return NoCampaigns(); }
  /// Every campaign id, in byte order.
  virtual Result<std::vector<std::string>> ListCampaigns() { return NoCampaigns(); }
  /// Every assignment of a campaign, ordered by customer id (kNotFound for an unknown id).
  virtual Result<std::vector<CampaignAssignmentRow>> ReadCampaignAssignments(std::string_view /*campaign_id*/) {
    return NoCampaigns();
  }

 private:
  // Defined here, not in a .cc, so that stores outside the store library (test doubles)
  // need nothing of it to link.
  Status NoCampaigns() const {
    return Status::Internal("the " + std::string(Backend()) + " store does not hold campaigns");
  }
};

}  // namespace churnwatch
