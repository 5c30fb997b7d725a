#pragma once
// Small RAII owners over the SQLite C API: a connection and a prepared statement, with
// every error turned into a Status that names the database file and the operation.

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "churnwatch/status.h"

namespace churnwatch::store_internal {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;

/// A prepared statement, finalised on destruction.
class SqliteStmt {
 public:
  SqliteStmt() = default;
  explicit SqliteStmt(sqlite3_stmt* s) : s_(s) {}
  SqliteStmt(SqliteStmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  SqliteStmt& operator=(SqliteStmt&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(s_);
      s_ = o.s_;
      o.s_ = nullptr;
    }
    return *this;
  }
  SqliteStmt(const SqliteStmt&) = delete;
  SqliteStmt& operator=(const SqliteStmt&) = delete;
  ~SqliteStmt() { sqlite3_finalize(s_); }
  sqlite3_stmt* get() const { return s_; }

  // Binding helpers; `i` is 1-based as in SQLite. Text and blobs must outlive the step.
  void BindText(int i, std::string_view v) {
    if (v.empty())
      sqlite3_bind_null(s_, i);
    else
      sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void BindDouble(int i, double v);  // NaN -> NULL
  void BindInt(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void BindNull(int i) { sqlite3_bind_null(s_, i); }
  void BindBlob(int i, const void* p, int n) { sqlite3_bind_blob(s_, i, p, n, SQLITE_STATIC); }

  // Column readers; NULL reads as "", NaN, or 0.
  std::string Text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, i))) : std::string();
  }
  double Double(int i) const;
  std::int64_t Int(int i) const { return sqlite3_column_int64(s_, i); }
  bool IsNull(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

/// "sqlite:<path>: <context>: <sqlite message>" with the right StatusCode for `rc`.
Status SqliteError(sqlite3* db, int rc, std::string_view path, std::string_view context);

}  // namespace churnwatch::store_internal
