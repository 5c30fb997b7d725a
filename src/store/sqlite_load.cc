// Atomic, idempotent loads into the SQLite store.
//
// One LoadSession = one `BEGIN IMMEDIATE` transaction: rows are inserted with
// `INSERT OR IGNORE` against the row_key primary key, so rows the store already holds (an
// earlier load of the same file, an overlapping export) are skipped and counted. Nothing is
// visible to other connections until COMMIT; a killed process leaves only uncommitted WAL
// frames, which SQLite discards when the file is next opened. The first load into a new
// store goes into the file being built beside it (sqlite_store.h), which only becomes the
// store, with the load committed in it, when Commit publishes it. Appended rows wait in a
// bounded buffer (kLoadBufferBytes) and are inserted in row_key order when it fills and at
// Commit, so a file that fits is inserted as one ascending run (sqlite_load_buffer.h).
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "churnwatch/row_codec.h"
#include "store/sqlite_load_buffer.h"
#include "store/sqlite_store.h"

namespace churnwatch::store_internal {
namespace {

// Rows per multi-row INSERT: amortises SQLite's per-statement cost (about 2x faster than
// one row per statement) while staying far below the bound-parameter limit.
constexpr int kRowsPerInsert = 64;
constexpr int kRowsPerSmallInsert = 8;

// Encoded rows held before an ordered insert: Online Retail's 400k loaded lines take about
// 50 MiB, so a file of that size goes in as one ascending run; bigger files go in as runs
// of this size, keeping a load's extra memory bounded.
constexpr std::size_t kLoadBufferBytes = std::size_t{64} << 20;

// A load's page cache, twice the open store's: more of the row_key index pages being filled
// stay in memory instead of spilling to the WAL mid-transaction and being read back (pages
// are only allocated as used; the open store's cache is restored after the load).
constexpr const char* kLoadCache = "PRAGMA cache_size=-131072";
constexpr const char* kNormalCache = "PRAGMA cache_size=-65536";

int ParamsPerRow(Table t) {
  switch (t) {
    case Table::kTransactions: return kTransactionColumnCount + 2;  // + load_id, bucket
    case Table::kCustomers: return kCustomerColumnCount + 2;
    case Table::kEvents: return kEventColumnCount + 2;
  }
  return 0;
}

std::string InsertSql(Table t, int rows) {
  const int n = ParamsPerRow(t);
  std::string sql = "INSERT OR IGNORE INTO " + std::string(TableName(t)) + " (load_id, " + LoadColumnsOf(t) + ") VALUES ";
  for (int r = 0; r < rows; ++r) {
    sql += r ? ",(" : "(";
    for (int i = 0; i < n; ++i) sql += i ? ",?" : "?";
    sql += ")";
  }
  return sql;
}

class SqliteLoadSession final : public LoadSession {
 public:
  SqliteLoadSession(SqliteStore& s, Table t, SqliteStmt one, SqliteStmt some, SqliteStmt many)
      : s_(s), table_(t), one_(std::move(one)), some_(std::move(some)), many_(std::move(many)) {}
  void set_load_id(std::int64_t id) { load_id_ = id; }
  void set_buckets(std::uint32_t b) { buckets_ = b; }

  ~SqliteLoadSession() override {
    if (open_) (void)s_.Exec("ROLLBACK", "roll back load");
    (void)s_.Exec(kNormalCache, "restore cache size");
    s_.load_open = false;
  }

  Status AppendTransactions(std::span<const Transaction> rows) override {
    if (table_ != Table::kTransactions) return WrongTable(table_, Table::kTransactions);
    for (const auto& t : rows)
      if (std::isnan(t.amount) || std::isnan(t.quantity))
        return Status::DataError("transactions row " + t.key.ToHex() + " (order '" + t.order_id +
                                 "'): amount and quantity must be numbers, not NaN");
    return Insert(rows, [](auto& st, int b, const Transaction& t, const std::array<unsigned char, 16>& key) {
      st.BindBlob(b + 1, key.data(), 16);
      st.BindText(b + 2, t.order_id);
      st.BindText(b + 3, t.customer_id);
      st.BindInt(b + 4, t.ts);
      st.BindDouble(b + 5, t.amount);
      st.BindDouble(b + 6, t.quantity);
      st.BindDouble(b + 7, t.discount);
      if (t.channel == Channel::kUnknown)
        st.BindNull(b + 8);
      else
        st.BindText(b + 8, ChannelName(t.channel));
      st.BindText(b + 9, t.store_id);
      st.BindText(b + 10, t.sku);
      st.BindText(b + 11, t.category);
      st.BindInt(b + 12, t.is_return ? 1 : 0);
    });
  }

