// Checks that no raw personal value reaches the database files: a customers CSV with a
// planted phone number, e-mail and name is ingested into SQLite (and into PostgreSQL when
// scripts/with-postgres provides a server), then every byte of the database files (SQLite:
// the .db, -wal and -shm files; PostgreSQL: the whole data directory after a CHECKPOINT) is
// searched for the raw strings and their normalised forms. As a control, the customer id
// and the e-mail digest must be found, proving the search sees the stored rows.
#include <cstdlib>
#include <filesystem>
#include <set>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "churnwatch/ingest.h"
#include "store/store_test_util.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::TempDir;
using testing::WriteFile;

const char* kPhone = "+86 138-0013-8000";
const char* kPhoneDigits = "8613800138000";
const char* kEmail = "Planted.Person@Example.com";
const char* kEmailNorm = "planted.person@example.com";
const char* kName = "Zhang Plantedname";

// Which of `needles` occur anywhere in the files under `root` (a file or a folder).
std::set<std::string> FindIn(const std::vector<std::filesystem::path>& roots, const std::vector<std::string>& needles) {
  std::set<std::string> found;
  auto scan = [&](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    std::string bytes = s.str();
    for (const auto& n : needles)
      if (bytes.find(n) != std::string::npos) found.insert(n);
  };
  for (const auto& root : roots) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(root, ec)) {
      scan(root);
    } else if (std::filesystem::is_directory(root, ec)) {
      // The server writes while we walk: a file that vanishes under us (a temporary file, a
      // recycled WAL segment) is skipped, and a directory that does ends the walk, instead of
      // an exception from operator++ (which a rare race turned into a failure).
      std::error_code walk;
      std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::skip_permission_denied, walk);
      for (const std::filesystem::recursive_directory_iterator end; !walk && it != end; it.increment(walk)) {
        std::error_code file;
        if (it->is_regular_file(file)) scan(it->path());
      }
    }
  }
  return found;
}

void IngestPlanted(const std::string& url, const TempDir& dir) {
  WriteFile(dir / "customers.csv", std::string("customer_id,phone,email,name,tier\n") + "PLANTED-CUST-1,\"" + kPhone + "\"," +
                                       kEmail + "," + kName + ",gold\nPLANTED-CUST-2,,,,silver\n");
  auto m = ParseMapping("[customers.fields]\ncustomer_id = \"customer_id\"\nphone = \"phone\"\nemail = \"email\"\n"
                        "name = \"name\"\nmember_tier = \"tier\"\n",
                        "pii.toml", dir.path().string());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto store = Store::Open(url);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  IngestOptions opt;
  opt.pii_key = "test-key-0123456789";
  opt.rejects_dir = dir.path().string();
  IngestInputs in;
  in.customers = (dir / "customers.csv").string();
  auto r = Ingest(*m, in, store->get(), opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.rows_loaded, 2);
}

std::vector<std::string> Forbidden() { return {kPhone, kPhoneDigits, "138-0013-8000", "13800138000", kEmail, kEmailNorm, kName, "Plantedname", "zhang plantedname"}; }

TEST(IngestPii, NoRawPersonalDataInSqliteFiles) {
  CW_OPEN_TEST_DATABASE(db, "sqlite");
  TempDir dir;
  IngestPlanted(db->url(), dir);
  std::filesystem::path file = db->url().substr(std::string("sqlite:").size());
  std::vector<std::filesystem::path> files = {file, file.string() + "-wal", file.string() + "-shm", file.string() + "-journal"};
  auto found = FindIn(files, Forbidden());
  EXPECT_TRUE(found.empty()) << "raw personal data in the database files: " << *found.begin();
  auto control = FindIn(files, {"PLANTED-CUST-1", HmacSha256Hex("test-key-0123456789", kEmailNorm)});
  EXPECT_EQ(control.size(), 2u) << "the search does not see the stored rows";
}

TEST(IngestPii, NoRawPersonalDataInPostgresFiles) {
  CW_OPEN_TEST_DATABASE(db, "postgresql");
  TempDir dir;
  IngestPlanted(db->url(), dir);
  std::string data_dir;
  {
    pqxx::connection c(std::getenv(testing::kPgUrlEnv));
    pqxx::nontransaction tx(c);
    tx.exec("CHECKPOINT");  // push the rows from shared buffers into the data files
    data_dir = tx.exec1("SHOW data_directory")[0].as<std::string>();
  }
  ASSERT_TRUE(std::filesystem::is_directory(data_dir)) << data_dir << " (the server must be local)";
  auto found = FindIn({data_dir}, Forbidden());
  EXPECT_TRUE(found.empty()) << "raw personal data in the PostgreSQL data directory: " << *found.begin();
  auto control = FindIn({data_dir}, {"PLANTED-CUST-1", HmacSha256Hex("test-key-0123456789", kEmailNorm)});
  EXPECT_EQ(control.size(), 2u) << "the search does not see the stored rows";
}

}  // namespace
}  // namespace churnwatch
