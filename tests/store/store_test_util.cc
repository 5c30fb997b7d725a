#include "store_test_util.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>
#include <unistd.h>

namespace churnwatch::testing {
namespace {

std::string ReplaceDatabase(const std::string& url, const std::string& db) {
  // postgresql://user@host:port/dbname[?params] -> same with another dbname.
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme + 3);
  const auto query = url.find('?', scheme + 3);
  std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  std::string params = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + db + params;
}

std::string SqlitePath(const std::string& url) { return url.substr(std::string("sqlite:").size()); }

}  // namespace

std::unique_ptr<TestDatabase> TestDatabase::Create(const std::string& backend, std::string& why) {
  std::unique_ptr<TestDatabase> db(new TestDatabase());
  db->backend_ = backend;
  if (backend == "sqlite") {
    db->dir_ = std::make_unique<TempDir>();
    db->url_ = "sqlite:" + (db->dir_->path() / "store.db").string();
    return db;
  }
  const char* env = std::getenv(kPgUrlEnv);
  if (!env || !*env) {
    why = std::string(kPgUrlEnv) + " is not set, so there is no PostgreSQL test server (run the tests through "
          "scripts/with-postgres, as `make test` does); skipping the PostgreSQL case";
    return nullptr;
  }
  static std::atomic<int> counter{0};
  std::random_device rd;
  db->pg_admin_url_ = env;
  db->pg_db_name_ = "cw_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
  try {
    pqxx::connection c(db->pg_admin_url_);
    pqxx::nontransaction n(c);
    n.exec("CREATE DATABASE " + db->pg_db_name_);
  } catch (const std::exception& e) {
    why = std::string("cannot create a test database on ") + env + ": " + e.what() + "; skipping the PostgreSQL case";
    return nullptr;
  }
  db->url_ = ReplaceDatabase(db->pg_admin_url_, db->pg_db_name_);
  return db;
}

TestDatabase::~TestDatabase() {
  if (pg_db_name_.empty()) return;
  try {
    pqxx::connection c(pg_admin_url_);
    pqxx::nontransaction n(c);
    n.exec("DROP DATABASE IF EXISTS " + pg_db_name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The server goes away with scripts/with-postgres anyway.
  }
}

std::int64_t TestDatabase::QueryInt(const std::string& sql) const {
  if (backend_ == "sqlite") {
    sqlite3* db = nullptr;
    sqlite3_open_v2(SqlitePath(url_).c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_stmt* st = nullptr;
    std::int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    else
      ADD_FAILURE() << "query failed: " << sql << ": " << sqlite3_errmsg(db);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
  }
  pqxx::connection c(url_);
  pqxx::nontransaction n(c);
  return n.exec1(sql)[0].as<std::int64_t>();
}

void TestDatabase::Execute(const std::string& sql) const {
  if (backend_ == "sqlite") {
    sqlite3* db = nullptr;
    sqlite3_open_v2(SqlitePath(url_).c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) ADD_FAILURE() << sql << ": " << err;
    sqlite3_free(err);
    sqlite3_close(db);
    return;
  }
  pqxx::connection c(url_);
  pqxx::nontransaction n(c);
  n.exec(sql);
}

}  // namespace churnwatch::testing
