#include "store/sqlite_util.h"

#include <cmath>

#include "churnwatch/types.h"

namespace churnwatch::store_internal {

void SqliteStmt::BindDouble(int i, double v) {
  if (std::isnan(v))
    sqlite3_bind_null(s_, i);
  else
    sqlite3_bind_double(s_, i, v);
}

double SqliteStmt::Double(int i) const {
  return sqlite3_column_type(s_, i) == SQLITE_NULL ? kNaN : sqlite3_column_double(s_, i);
}

Status SqliteError(sqlite3* db, int rc, std::string_view path, std::string_view context) {
  std::string msg = "sqlite:" + std::string(path) + ": " + std::string(context) + ": " +
                    (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return Status::IOError(std::move(msg));
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Status::DataError(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(msg));
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return Status::PermissionDenied(std::move(msg));
    default:
      return Status::Internal(std::move(msg));
  }
}

}  // namespace churnwatch::store_internal
