#pragma once
// Numbered schema migrations shared by both stores. Each migration is applied once, inside
// one transaction together with its row in `schema_migrations`, so a database is always at
// exactly one version; the SQL differs per dialect only where the type systems differ.

#include <span>
#include <string_view>

namespace churnwatch::store_internal {

enum class Dialect { kSqlite, kPostgres };

struct Migration {
  int version;
  std::string_view description;
  std::string_view sqlite_sql;    // one or more statements separated by ';'
  std::string_view postgres_sql;  // one or more statements (sent as one simple query)

  std::string_view Sql(Dialect d) const { return d == Dialect::kSqlite ? sqlite_sql : postgres_sql; }
};

/// All migrations in ascending version order; the last one's version is the newest schema.
std::span<const Migration> Migrations();
int LatestSchemaVersion();

/// The bookkeeping table itself, created (if missing) before any migration runs.
std::string_view CreateMigrationsTableSql(Dialect d);

}  // namespace churnwatch::store_internal
