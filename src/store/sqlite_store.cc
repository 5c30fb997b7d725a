// The embedded SQLite store: opening and migrating the file, scans, result tables and
// documents. Loads are in sqlite_load.cc.
#include "store/sqlite_store.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <limits>
#include <cstring>
#include <filesystem>

#include "churnwatch/row_codec.h"
#include "store/schema.h"

namespace churnwatch::store_internal {
namespace {

constexpr const char* kPartialSuffix = ".partial-";


// Removes PATH.partial-PID files left by processes that no longer exist (killed while
// building a new store): they were never visible as the store and nothing refers to them.
void RemoveStalePartials(const std::filesystem::path& store) {
  std::error_code ec;
  const std::filesystem::path dir = store.has_parent_path() ? store.parent_path() : std::filesystem::path(".");
  const std::string prefix = store.filename().string() + kPartialSuffix;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::string digits = name.substr(prefix.size());
    // A process id has at most 7 digits on Linux; anything longer is not one of ours.
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
    std::error_code rm;
    std::filesystem::remove(it->path(), rm);
  }
}

Status SyncPath(const std::string& path, const std::string& shown, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Status::IOError("sqlite:" + shown + ": cannot open " + path + " to sync it: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return Status::IOError("sqlite:" + shown + ": fsync of " + path + " failed: " + std::strerror(err));
  return Status::OK();
}

void SqlBucketFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const std::string_view id = text ? std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(argv[0])))
                                   : std::string_view();
  const sqlite3_int64 buckets = sqlite3_value_int64(argv[1]);
  if (buckets <= 0 || buckets > std::numeric_limits<std::uint32_t>::max()) {
    sqlite3_result_error(ctx, "churnwatch_bucket: the bucket count must be a positive 32-bit number", -1);
    return;
  }
  sqlite3_result_int64(ctx, CustomerBucket(id, static_cast<std::uint32_t>(buckets)));
}

}  // namespace

Result<SqliteDb> SqliteStore::Connect(const std::string& file, const std::string& shown, bool build) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    Status st = SqliteError(db.get(), rc, shown, "cannot open database");
    const auto parent = std::filesystem::path(shown).parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent))
      return Status(st.code(), st.message() + " (directory '" + parent.string() + "' does not exist)");
    return st;
  }
  sqlite3_busy_timeout(db.get(), 30000);
  // churnwatch_bucket(customer_id, B): the bucket function of bucket.h in SQL, for the
  // migration that fills the bucket column of existing rows (and for users' queries).
  const int frc = sqlite3_create_function_v2(db.get(), "churnwatch_bucket", 2,
                                             SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                             &SqlBucketFunction, nullptr, nullptr, nullptr);
  if (frc != SQLITE_OK) return SqliteError(db.get(), frc, shown, "register churnwatch_bucket");
  // 64 KiB pages (effective only when the file is created): fewer, shallower B-tree
  // levels make bulk loads ~40 % cheaper than the 4 KiB default (bench/store).
  // A store being built is a private file until Publish: no other connection reads it and a
  // crash leaves only that file, so it needs neither WAL nor fsync at each commit (Publish
  // syncs it once). The in-memory journal still lets a failed load roll back.
  // The published store uses WAL: readers never block the loader and a killed writer leaves
  // only ignorable frames. synchronous=NORMAL keeps commits atomic and durable across
  // process crashes (not necessarily across power loss), which is the guarantee
  // docs/store.md states.
  const char* pragmas = build ? "PRAGMA page_size=65536; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; "
                                "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536"
                              : "PRAGMA page_size=65536; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536";
  const int prc = sqlite3_exec(db.get(), pragmas, nullptr, nullptr, nullptr);
  if (prc != SQLITE_OK) return SqliteError(db.get(), prc, shown, build ? "set pragmas" : "enable WAL");
  return db;
}

