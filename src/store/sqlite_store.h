#pragma once
// The embedded store: one SQLite database file in WAL mode (docs/store.md).
//
// A store whose file does not exist yet is first built beside it, in `PATH.partial-PID`,
// without a journal (nothing else can see that file, so a crash only leaves it behind):
// its first load writes every page once, instead of once to the WAL and again at the
// checkpoint. The first committed load, or any other write, or closing the store (unless it
// was opened with UnwrittenNewStore::kDiscard: then the unwritten file is removed), fsyncs
// the file and renames it to PATH (refusing to replace a store another process created
// meanwhile); from then on the store is the ordinary WAL file. Partial files whose
// process is gone are removed by the next Open of the same path.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "churnwatch/store.h"
#include "store/sqlite_util.h"

namespace churnwatch::store_internal {

class SqliteStore final : public Store {
 public:
  /// Opens (creating if needed) the database file at `path` and migrates it.
  static Result<std::unique_ptr<Store>> Open(std::string_view path, UnwrittenNewStore unwritten = UnwrittenNewStore::kKeep);
  ~SqliteStore() override;

  std::string_view Backend() const override { return "sqlite"; }
  int SchemaVersion() const override { return version_; }

  Result<std::unique_ptr<LoadSession>> BeginLoad(const LoadInfo& info) override;

  Status ScanTransactions(const RowSink<Transaction>& sink) override;
  Status ScanCustomers(const RowSink<Customer>& sink) override;
  Status ScanEvents(const RowSink<Event>& sink) override;
  Result<std::int64_t> CountRows(Table table) override;
  Result<std::uint32_t> BucketCount() override;
  Status SetScanBuckets(std::optional<BucketRange> range) override;

  Status ReplaceResultTable(std::string_view name, const ResultTable& table) override;
  Result<ResultTable> ReadResultTable(std::string_view name) override;

  Status PutDocument(std::string_view collection, std::string_view key, std::string_view json) override;
  Result<std::optional<std::string>> GetDocument(std::string_view collection, std::string_view key) override;
  Result<std::vector<std::string>> ListDocumentKeys(std::string_view collection) override;
  Status InTransaction(const std::function<Status(SqlTxn&)>& body) override;  // sql_txn_sqlite.cc

  // Campaigns (sqlite_campaigns.cc / postgres_campaigns.cc).
  Status CreateCampaign(std::string_view campaign_id, std::string_view spec_json,
                        std::span<const CampaignAssignmentRow> rows) override;
  Result<std::optional<std::string>> GetCampaign(std::string_view campaign_id) override;
  Result<std::vector<std::string>> ListCampaigns() override;
  Result<std::vector<CampaignAssignmentRow>> ReadCampaignAssignments(std::string_view campaign_id) override;

  // For the load session (sqlite_load.cc).
  sqlite3* db() const { return db_.get(); }
  const std::string& path() const { return path_; }
  Status Exec(std::string_view sql, std::string_view context);
  Result<SqliteStmt> Prepare(std::string_view sql);
  Status Error(int rc, std::string_view context) const { return SqliteError(db_.get(), rc, path_, context); }
  bool load_open = false;  ///< one load session at a time per connection

  /// True while the store is a new file being built at `PATH.partial-PID` (see above).
  bool building() const { return !build_path_.empty(); }
  /// Makes the file being built the store at `path()`: closes the connection (no statement
  /// may be open on it), fsyncs the file, renames it into place without replacing an
  /// existing file, fsyncs the directory and reopens it in WAL mode. No-op when not
  /// building. kUnavailable if another process created `path()` meanwhile (the built file
  /// is discarded and the store continues on the other one); kIOError if a step fails.
  Status Publish();

 private:
  SqliteStore(SqliteDb db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}
  // Opens `file` (shown in messages as path_) and sets the pragmas for a store being built
  // (no journal, no fsync) or for the published WAL store.
  static Result<SqliteDb> Connect(const std::string& file, const std::string& shown, bool build);
  Status Migrate();
  template <typename Row, typename Decode>
  Status Scan(std::string_view table, std::string_view columns, const RowSink<Row>& sink, Decode decode);

  friend class SqliteSqlTxn;
  SqliteDb db_;
  // Statements of InTransaction, prepared once per connection; declared after db_ so they
  // are finalised before it closes.
  std::map<std::string, SqliteStmt, std::less<>> service_statements_;
  std::string path_;
  std::string build_path_;  // the PATH.partial-PID file while building, else empty
  int version_ = 0;
  std::uint32_t bucket_count_ = 0;              // read from store_settings on first use
  std::optional<BucketRange> scan_buckets_;     // SetScanBuckets
  UnwrittenNewStore unwritten_ = UnwrittenNewStore::kKeep;  // what closing does with an unwritten new store
};

/// Starts a load session on `store` (BEGIN IMMEDIATE); defined in sqlite_load.cc.
Result<std::unique_ptr<LoadSession>> BeginSqliteLoad(SqliteStore& store, const LoadInfo& info);

/// Rolls back on scope exit unless committed, so every early return leaves no trace.
class SqliteTxn {
 public:
  explicit SqliteTxn(SqliteStore& s) : s_(s) {}
  ~SqliteTxn() {
    if (open_) (void)s_.Exec("ROLLBACK", "rollback");
  }
  Status Begin() {
    CW_RETURN_IF_ERROR(s_.Exec("BEGIN IMMEDIATE", "begin transaction"));
    open_ = true;
    return Status::OK();
  }
  Status Commit() {
    CW_RETURN_IF_ERROR(s_.Exec("COMMIT", "commit"));
    open_ = false;
    return Status::OK();
  }

 private:
  SqliteStore& s_;
  bool open_ = false;
};

inline Status StepDone(SqliteStore& s, SqliteStmt& st, std::string_view context) {
  const int rc = sqlite3_step(st.get());
  sqlite3_reset(st.get());
  return rc == SQLITE_DONE ? Status::OK() : s.Error(rc, context);
}

}  // namespace churnwatch::store_internal
