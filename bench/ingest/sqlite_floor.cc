// sqlite_floor: how long SQLite alone takes to store the rows an ingest loaded, with nothing
// of ours in the way. It reads the transactions table of a store that `churnwatch ingest`
// made into memory (every value already typed), then times inserting them into a new file
// with the same table definition and the same settings the store uses for a first load
// (64 KiB pages, journal in memory, 64 rows per INSERT OR IGNORE, one transaction, fsync):
//   - in row_key order, as the store inserts them (each insert appends to the B-tree);
//   - in the order the file had them (what inserting while the file is still being read,
//     before every key is known, would cost).
// run.sh sets these beside pandas.read_csv: the first is a floor under any ingest into this
// table, however fast the parse and conversion before it.
//   sqlite_floor SOURCE.db SCRATCH_DIR
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

namespace {

using Value = std::variant<std::monostate, std::int64_t, double, std::string, std::vector<unsigned char>>;
using Row = std::vector<Value>;

constexpr int kRowsPerInsert = 64;

[[noreturn]] void Fail(sqlite3* db, const std::string& what) {
  std::fprintf(stderr, "sqlite_floor: %s: %s\n", what.c_str(), db ? sqlite3_errmsg(db) : "");
  std::exit(1);
}

void Exec(sqlite3* db, const std::string& sql) {
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) Fail(db, sql);
}

Value Read(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return sqlite3_column_double(st, i);
    case SQLITE_TEXT:
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                         static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
    case SQLITE_BLOB: {
      const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, i));
      return std::vector<unsigned char>(p, p + sqlite3_column_bytes(st, i));
    }
    default: return std::monostate{};
  }
}

void Bind(sqlite3_stmt* st, int param, const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v))
    sqlite3_bind_int64(st, param, *i);
  else if (const auto* d = std::get_if<double>(&v))
    sqlite3_bind_double(st, param, *d);
  else if (const auto* s = std::get_if<std::string>(&v))
    sqlite3_bind_text(st, param, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
  else if (const auto* b = std::get_if<std::vector<unsigned char>>(&v))
    sqlite3_bind_blob(st, param, b->data(), static_cast<int>(b->size()), SQLITE_STATIC);
  else
    sqlite3_bind_null(st, param);
}

// Inserts rows (in the given order) into a new file; returns the seconds from BEGIN to the
// file fsynced, the part of a load that belongs to SQLite.
double Load(const std::string& path, const std::string& create_sql, int columns, const std::vector<const Row*>& rows) {
  std::remove(path.c_str());
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Fail(db, "open " + path);
  Exec(db, "PRAGMA page_size=65536; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; "
           "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-131072");
  Exec(db, create_sql);
  auto statement = [&](int n) {
    std::string sql = "INSERT OR IGNORE INTO transactions VALUES ";
    for (int r = 0; r < n; ++r) {
      sql += r ? ",(" : "(";
      for (int c = 0; c < columns; ++c) sql += c ? ",?" : "?";
      sql += ")";
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) Fail(db, "prepare");
    return st;
  };
  sqlite3_stmt* many = statement(kRowsPerInsert);
  sqlite3_stmt* one = statement(1);
  const auto t0 = std::chrono::steady_clock::now();
  Exec(db, "BEGIN IMMEDIATE");
  std::size_t i = 0;
  while (i < rows.size()) {
    const int n = rows.size() - i >= kRowsPerInsert ? kRowsPerInsert : 1;
    sqlite3_stmt* st = n == kRowsPerInsert ? many : one;
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < columns; ++c) Bind(st, r * columns + c + 1, (*rows[i + r])[c]);
    if (sqlite3_step(st) != SQLITE_DONE) Fail(db, "insert");
    sqlite3_reset(st);
    i += n;
  }
  Exec(db, "COMMIT");
  sqlite3_finalize(many);
  sqlite3_finalize(one);
  sqlite3_close(db);
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) Fail(nullptr, "fsync " + path);
  ::close(fd);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: sqlite_floor SOURCE.db SCRATCH_DIR\n");
    return 2;
  }
  sqlite3* src = nullptr;
  if (sqlite3_open_v2(argv[1], &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Fail(src, argv[1]);
  std::string create_sql;
  {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(src, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'transactions'", -1, &st,
                           nullptr) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
      Fail(src, "no transactions table in " + std::string(argv[1]));
    create_sql = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  std::vector<Row> rows;
  int columns = 0;
  {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(src, "SELECT * FROM transactions ORDER BY row_key", -1, &st, nullptr) != SQLITE_OK)
      Fail(src, "read transactions");
    columns = sqlite3_column_count(st);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      Row r(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) r[static_cast<std::size_t>(c)] = Read(st, c);
      rows.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) Fail(src, "read transactions");
    sqlite3_finalize(st);
  }
  sqlite3_close(src);
  if (rows.empty()) Fail(nullptr, "the source store has no transactions");

  std::vector<const Row*> by_key;
  for (const Row& r : rows) by_key.push_back(&r);
  // A stored table keeps no record of the file's order. Exports are written invoice by
  // invoice, so order_id order (column 2; key order within an invoice) stands in for what an
  // insert that starts before the whole file is keyed would see.
  std::vector<const Row*> by_file = by_key;
  std::stable_sort(by_file.begin(), by_file.end(), [](const Row* a, const Row* b) { return (*a)[2] < (*b)[2]; });

  const std::string scratch = std::string(argv[2]) + "/sqlite_floor.db";
  double sorted = 1e30, unsorted = 1e30;
  for (int round = 0; round < 3; ++round) {
    sorted = std::min(sorted, Load(scratch, create_sql, columns, by_key));
    unsorted = std::min(unsorted, Load(scratch, create_sql, columns, by_file));
  }
  std::remove(scratch.c_str());
  std::printf("rows=%zu columns=%d key_order_seconds=%.4f file_order_seconds=%.4f\n", rows.size(), columns, sorted,
              unsorted);
  return 0;
}