Result<std::unique_ptr<Store>> SqliteStore::Open(std::string_view path, UnwrittenNewStore unwritten) {
  if (path.empty()) return Status::InvalidArgument("store URL 'sqlite:' names no database file (use sqlite:PATH)");
  const std::string p(path);
  RemoveStalePartials(p);
  std::error_code ec;
  const bool fresh = !std::filesystem::exists(p, ec) && !ec;
  const std::string file = fresh ? p + kPartialSuffix + std::to_string(::getpid()) : p;
  if (fresh) std::filesystem::remove(file, ec);  // a leftover of an earlier process with our pid
  CW_ASSIGN_OR_RETURN(SqliteDb db, Connect(file, p, fresh));
  std::unique_ptr<SqliteStore> store(new SqliteStore(std::move(db), p));
  if (fresh) store->build_path_ = file;
  store->unwritten_ = unwritten;
  CW_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::~SqliteStore() {
  // A new store that was never written to still becomes an (empty, migrated) store, as
  // opening a missing file always did, unless the caller asked for it to vanish (a failed
  // first ingest must not leave a store that looks loaded but empty); a failure here leaves
  // only the partial file, which the next Open removes.
  if (!building()) return;
  if (unwritten_ == UnwrittenNewStore::kKeep) {
    (void)Publish();
    return;
  }
  db_.reset();
  std::error_code ec;
  std::filesystem::remove(build_path_, ec);
}

Status SqliteStore::Publish() {
  if (!building()) return Status::OK();
  const std::string built = std::move(build_path_);
  build_path_.clear();
  db_.reset();
  CW_RETURN_IF_ERROR(SyncPath(built, path_, O_RDONLY));
  bool placed = ::renameat2(AT_FDCWD, built.c_str(), AT_FDCWD, path_.c_str(), RENAME_NOREPLACE) == 0;
  int err = placed ? 0 : errno;
  if (!placed && (err == EINVAL || err == ENOSYS)) {
    // A file system without RENAME_NOREPLACE: link() refuses an existing name as well.
    placed = ::link(built.c_str(), path_.c_str()) == 0;
    err = placed ? 0 : errno;
    if (placed) ::unlink(built.c_str());
  }
  if (!placed) {
    std::error_code ec;
    std::filesystem::remove(built, ec);
    Status why = err == EEXIST ? Status::Unavailable("sqlite:" + path_ +
                                                     ": another process created this store while this one was being "
                                                     "built; what was written here was discarded: run the command again")
                               : Status::IOError("sqlite:" + path_ + ": cannot move the new store " + built +
                                                 " into place: " + std::strerror(err));
    // Continue on whatever store is now at the path, so the object stays usable.
    Result<SqliteDb> other = Connect(path_, path_, false);
    if (other.ok()) db_ = std::move(*other);
    return why;
  }
  const auto parent = std::filesystem::path(path_).parent_path();
  CW_RETURN_IF_ERROR(SyncPath(parent.empty() ? "." : parent.string(), path_, O_RDONLY | O_DIRECTORY));
  CW_ASSIGN_OR_RETURN(db_, Connect(path_, path_, false));
  return Status::OK();
}

Status SqliteStore::Exec(std::string_view sql, std::string_view context) {
  const std::string s(sql);
  const int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::OK() : Error(rc, context);
}

Result<SqliteStmt> SqliteStore::Prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare '" + std::string(sql.substr(0, 60)) + "'");
  return SqliteStmt(st);
}

