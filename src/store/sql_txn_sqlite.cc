// Store::InTransaction for SQLite: BEGIN IMMEDIATE (one writer at a time, and no upgrade
// deadlock between two readers that both want to write), statements prepared once per
// connection and kept, parameters bound natively.
#include <exception>

#include "store/sqlite_store.h"

namespace churnwatch::store_internal {

class SqliteSqlTxn final : public SqlTxn {
 public:
  explicit SqliteSqlTxn(SqliteStore& s) : s_(s) {}

  std::string_view Dialect() const override { return "sqlite"; }

  Result<std::vector<SqlRow>> Query(std::string_view sql, std::span<const SqlParam> params) override {
    CW_ASSIGN_OR_RETURN(sqlite3_stmt * st, Bound(sql, params));
    std::vector<SqlRow> rows;
    const int n = sqlite3_column_count(st);
    for (;;) {
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return s_.Error(rc, "query");
      }
      SqlRow row;
      row.values.resize(static_cast<std::size_t>(n));
      row.is_null.resize(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        if (sqlite3_column_type(st, i) == SQLITE_NULL) {
          row.is_null[k] = true;
          continue;
        }
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
        if (p) row.values[k].assign(p, static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
      }
      rows.push_back(std::move(row));
    }
    sqlite3_reset(st);
    return rows;
  }

  Result<std::int64_t> Execute(std::string_view sql, std::span<const SqlParam> params) override {
    CW_ASSIGN_OR_RETURN(sqlite3_stmt * st, Bound(sql, params));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return s_.Error(rc, "statement");
    return static_cast<std::int64_t>(sqlite3_changes(s_.db()));
  }

 private:
  Result<sqlite3_stmt*> Bound(std::string_view sql, std::span<const SqlParam> params) {
    auto it = s_.service_statements_.find(sql);
    if (it == s_.service_statements_.end()) {
      CW_ASSIGN_OR_RETURN(SqliteStmt st, s_.Prepare(sql));
      it = s_.service_statements_.emplace(std::string(sql), std::move(st)).first;
    }
    sqlite3_stmt* st = it->second.get();
    sqlite3_clear_bindings(st);
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(st))
      return Status::Internal("statement expects " + std::to_string(sqlite3_bind_parameter_count(st)) + " parameters, got " +
                              std::to_string(params.size()) + ": " + std::string(sql.substr(0, 80)));
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int k = static_cast<int>(i) + 1;
      const SqlParam& p = params[i];
      if (std::holds_alternative<std::monostate>(p)) {
        sqlite3_bind_null(st, k);
      } else if (const auto* v = std::get_if<std::int64_t>(&p)) {
        sqlite3_bind_int64(st, k, *v);
      } else if (const auto* d = std::get_if<double>(&p)) {
        sqlite3_bind_double(st, k, *d);
      } else if (const auto* t = std::get_if<std::string>(&p)) {
        sqlite3_bind_text(st, k, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
      } else {
        const auto& b = std::get<SqlBlob>(p).bytes;
        sqlite3_bind_blob(st, k, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
      }
    }
    return st;
  }

  SqliteStore& s_;
};

Status SqliteStore::InTransaction(const std::function<Status(SqlTxn&)>& body) {
  if (load_open) return Status::Internal("InTransaction while a load session is open");
  if (building()) {
    service_statements_.clear();  // they belong to the connection Publish replaces
    CW_RETURN_IF_ERROR(Publish());
  }
  CW_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "begin transaction"));
  Status st;
  try {
    SqliteSqlTxn txn(*this);
    st = body(txn);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("transaction body failed: ") + e.what());
  }
  if (!st.ok()) {
    (void)Exec("ROLLBACK", "rollback");
    return st;
  }
  Status c = Exec("COMMIT", "commit");
  if (!c.ok()) (void)Exec("ROLLBACK", "rollback");
  return c;
}

}  // namespace churnwatch::store_internal
