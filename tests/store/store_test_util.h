#pragma once
// Helpers for the store tests: a private database per test on either backend, and direct
// SQL access to look behind the Store interface (schema_migrations, the load log).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "test_helpers.h"

namespace churnwatch::testing {

/// Environment variable naming the PostgreSQL server scripts/with-postgres starts.
inline constexpr const char* kPgUrlEnv = "CHURNWATCH_TEST_PG_URL";

/// A store URL private to one test: a fresh SQLite file in a temp dir, or a freshly
/// created PostgreSQL database (dropped again on destruction) on the test server.
class TestDatabase {
 public:
  /// `backend` is "sqlite" or "postgresql". For postgresql returns nullopt with `why` set
  /// when no test server is configured or reachable.
  static std::unique_ptr<TestDatabase> Create(const std::string& backend, std::string& why);
  ~TestDatabase();
  const std::string& url() const { return url_; }
  const std::string& backend() const { return backend_; }

  /// Runs a query returning one integer (first row, first column) directly in SQL.
  std::int64_t QueryInt(const std::string& sql) const;
  /// Runs a statement directly in SQL (no result).
  void Execute(const std::string& sql) const;

 private:
  TestDatabase() = default;
  std::string backend_, url_;
  std::string pg_admin_url_, pg_db_name_;
  std::unique_ptr<TempDir> dir_;
};

}  // namespace churnwatch::testing

/// Skips the PostgreSQL instance of a test with a clear message when no server is set up.
#define CW_OPEN_TEST_DATABASE(var, backend)                                                   \
  std::string var##_why;                                                                     \
  auto var = ::churnwatch::testing::TestDatabase::Create(backend, var##_why);                \
  if (!var) GTEST_SKIP() << var##_why