Status SqliteStore::Migrate() {
  CW_RETURN_IF_ERROR(Exec(CreateMigrationsTableSql(Dialect::kSqlite), "create schema_migrations"));
  CW_ASSIGN_OR_RETURN(SqliteStmt current, Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
  CW_ASSIGN_OR_RETURN(SqliteStmt record, Prepare("INSERT INTO schema_migrations (version, description) VALUES (?, ?)"));
  auto read_version = [&]() -> Result<int> {
    const int rc = sqlite3_step(current.get());
    if (rc != SQLITE_ROW) return Error(rc, "read schema version");
    const int v = static_cast<int>(current.Int(0));
    sqlite3_reset(current.get());
    return v;
  };
  for (const Migration& m : Migrations()) {
    // Each migration in its own transaction; re-read the version inside it because another
    // process may have migrated the same file meanwhile.
    SqliteTxn txn(*this);
    CW_RETURN_IF_ERROR(txn.Begin());
    CW_ASSIGN_OR_RETURN(int v, read_version());
    if (v > LatestSchemaVersion())
      return Status::DataError("sqlite:" + path_ + ": database schema version " + std::to_string(v) +
                               " is newer than this churnwatch understands (" + std::to_string(LatestSchemaVersion()) +
                               "); upgrade churnwatch");
    if (m.version <= v) continue;
    CW_RETURN_IF_ERROR(Exec(m.sqlite_sql, "migration " + std::to_string(m.version)));
    record.BindInt(1, m.version);
    record.BindText(2, m.description);
    CW_RETURN_IF_ERROR(StepDone(*this, record, "record migration"));
    CW_RETURN_IF_ERROR(txn.Commit());
  }
  CW_ASSIGN_OR_RETURN(version_, read_version());
  return Status::OK();
}

Result<std::unique_ptr<LoadSession>> SqliteStore::BeginLoad(const LoadInfo& info) { return BeginSqliteLoad(*this, info); }

template <typename Row, typename Decode>
Status SqliteStore::Scan(std::string_view table, std::string_view columns, const RowSink<Row>& sink, Decode decode) {
  // Row-key order, as the PostgreSQL store scans: the tables are keyed on row_key
  // (WITHOUT ROWID), so this costs no sort here (store.h says why the order matters).
  CW_ASSIGN_OR_RETURN(SqliteStmt st,
                      Prepare("SELECT " + std::string(columns) + " FROM " + std::string(table) +
                              BucketWhere(scan_buckets_) + " ORDER BY row_key"));
  std::vector<Row> batch;
  batch.reserve(kScanBatchRows);
  for (;;) {
    const int rc = sqlite3_step(st.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error(rc, "scan " + std::string(table));
    Row& row = batch.emplace_back();
    const auto* key = static_cast<const unsigned char*>(sqlite3_column_blob(st.get(), 0));
    if (!KeyFromBytes(key, static_cast<std::size_t>(sqlite3_column_bytes(st.get(), 0)), row.key))
      return Status::DataError("sqlite:" + path_ + ": table " + std::string(table) + " holds a row_key that is not 16 bytes");
    CW_RETURN_IF_ERROR(decode(st, row));
    if (batch.size() == kScanBatchRows) {
      CW_RETURN_IF_ERROR(sink(std::span<const Row>(batch)));
      batch.clear();
    }
  }
  if (!batch.empty()) CW_RETURN_IF_ERROR(sink(std::span<const Row>(batch)));
  return Status::OK();
}

Status SqliteStore::ScanTransactions(const RowSink<Transaction>& sink) {
  return Scan<Transaction>("transactions", kTransactionColumns, sink, [](const SqliteStmt& s, Transaction& t) {
    t.order_id = s.Text(1);
    t.customer_id = s.Text(2);
    t.ts = s.Int(3);
    t.amount = s.Double(4);
    t.quantity = s.Double(5);
    t.discount = s.Double(6);
    t.channel = s.IsNull(7) ? Channel::kUnknown : ParseChannel(s.Text(7)).value_or(Channel::kOther);
    t.store_id = s.Text(8);
    t.sku = s.Text(9);
    t.category = s.Text(10);
    t.is_return = s.Int(11) != 0;
    return Status::OK();
  });
}

Status SqliteStore::ScanCustomers(const RowSink<Customer>& sink) {
  return Scan<Customer>("customers", kCustomerColumns, sink, [](const SqliteStmt& s, Customer& c) {
    c.customer_id = s.Text(1);
    if (!s.IsNull(2)) c.joined_at = static_cast<DayNumber>(s.Int(2));
    c.member_tier = s.Text(3);
    c.region = s.Text(4);
    c.birth_year = static_cast<int>(s.Int(5));
    c.gender = s.Text(6);
    c.phone_hash = s.Text(7);
    c.email_hash = s.Text(8);
    c.name_hash = s.Text(9);
    c.status = s.Text(10);
    return Status::OK();
  });
}

Status SqliteStore::ScanEvents(const RowSink<Event>& sink) {
  return Scan<Event>("events", kEventColumns, sink, [this](const SqliteStmt& s, Event& e) {
    e.event_id = s.Text(1);
    e.customer_id = s.Text(2);
    e.ts = s.Int(3);
    const std::string type = s.Text(4);
    const auto parsed = ParseEventType(type);
    if (!parsed)
      return Status::DataError("sqlite:" + path_ + ": events row " + e.key.ToHex() + " has unknown type '" + type + "'");
    e.type = *parsed;
    e.value = s.Double(5);
    e.text = s.Text(6);
    return Status::OK();
  });
}

Result<std::int64_t> SqliteStore::CountRows(Table table) {
  CW_ASSIGN_OR_RETURN(SqliteStmt st,
                      Prepare("SELECT count(*) FROM " + std::string(TableName(table)) + BucketWhere(scan_buckets_)));
  const int rc = sqlite3_step(st.get());
  if (rc != SQLITE_ROW) return Error(rc, "count " + std::string(TableName(table)));
  return st.Int(0);
}

Result<std::uint32_t> SqliteStore::BucketCount() {
  if (bucket_count_ != 0) return bucket_count_;
  CW_ASSIGN_OR_RETURN(SqliteStmt st, Prepare("SELECT value FROM store_settings WHERE key = 'bucket_count'"));
  const int rc = sqlite3_step(st.get());
  if (rc != SQLITE_ROW) return Status::DataError("sqlite:" + path_ + ": store_settings has no bucket_count");
  const std::string text = st.Text(0);
  std::uint32_t b = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), b);
  if (ec != std::errc() || end != text.data() + text.size() || b == 0)
    return Status::DataError("sqlite:" + path_ + ": store_settings bucket_count '" + text + "' is not a positive number");
  bucket_count_ = b;
  return b;
}