  Status AppendCustomers(std::span<const Customer> rows) override {
    if (table_ != Table::kCustomers) return WrongTable(table_, Table::kCustomers);
    return Insert(rows, [](auto& st, int b, const Customer& c, const std::array<unsigned char, 16>& key) {
      st.BindBlob(b + 1, key.data(), 16);
      st.BindText(b + 2, c.customer_id);
      if (c.joined_at)
        st.BindInt(b + 3, *c.joined_at);
      else
        st.BindNull(b + 3);
      st.BindText(b + 4, c.member_tier);
      st.BindText(b + 5, c.region);
      if (c.birth_year != 0)
        st.BindInt(b + 6, c.birth_year);
      else
        st.BindNull(b + 6);
      st.BindText(b + 7, c.gender);
      st.BindText(b + 8, c.phone_hash);
      st.BindText(b + 9, c.email_hash);
      st.BindText(b + 10, c.name_hash);
      st.BindText(b + 11, c.status);
    });
  }

  Status AppendEvents(std::span<const Event> rows) override {
    if (table_ != Table::kEvents) return WrongTable(table_, Table::kEvents);
    return Insert(rows, [](auto& st, int b, const Event& e, const std::array<unsigned char, 16>& key) {
      st.BindBlob(b + 1, key.data(), 16);
      st.BindText(b + 2, e.event_id);
      st.BindText(b + 3, e.customer_id);
      st.BindInt(b + 4, e.ts);
      st.BindText(b + 5, EventTypeName(e.type));
      st.BindDouble(b + 6, e.value);
      st.BindText(b + 7, e.text);
    });
  }

  Status SetSourceFingerprint(std::string_view fingerprint) override {
    CW_RETURN_IF_ERROR(CheckOpen());
    fingerprint_ = std::string(fingerprint);
    return Status::OK();
  }

  Result<LoadCounts> Commit() override {
    CW_RETURN_IF_ERROR(CheckOpen());
    CW_RETURN_IF_ERROR(Flush());
    {
      CW_ASSIGN_OR_RETURN(SqliteStmt st, s_.Prepare("UPDATE loads SET inserted = ?, already_present = ?, "
                                                    "source_fingerprint = coalesce(?, source_fingerprint), "
                                                    "committed_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE load_id = ?"));
      st.BindInt(1, counts_.inserted);
      st.BindInt(2, counts_.already_present);
      // Bound as text even when empty (BindText would store NULL, i.e. keep the old value).
      if (fingerprint_)
        sqlite3_bind_text(st.get(), 3, fingerprint_->data(), static_cast<int>(fingerprint_->size()), SQLITE_STATIC);
      else
        st.BindNull(3);
      st.BindInt(4, load_id_);
      const int rc = sqlite3_step(st.get());
      if (rc != SQLITE_DONE) return s_.Error(rc, "record load");
    }
    CW_RETURN_IF_ERROR(s_.Exec("COMMIT", "commit load"));
    open_ = false;
    // A new store becomes visible at its path only now, with this load in it (Publish
    // reopens the connection, so no statement of ours may stay open on it).
    one_ = SqliteStmt();
    some_ = SqliteStmt();
    many_ = SqliteStmt();
    CW_RETURN_IF_ERROR(s_.Publish());
    return counts_;
  }

 private:
  Status CheckOpen() const {
    return open_ ? Status::OK() : Status::InvalidArgument("this load session is already committed");
  }

  template <typename Row, typename Bind>
  Status Insert(std::span<const Row> rows, Bind bind) {
    CW_RETURN_IF_ERROR(CheckOpen());
    for (const Row& row : rows) {
      buffer_.Add(row, [&](auto& w, const Row& r) {
        const std::array<unsigned char, 16> key = KeyBytes(r.key);
        w.BindInt(0, load_id_);
        bind(w, 0, r, key);
        // The customer's bucket, last (LoadColumnsOf): computed here, once, for good.
        w.BindInt(ParamsPerRow(table_) - 1, CustomerBucket(r.customer_id, buckets_));
      });
      if (buffer_.bytes() >= kLoadBufferBytes) CW_RETURN_IF_ERROR(Flush());
    }
    return Status::OK();
  }

