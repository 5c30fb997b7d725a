// Store::Open: picks the implementation from the URL scheme (docs/store.md).
#include "churnwatch/store.h"

#include <charconv>
#include <filesystem>
#include <string>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace churnwatch {

std::string_view TableName(Table t) {
  switch (t) {
    case Table::kTransactions: return "transactions";
    case Table::kCustomers: return "customers";
    case Table::kEvents: return "events";
  }
  return "unknown";
}

namespace {
// The file path of a `sqlite:` URL; the URI-like spelling sqlite:///abs/path is accepted too.
std::string_view SqlitePath(std::string_view url) {
  std::string_view path = url.substr(7);
  if (path.starts_with("//")) path.remove_prefix(2);
  return path;
}
}  // namespace

Result<std::unique_ptr<Store>> Store::Open(std::string_view url, UnwrittenNewStore unwritten) {
  if (url.starts_with("sqlite:")) return store_internal::SqliteStore::Open(SqlitePath(url), unwritten);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return store_internal::PostgresStore::Open(url);
  return Status::InvalidArgument("store URL '" + std::string(url) +
                                 "' has an unknown scheme (use sqlite:PATH or postgresql://USER@HOST:PORT/DB)");
}

Result<std::unique_ptr<Store>> Store::OpenExisting(std::string_view url) {
  if (url.starts_with("sqlite:")) {
    const std::string path(SqlitePath(url));
    std::error_code ec;
    if (!path.empty() && !std::filesystem::exists(path, ec))
      return Status::NotFound("no store at '" + path + "' (load data into it first: churnwatch ingest --db " + std::string(url) +
                              " ...)");
  }
  return Open(url);
}

std::int64_t SqlRow::Int(std::size_t i) const {
  std::int64_t v = 0;
  const std::string& t = values[i];
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

double SqlRow::Number(std::size_t i) const {
  if (is_null[i]) return kNaN;
  double v = kNaN;
  const std::string& t = values[i];
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

Status Store::InTransaction(const std::function<Status(SqlTxn&)>&) {
  return Status::Unavailable(std::string(Backend()) + " store has no service tables");
}

}  // namespace churnwatch