Status SqliteStore::SetScanBuckets(std::optional<BucketRange> range) {
  if (range) {
    CW_ASSIGN_OR_RETURN(const std::uint32_t b, BucketCount());
    CW_RETURN_IF_ERROR(CheckBucketRange(*range, b));
  }
  scan_buckets_ = range;
  return Status::OK();
}

Status SqliteStore::ReplaceResultTable(std::string_view name, const ResultTable& table) {
  CW_RETURN_IF_ERROR(ValidateResultTable(name, table));
  CW_RETURN_IF_ERROR(Publish());
  const std::string sql_name = QuoteIdentifier("result_" + std::string(name));
  std::string create = "CREATE TABLE " + sql_name + " (" + std::string(kResultOrdinalColumn) + " INTEGER PRIMARY KEY";
  std::string insert = "INSERT INTO " + sql_name + " VALUES (?";
  for (const auto& c : table.columns) {
    create += ", " + QuoteIdentifier(c.name) + (c.is_text ? " TEXT" : " REAL");
    insert += ", ?";
  }
  create += ")";
  insert += ")";

  SqliteTxn txn(*this);
  CW_RETURN_IF_ERROR(txn.Begin());
  CW_RETURN_IF_ERROR(Exec("DROP TABLE IF EXISTS " + sql_name, "drop result table " + std::string(name)));
  CW_RETURN_IF_ERROR(Exec(create, "create result table " + std::string(name)));
  CW_ASSIGN_OR_RETURN(SqliteStmt ins, Prepare(insert));
  const std::size_t rows = table.rows();
  for (std::size_t r = 0; r < rows; ++r) {
    ins.BindInt(1, static_cast<std::int64_t>(r));
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const auto& col = table.columns[c];
      const int i = static_cast<int>(c) + 2;
      if (col.is_text)
        ins.BindText(i, col.texts[r]);
      else
        ins.BindDouble(i, col.numbers[r]);
    }
    CW_RETURN_IF_ERROR(StepDone(*this, ins, "insert into result table " + std::string(name)));
  }
  CW_ASSIGN_OR_RETURN(SqliteStmt cat, Prepare("INSERT INTO result_tables (name, columns, row_count) VALUES (?, ?, ?) "
                                              "ON CONFLICT (name) DO UPDATE SET columns = excluded.columns, "
                                              "row_count = excluded.row_count, updated_at = excluded.updated_at"));
  const std::string cols = ColumnsToJson(table);
  cat.BindText(1, name);
  cat.BindText(2, cols);
  cat.BindInt(3, static_cast<std::int64_t>(rows));
  CW_RETURN_IF_ERROR(StepDone(*this, cat, "record result table " + std::string(name)));
  return txn.Commit();
}

