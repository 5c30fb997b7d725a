// Store::InTransaction for PostgreSQL: one pqxx::work; each distinct statement is prepared
// once per connection (server-side prepared statement) and executed with its parameters
// sent separately from the SQL text.
#include <charconv>
#include <cmath>
#include <exception>

#include "store/postgres_store.h"

namespace churnwatch::store_internal {

class PostgresSqlTxn final : public SqlTxn {
 public:
  PostgresSqlTxn(PostgresStore& s, pqxx::work& w) : s_(s), w_(w) {}

  std::string_view Dialect() const override { return "postgresql"; }

  Result<std::vector<SqlRow>> Query(std::string_view sql, std::span<const SqlParam> params) override {
    return PgGuard(s_, "query", [&]() -> Result<std::vector<SqlRow>> {
      const pqxx::result r = Run(sql, params);
      std::vector<SqlRow> rows;
      rows.reserve(r.size());
      for (const auto& rr : r) {
        SqlRow row;
        row.values.resize(rr.size());
        row.is_null.resize(rr.size());
        for (std::size_t i = 0; i < rr.size(); ++i) {
          if (rr[static_cast<pqxx::row::size_type>(i)].is_null()) {
            row.is_null[i] = true;
          } else {
            const auto& f = rr[static_cast<pqxx::row::size_type>(i)];
            row.values[i].assign(f.c_str(), f.size());
          }
        }
        rows.push_back(std::move(row));
      }
      return rows;
    });
  }

  Result<std::int64_t> Execute(std::string_view sql, std::span<const SqlParam> params) override {
    return PgGuard(s_, "statement",
                   [&]() -> Result<std::int64_t> { return static_cast<std::int64_t>(Run(sql, params).affected_rows()); });
  }

 private:
  pqxx::result Run(std::string_view sql, std::span<const SqlParam> params) {
    auto it = s_.prepared_.find(sql);
    if (it == s_.prepared_.end()) {
      const std::string name = "cw_s" + std::to_string(s_.prepared_.size());
      s_.conn_->prepare(name, std::string(sql));
      it = s_.prepared_.emplace(std::string(sql), name).first;
    }
    std::vector<std::string> texts;
    std::vector<bool> null(params.size(), false);
    texts.reserve(params.size());
    for (const SqlParam& p : params) {
      const double* d = std::get_if<double>(&p);
      if (std::holds_alternative<std::monostate>(p) || (d && std::isnan(*d))) {
        null[texts.size()] = true;
        texts.emplace_back();
      } else if (const auto* v = std::get_if<std::int64_t>(&p)) {
        texts.push_back(std::to_string(*v));
      } else if (d) {
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, *d);
        texts.emplace_back(buf, res.ptr);
      } else if (const auto* t = std::get_if<std::string>(&p)) {
        texts.push_back(*t);
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string hex = "\\x";
        for (unsigned char c : std::get<SqlBlob>(p).bytes) {
          hex += kHex[c >> 4];
          hex += kHex[c & 15];
        }
        texts.push_back(std::move(hex));
      }
    }
    std::vector<const char*> values(texts.size());  // nullptr: SQL NULL
    for (std::size_t i = 0; i < texts.size(); ++i) values[i] = null[i] ? nullptr : texts[i].c_str();
    return w_.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(values));
  }

  PostgresStore& s_;
  pqxx::work& w_;
};

Status PostgresStore::InTransaction(const std::function<Status(SqlTxn&)>& body) {
  if (load_open) return Status::Internal("InTransaction while a load session is open");
  return PgGuard(*this, "transaction", [&]() -> Status {
    pqxx::work w(*conn_);
    PostgresSqlTxn txn(*this, w);
    Status st = body(txn);
    if (!st.ok()) return st;  // pqxx::work rolls back on destruction
    w.commit();
    return Status::OK();
  });
}

}  // namespace churnwatch::store_internal
