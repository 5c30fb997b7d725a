// Checks every error Store::Open can return, with its code and message: unknown scheme,
// empty SQLite path, a directory that does not exist, a file that is not a database, a
// malformed PostgreSQL URL and a server that is not listening (password masked).
#include <gtest/gtest.h>

#include "churnwatch/store.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

TEST(StoreOpen, UnknownSchemeIsInvalidArgument) {
  auto r = Store::Open("mysql://localhost/db");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "store URL 'mysql://localhost/db' has an unknown scheme (use sqlite:PATH or postgresql://USER@HOST:PORT/DB)");
  EXPECT_EQ(Store::Open("churnwatch.db").status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreOpen, EmptySqlitePathIsInvalidArgument) {
  auto r = Store::Open("sqlite:");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "store URL 'sqlite:' names no database file (use sqlite:PATH)");
}

TEST(StoreOpen, MissingDirectoryIsIOErrorNamingIt) {
  testing::TempDir dir;
  const auto path = dir / "no/such/dir/x.db";
  auto r = Store::Open("sqlite:" + path.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_EQ(r.status().message(), "sqlite:" + path.string() + ": cannot open database: unable to open database file "
                                  "(directory '" + (dir / "no/such/dir").string() + "' does not exist)");
}

TEST(StoreOpen, FileThatIsNotADatabaseIsDataError) {
  testing::TempDir dir;
  const auto path = dir / "orders.csv";
  testing::WriteFile(path, std::string(8192, 'x'));
  auto r = Store::Open("sqlite:" + path.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_EQ(r.status().message(), "sqlite:" + path.string() + ": enable WAL: file is not a database");
}

TEST(StoreOpen, SqliteUriSpellingAndReopenWork) {
  testing::TempDir dir;
  const auto path = dir / "a.db";
  auto r = Store::Open("sqlite://" + path.string());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Backend(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(StoreOpen, MalformedPostgresUrlIsInvalidArgument) {
  auto r = Store::Open("postgresql://u:secret@localhost:notaport/db?bogus_option=1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("store URL 'postgresql://u:***@localhost:notaport/db?bogus_option=1' is malformed: ", 0), 0u)
      << r.status().message();
  EXPECT_EQ(r.status().message().find("secret"), std::string::npos);
}

TEST(StoreOpen, UnreachableServerIsUnavailableWithTheServerMessage) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  auto r = Store::Open("postgres://churnwatch:pw@127.0.0.1:1/churnwatch");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message().rfind("cannot connect to postgres://churnwatch:***@127.0.0.1:1/churnwatch: ", 0), 0u)
      << r.status().message();
  EXPECT_NE(r.status().message().find("Connection refused"), std::string::npos) << r.status().message();
}

TEST(StoreOpen, UnknownDatabaseOnALiveServerIsUnavailable) {
  const char* url = std::getenv(testing::kPgUrlEnv);
  if (!url) GTEST_SKIP() << testing::kPgUrlEnv << " is not set (run under scripts/with-postgres); skipping";
  std::string u = url;
  u = u.substr(0, u.rfind('/')) + "/no_such_database_here";
  auto r = Store::Open(u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("database \"no_such_database_here\" does not exist"), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace churnwatch