Result<ResultTable> SqliteStore::ReadResultTable(std::string_view name) {
  CW_RETURN_IF_ERROR(ValidateResultTableName(name));
  CW_ASSIGN_OR_RETURN(SqliteStmt cat, Prepare("SELECT columns FROM result_tables WHERE name = ?"));
  cat.BindText(1, name);
  const int rc = sqlite3_step(cat.get());
  if (rc == SQLITE_DONE)
    return Status::NotFound("result table '" + std::string(name) + "' not found in sqlite:" + path_);
  if (rc != SQLITE_ROW) return Error(rc, "read result table catalog");
  CW_ASSIGN_OR_RETURN(ResultTable table, EmptyTableFromJson(name, cat.Text(0)));

  std::string select = "SELECT " + std::string(kResultOrdinalColumn);
  for (const auto& c : table.columns) select += ", " + QuoteIdentifier(c.name);
  select += " FROM " + QuoteIdentifier("result_" + std::string(name)) + " ORDER BY " + std::string(kResultOrdinalColumn);
  CW_ASSIGN_OR_RETURN(SqliteStmt st, Prepare(select));
  for (;;) {
    const int step = sqlite3_step(st.get());
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) return Error(step, "read result table " + std::string(name));
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      auto& col = table.columns[c];
      if (col.is_text)
        col.texts.push_back(st.Text(static_cast<int>(c) + 1));
      else
        col.numbers.push_back(st.Double(static_cast<int>(c) + 1));
    }
  }
  return table;
}

Status SqliteStore::PutDocument(std::string_view collection, std::string_view key, std::string_view json) {
  CW_RETURN_IF_ERROR(Publish());
  CW_ASSIGN_OR_RETURN(SqliteStmt st, Prepare("INSERT INTO documents (collection, key, json) VALUES (?, ?, ?) "
                                             "ON CONFLICT (collection, key) DO UPDATE SET json = excluded.json, "
                                             "updated_at = excluded.updated_at"));
  // Bind empty strings as text, not NULL: an empty key or document is still a value.
  sqlite3_bind_text(st.get(), 1, collection.data(), static_cast<int>(collection.size()), SQLITE_STATIC);
  sqlite3_bind_text(st.get(), 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  sqlite3_bind_text(st.get(), 3, json.data(), static_cast<int>(json.size()), SQLITE_STATIC);
  return StepDone(*this, st, "put document " + std::string(collection) + "/" + std::string(key));
}

Result<std::optional<std::string>> SqliteStore::GetDocument(std::string_view collection, std::string_view key) {
  CW_ASSIGN_OR_RETURN(SqliteStmt st, Prepare("SELECT json FROM documents WHERE collection = ? AND key = ?"));
  sqlite3_bind_text(st.get(), 1, collection.data(), static_cast<int>(collection.size()), SQLITE_STATIC);
  sqlite3_bind_text(st.get(), 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
  const int rc = sqlite3_step(st.get());
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return Error(rc, "get document");
  return std::optional<std::string>(st.Text(0));
}

Result<std::vector<std::string>> SqliteStore::ListDocumentKeys(std::string_view collection) {
  CW_ASSIGN_OR_RETURN(SqliteStmt st, Prepare("SELECT key FROM documents WHERE collection = ? ORDER BY key"));
  sqlite3_bind_text(st.get(), 1, collection.data(), static_cast<int>(collection.size()), SQLITE_STATIC);
  std::vector<std::string> keys;
  for (;;) {
    const int rc = sqlite3_step(st.get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return Error(rc, "list documents");
    keys.push_back(st.Text(0));
  }
  return keys;
}

}  // namespace churnwatch::store_internal
