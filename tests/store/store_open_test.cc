// Checks every error Store::Open can return, with its code and message: unknown scheme,
// empty SQLite path, a directory that does not exist, a file that is not a database, a
// malformed PostgreSQL URL and a server that is not listening (password masked); and how a
// new SQLite store comes into existence (or, when asked, does not if nothing is written).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

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
  r->reset();
  EXPECT_TRUE(std::filesystem::exists(path));
  auto again = Store::Open("sqlite:" + path.string());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->SchemaVersion(), 6);  // every migration, service tables to buckets
}

// A new SQLite store is built beside its path and appears there whole: at its first
// committed load, at any other write, or when closed unwritten (empty and migrated).
TEST(StoreOpen, NewSqliteStoreAppearsAtItsPathWhenFirstWrittenOrClosed) {
  testing::TempDir dir;
  const auto path = dir / "new.db";
  auto files = [&] {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };
  const std::string partial = "new.db.partial-" + std::to_string(::getpid());
  {
    auto s = Store::Open("sqlite:" + path.string());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(files(), std::vector<std::string>{partial});
    {
      auto rolled_back = (*s)->BeginLoad({Table::kTransactions, "a.csv", "fp"});
      ASSERT_TRUE(rolled_back.ok());
      Transaction t;
      t.key = {1, 2};
      t.ts = 100;
      ASSERT_TRUE((*rolled_back)->AppendTransactions({&t, 1}).ok());
    }  // destroyed uncommitted: rolled back, still nothing at the path
    EXPECT_EQ(files(), std::vector<std::string>{partial});
    auto load = (*s)->BeginLoad({Table::kTransactions, "a.csv", "fp"});
    ASSERT_TRUE(load.ok());
    Transaction t;
    t.key = {3, 4};
    t.ts = 200;
    ASSERT_TRUE((*load)->AppendTransactions({&t, 1}).ok());
    auto counts = (*load)->Commit();
    ASSERT_TRUE(counts.ok()) << counts.status().ToString();
    EXPECT_EQ(counts->inserted, 1);
    EXPECT_TRUE(std::filesystem::exists(path));
    const auto after = files();
    EXPECT_EQ(std::count(after.begin(), after.end(), partial), 0);
    EXPECT_EQ(*(*s)->CountRows(Table::kTransactions), 1);  // the same Store goes on, on the published file
  }
  {
    auto s = Store::Open("sqlite:" + path.string());
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(*(*s)->CountRows(Table::kTransactions), 1);
  }
  const auto other = dir / "docs.db";
  {
    auto s = Store::Open("sqlite:" + other.string());
    ASSERT_TRUE(s.ok());
    EXPECT_FALSE(std::filesystem::exists(other));
    ASSERT_TRUE((*s)->PutDocument("c", "k", "{}").ok());
    EXPECT_TRUE(std::filesystem::exists(other));
    EXPECT_EQ(*(*s)->GetDocument("c", "k"), std::optional<std::string>("{}"));
  }
}

// Opened with UnwrittenNewStore::kDiscard (as `churnwatch ingest` does), a new store that
// nothing was written to vanishes when closed, a rolled-back load included; once a load
// commits it is an ordinary store, kept like any other.
TEST(StoreOpen, UnwrittenNewStoreIsDiscardedWhenAsked) {
  testing::TempDir dir;
  const auto path = dir / "d.db";
  {
    auto s = Store::Open("sqlite:" + path.string(), UnwrittenNewStore::kDiscard);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto load = (*s)->BeginLoad({Table::kTransactions, "a.csv", "fp"});
    ASSERT_TRUE(load.ok());
    Transaction t;
    t.key = {1, 2};
    t.ts = 100;
    ASSERT_TRUE((*load)->AppendTransactions({&t, 1}).ok());
  }  // rolled back, then closed unwritten
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "a file was left in " << dir.path();
  {
    auto s = Store::Open("sqlite:" + path.string(), UnwrittenNewStore::kDiscard);
    ASSERT_TRUE(s.ok());
    auto load = (*s)->BeginLoad({Table::kTransactions, "a.csv", "fp"});
    ASSERT_TRUE(load.ok());
    Transaction t;
    t.key = {3, 4};
    t.ts = 200;
    ASSERT_TRUE((*load)->AppendTransactions({&t, 1}).ok());
    ASSERT_TRUE((*load)->Commit().ok());
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  {
    // An existing store is never removed, whatever the option.
    auto s = Store::Open("sqlite:" + path.string(), UnwrittenNewStore::kDiscard);
    ASSERT_TRUE(s.ok());
  }
  auto s = Store::OpenExisting("sqlite:" + path.string());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*(*s)->CountRows(Table::kTransactions), 1);
}

// A partial file whose process is gone (killed while building) is removed by the next Open;
// one of a live process is left alone.
TEST(StoreOpen, StalePartialFilesAreRemovedOnOpen) {
  testing::TempDir dir;
  const auto path = dir / "s.db";
  // Process ids above pid_max (at most 2^22) never exist.
  testing::WriteFile(dir / "s.db.partial-99999999", "x");
  testing::WriteFile(dir / ("s.db.partial-" + std::to_string(::getppid())), "x");
  testing::WriteFile(dir / "s.db.partial-notapid", "x");
  testing::WriteFile(dir / "s.db.partial-1234567890123456789012345", "x");  // not a pid: left, no crash
  { ASSERT_TRUE(Store::Open("sqlite:" + path.string()).ok()); }
  EXPECT_TRUE(std::filesystem::exists(dir / "s.db.partial-1234567890123456789012345"));
  EXPECT_FALSE(std::filesystem::exists(dir / "s.db.partial-99999999"));
  EXPECT_TRUE(std::filesystem::exists(dir / ("s.db.partial-" + std::to_string(::getppid()))));
  EXPECT_TRUE(std::filesystem::exists(dir / "s.db.partial-notapid"));
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