  // Inserts the buffered rows in key order, kRowsPerInsert per statement (the tail of each
  // run kRowsPerSmallInsert, then one, per statement: a statement's views point into its run).
  Status Flush() {
    Status st = buffer_.ForEachRun([&](const SortedRun& run) -> Status {
      const std::size_t n_rows = run.rows();
      std::size_t i = 0;
      while (i < n_rows) {
        const std::size_t left = n_rows - i;
        const int n = left >= static_cast<std::size_t>(kRowsPerInsert)        ? kRowsPerInsert
                      : left >= static_cast<std::size_t>(kRowsPerSmallInsert) ? kRowsPerSmallInsert
                                                                              : 1;
        SqliteStmt& stmt = n == kRowsPerInsert ? many_ : n == kRowsPerSmallInsert ? some_ : one_;
        const int per_row = ParamsPerRow(table_);
        for (int r = 0; r < n; ++r) {
          // Every row binds every column: a parameter left out would silently keep the
          // value of the row bound before it.
          if (run.Bind(i + static_cast<std::size_t>(r), stmt, 1 + r * per_row) != per_row)
            return Status::Internal("load into " + std::string(TableName(table_)) + ": a row bound fewer than its " +
                                    std::to_string(per_row) + " columns");
        }
        const int rc = sqlite3_step(stmt.get());
        sqlite3_reset(stmt.get());
        if (rc != SQLITE_DONE) return s_.Error(rc, "insert into " + std::string(TableName(table_)));
        const int inserted = sqlite3_changes(s_.db());
        counts_.inserted += inserted;
        counts_.already_present += n - inserted;
        i += static_cast<std::size_t>(n);
      }
      return Status::OK();
    });
    buffer_.Clear();
    return st;
  }

  SqliteStore& s_;
  Table table_;
  std::int64_t load_id_ = 0;
  std::uint32_t buckets_ = kDefaultBucketCount;
  SqliteStmt one_, some_, many_;
  LoadCounts counts_;
  SortedRowBuffer buffer_;
  std::optional<std::string> fingerprint_;  // set by SetSourceFingerprint, written at Commit
  bool open_ = true;
};

}  // namespace

Result<std::unique_ptr<LoadSession>> BeginSqliteLoad(SqliteStore& s, const LoadInfo& info) {
  if (s.load_open)
    return Status::InvalidArgument("a load session is already open on sqlite:" + s.path() +
                                   "; commit or destroy it before beginning another");
  CW_ASSIGN_OR_RETURN(const std::uint32_t buckets, s.BucketCount());
  CW_ASSIGN_OR_RETURN(SqliteStmt one, s.Prepare(InsertSql(info.table, 1)));
  CW_ASSIGN_OR_RETURN(SqliteStmt some, s.Prepare(InsertSql(info.table, kRowsPerSmallInsert)));
  CW_ASSIGN_OR_RETURN(SqliteStmt many, s.Prepare(InsertSql(info.table, kRowsPerInsert)));
  CW_ASSIGN_OR_RETURN(SqliteStmt log, s.Prepare("INSERT INTO loads (table_name, source_path, source_fingerprint) VALUES (?, ?, ?)"));
  CW_RETURN_IF_ERROR(s.Exec(kLoadCache, "set load cache size"));
  if (Status begun = s.Exec("BEGIN IMMEDIATE", "begin load"); !begun.ok()) {
    (void)s.Exec(kNormalCache, "restore cache size");
    return begun;
  }
  // From here the session owns the transaction: its destructor rolls back on any failure.
  s.load_open = true;
  auto session = std::make_unique<SqliteLoadSession>(s, info.table, std::move(one), std::move(some), std::move(many));
  const std::string_view table = TableName(info.table);
  sqlite3_bind_text(log.get(), 1, table.data(), static_cast<int>(table.size()), SQLITE_STATIC);
  sqlite3_bind_text(log.get(), 2, info.source_path.data(), static_cast<int>(info.source_path.size()), SQLITE_STATIC);
  sqlite3_bind_text(log.get(), 3, info.source_fingerprint.data(), static_cast<int>(info.source_fingerprint.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(log.get());
  if (rc != SQLITE_DONE) return s.Error(rc, "record load start");
  session->set_load_id(sqlite3_last_insert_rowid(s.db()));
  session->set_buckets(buckets);
  return std::unique_ptr<LoadSession>(std::move(session));
}

}  // namespace churnwatch::store_internal
