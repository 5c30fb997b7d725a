// Checks the ingest driver on the hand-written fixtures of tests/fixtures/ingest/ (see
// the README there for the line-by-line expectations): every rejection reason with its
// line, column and value in the rejects file, the counting identity, duplicates, returns,
// exclusions, value maps, time-zone conversion, RowKey stability, and every error kind
// (missing input, column not in header, input without a mapping section, personal fields
// without a key, unwritable rejects folder, a truncated gzip that loads nothing, a header
// that is not UTF-8), the negative_amount return rule, and rejects files without personal
// data. Uses an in-memory store that keeps rows by
// RowKey like the real stores do.
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "churnwatch/ingest.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::ReadFile;
using testing::SourceFile;
using testing::TempDir;
using testing::WriteFile;

// A Store that keeps canonical rows in memory, keyed by RowKey (UNIQUE, as in SQLite/PG).
class MemoryStore : public Store {
 public:
  std::map<std::string, Transaction> tx;
  std::map<std::string, Customer> cu;
  std::map<std::string, Event> ev;
  int commits = 0;
  bool fail_commit = false;  // the next Commit fails (a store error at the very end of a load)

  std::string_view Backend() const override { return "memory"; }
  int SchemaVersion() const override { return 1; }
  Result<std::unique_ptr<LoadSession>> BeginLoad(const LoadInfo&) override {
    return std::unique_ptr<LoadSession>(new Session(this));
  }
  Status ScanTransactions(const RowSink<Transaction>&) override { return Status::OK(); }
  Status ScanCustomers(const RowSink<Customer>&) override { return Status::OK(); }
  Status ScanEvents(const RowSink<Event>&) override { return Status::OK(); }
  Result<std::int64_t> CountRows(Table) override { return std::int64_t{0}; }
  Status ReplaceResultTable(std::string_view, const ResultTable&) override { return Status::OK(); }
  Result<ResultTable> ReadResultTable(std::string_view) override { return Status::NotFound("none"); }
  Status PutDocument(std::string_view, std::string_view, std::string_view) override { return Status::OK(); }
  Result<std::optional<std::string>> GetDocument(std::string_view, std::string_view) override {
    return std::optional<std::string>();
  }
  Result<std::vector<std::string>> ListDocumentKeys(std::string_view) override { return std::vector<std::string>(); }

 private:
  class Session : public LoadSession {
   public:
    explicit Session(MemoryStore* s) : s_(s) {}
    Status AppendTransactions(std::span<const Transaction> rows) override {
      for (const auto& r : rows) tx_.push_back(r);
      return Status::OK();
    }
    Status AppendCustomers(std::span<const Customer> rows) override {
      for (const auto& r : rows) cu_.push_back(r);
      return Status::OK();
    }
    Status AppendEvents(std::span<const Event> rows) override {
      for (const auto& r : rows) ev_.push_back(r);
      return Status::OK();
    }
    Status SetSourceFingerprint(std::string_view fingerprint) override {
      fingerprint_ = std::string(fingerprint);
      return Status::OK();
    }
    Result<LoadCounts> Commit() override {
      // Ingest hashes the file while it loads it and hands the digest over before committing.
      EXPECT_EQ(fingerprint_.size(), 64u);  // SHA-256 hex
      if (s_->fail_commit) return Status::Unavailable("the store went away");
      LoadCounts c;
      auto put = [&](auto& table, const auto& rows) {
        for (const auto& r : rows) (table.emplace(r.key.ToHex(), r).second ? c.inserted : c.already_present)++;
      };
      put(s_->tx, tx_);
      put(s_->cu, cu_);
      put(s_->ev, ev_);
      ++s_->commits;
      return c;
    }

   private:
    MemoryStore* s_;
    std::vector<Transaction> tx_;
    std::vector<Customer> cu_;
    std::vector<Event> ev_;
    std::string fingerprint_;
  };
};

std::string Fixture(const char* name) { return SourceFile(std::string("tests/fixtures/ingest/") + name).string(); }

Mapping LoadFixtureMapping() {
  auto m = LoadMapping(Fixture("rejects.toml"));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

// Rows of a CSV file, split naively on commas outside quotes (enough for our own output).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool q = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (q) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') q = false;
      else field += c;
    } else if (c == '"') {
      q = true;
    } else if (c == ',') {
      rows.back().push_back(field), field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field), field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

void ExpectIdentity(const IngestCounts& c) {
  EXPECT_EQ(c.rows_read, c.rows_loaded + c.already_present + c.rows_rejected + c.duplicates_skipped -
                             c.rejected_duplicates + c.rows_excluded);
}

TEST(Ingest, EveryTransactionRejectReasonWithLineColumnAndValue) {
  TempDir dir;
  Mapping m = LoadFixtureMapping();
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  IngestInputs in;
  in.transactions = Fixture("rejects_transactions.csv");
  auto r = Ingest(m, in, &store, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const IngestCounts& c = r->totals;
  EXPECT_EQ(c.rows_read, 16);
  EXPECT_EQ(c.rows_loaded, 4);
  EXPECT_EQ(c.rows_rejected, 10);
  EXPECT_EQ(c.duplicates_skipped, 2);
  EXPECT_EQ(c.rejected_duplicates, 1);
  EXPECT_EQ(c.rows_excluded, 1);
  EXPECT_EQ(c.excluded_by_rule.at("test_orders"), 1);
  ExpectIdentity(c);
  std::map<std::string, std::int64_t> expected = {
      {"missing_customer_id", 2}, {"missing_field", 1}, {"bad_date", 1},    {"bad_number", 1},
      {"wrong_field_count", 1},   {"bad_channel", 1},   {"bad_boolean", 1}, {"bad_utf8", 1},
      {"unterminated_quote", 1}};
  EXPECT_EQ(c.rejected_by_reason, expected);
  EXPECT_EQ(r->customers, 3);  // C1, C3, C4

  ASSERT_EQ(r->files.size(), 1u);
  const std::string& rejects_path = r->files[0].rejects_file;
  EXPECT_EQ(rejects_path, (dir / "rejects_transactions.csv.rejects.csv").string());
  auto rows = ParseCsv(ReadFile(rejects_path));
  ASSERT_EQ(rows.size(), 11u);  // header + 10
  EXPECT_EQ(rows[0], (std::vector<std::string>{"file", "line", "column", "value", "reason", "detail", "record"}));
  // line -> {column, value, reason}
  std::map<std::string, std::vector<std::string>> by_line;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 7u);
    EXPECT_EQ(rows[i][0], in.transactions);
    by_line[rows[i][1]] = {rows[i][2], rows[i][3], rows[i][4]};
  }
  EXPECT_EQ(by_line["3"], (std::vector<std::string>{"customer_id", "", "missing_customer_id"}));
  EXPECT_EQ(by_line["4"], (std::vector<std::string>{"ts", "", "missing_field"}));
  EXPECT_EQ(by_line["5"], (std::vector<std::string>{"ts", "2011-02-30 10:00:00", "bad_date"}));
  EXPECT_EQ(by_line["6"], (std::vector<std::string>{"qty", "x", "bad_number"}));
  EXPECT_EQ(by_line["7"][2], "wrong_field_count");
  EXPECT_EQ(by_line["8"], (std::vector<std::string>{"channel", "telepathy", "bad_channel"}));
  EXPECT_EQ(by_line["9"], (std::vector<std::string>{"is_return", "maybe", "bad_boolean"}));
  EXPECT_EQ(by_line["13"][2], "bad_utf8");
  EXPECT_EQ(by_line["15"][2], "missing_customer_id");
  EXPECT_EQ(by_line["18"][2], "unterminated_quote");
  // The raw record travels with the reject, so the source can be fixed.
  EXPECT_EQ(rows[1][6], "O2,,2011-01-02 10:00:00,1,1.0,store,0");

  // The loaded rows, by hand from the fixture.
  ASSERT_EQ(store.tx.size(), 4u);
  std::map<std::string, Transaction> by_order;
  for (const auto& [k, t] : store.tx) by_order[t.order_id] = t;
  const Transaction& o1 = by_order.at("O1");
  EXPECT_EQ(o1.customer_id, "C1");
  EXPECT_DOUBLE_EQ(o1.amount, 7.0);  // 2 x 3.5
  EXPECT_DOUBLE_EQ(o1.quantity, 2);
  EXPECT_EQ(o1.channel, Channel::kStore);
  EXPECT_FALSE(o1.is_return);
  EXPECT_EQ(FormatIsoTimestamp(o1.ts), "2011-01-02 10:00:00");
  const Transaction& o9 = by_order.at("O9\nsecond line");
  EXPECT_EQ(o9.channel, Channel::kStore);  // POS mapped to store
  const Transaction& o10 = by_order.at("O10");
  EXPECT_TRUE(o10.is_return);              // is_return = 1
  EXPECT_DOUBLE_EQ(o10.quantity, -1);
  EXPECT_DOUBLE_EQ(o10.amount, -4.0);
  const Transaction& cx = by_order.at("CX1");
  EXPECT_TRUE(cx.is_return);               // order prefix C
  EXPECT_DOUBLE_EQ(cx.amount, -10.0);
  EXPECT_EQ(FormatIsoTimestamp(*r->first_ts), "2011-01-02 10:00:00");
  EXPECT_EQ(FormatIsoTimestamp(*r->last_ts), "2011-01-05 09:30:00");
  EXPECT_TRUE(std::isnan(o1.discount));
}

TEST(Ingest, EventRejectReasonsAndTypeMap) {
  TempDir dir;
  Mapping m = LoadFixtureMapping();
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  IngestInputs in;
  in.events = Fixture("bad_events.csv");
  auto r = Ingest(m, in, &store, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.rows_read, 6);
  EXPECT_EQ(r->totals.rows_loaded, 2);
  std::map<std::string, std::int64_t> expected = {
      {"bad_event_type", 1}, {"missing_field", 1}, {"bad_date", 1}, {"bad_number", 1}};
  EXPECT_EQ(r->totals.rejected_by_reason, expected);
  // The unknown type's reason lists the accepted ones (it cited a document users never see).
  ASSERT_FALSE(r->files.empty());
  const std::string rejects = ReadFile(r->files[0].rejects_file);
  EXPECT_NE(rejects.find("teleport"), std::string::npos) << rejects;
  EXPECT_NE(rejects.find("the types are visit, app_login, page_view, competitor_view, cart_add, cart_abandon, "
                         "coupon_issued, coupon_redeemed, service_contact, complaint, review, unsubscribe"),
            std::string::npos)
      << rejects;
  EXPECT_EQ(rejects.find("SPEC"), std::string::npos) << rejects;
  std::multiset<EventType> types;
  for (const auto& [k, e] : store.ev) types.insert(e.type);
  EXPECT_EQ(types, (std::multiset<EventType>{EventType::kAppLogin, EventType::kReview}));
  for (const auto& [k, e] : store.ev)
    if (e.type == EventType::kReview) {
      EXPECT_DOUBLE_EQ(e.value, 4);
    }
}

TEST(Ingest, ReloadAddsNothingAndKeysAreStable) {
  TempDir dir;
  Mapping m = LoadFixtureMapping();
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  IngestInputs in;
  in.transactions = Fixture("rejects_transactions.csv");
  auto first = Ingest(m, in, &store, opt);
  ASSERT_TRUE(first.ok());
  auto keys = store.tx;
  auto second = Ingest(m, in, &store, opt);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->totals.rows_loaded, 0);
  EXPECT_EQ(second->totals.already_present, 4);
  ExpectIdentity(second->totals);
  EXPECT_EQ(store.tx.size(), 4u);
  EXPECT_EQ(store.commits, 2);
}

TEST(Ingest, SameContentOnDistinctLinesLoadsBothAndKeptDuplicatesLoad) {
  TempDir dir;
  // Lines 2 and 3 differ only in an unmapped column: two real order lines, same canonical
  // content. Line 4 repeats line 3 exactly.
  WriteFile(dir / "o.csv", "id,cust,day,amt,note\n1,A,2011-01-01,5,red\n1,A,2011-01-01,5,blue\n1,A,2011-01-01,5,blue\n");
  std::string mapping = "[transactions]\nduplicates = \"%s\"\n[transactions.fields]\norder_id = \"id\"\ncustomer_id = \"cust\"\n"
                        "ts = \"day\"\namount = \"amt\"\n";
  for (const char* policy : {"skip", "keep"}) {
    std::string text = mapping;
    text.replace(text.find("%s"), 2, policy);
    auto m = ParseMapping(text, "m.toml", dir.path().string());
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    MemoryStore store;
    IngestOptions opt;
    IngestInputs in;
    in.transactions = (dir / "o.csv").string();
    auto r = Ingest(*m, in, &store, opt);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    bool keep = std::string(policy) == "keep";
    EXPECT_EQ(r->totals.duplicates_skipped, keep ? 0 : 1) << policy;
    EXPECT_EQ(r->totals.rows_loaded, keep ? 3 : 2) << policy;
    EXPECT_EQ(store.tx.size(), keep ? 3u : 2u) << policy;
    ExpectIdentity(r->totals);
  }
}

TEST(Ingest, TimezoneConversionAndEuropeanNumbers) {
  TempDir dir;
  WriteFile(dir / "eu.csv", "k;t;v\nA;31.12.2010 20:30;1.234,50\nB;2011-01-01T01:00:00+01:00;2,5\n");
  auto m = ParseMapping(R"(
business_timezone = "+08:00"
[transactions]
delimiter = ";"
decimal = ","
thousands = "."
timezone = "UTC"
date_format = ["%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M:%S%z"]
[transactions.fields]
customer_id = "k"
ts = "t"
amount = "v"
)", "m.toml", dir.path().string());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  MemoryStore store;
  IngestInputs in;
  in.transactions = (dir / "eu.csv").string();
  auto r = Ingest(*m, in, &store, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(store.tx.size(), 2u);
  std::map<std::string, Transaction> by;
  for (const auto& [k, t] : store.tx) by[t.customer_id] = t;
  EXPECT_DOUBLE_EQ(by["A"].amount, 1234.5);
  EXPECT_EQ(FormatIsoTimestamp(by["A"].ts), "2011-01-01 04:30:00");  // 20:30 UTC = 04:30 at +08:00
  EXPECT_DOUBLE_EQ(by["B"].amount, 2.5);
  EXPECT_EQ(FormatIsoTimestamp(by["B"].ts), "2011-01-01 08:00:00");  // 01:00 at +01:00 = 00:00 UTC
}

TEST(Ingest, NoExcludeLoadsExcludedRows) {
  TempDir dir;
  Mapping m = LoadFixtureMapping();
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  opt.apply_exclusions = false;
  IngestInputs in;
  in.transactions = Fixture("rejects_transactions.csv");
  auto r = Ingest(m, in, &store, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->totals.rows_excluded, 0);
  EXPECT_EQ(r->totals.rows_loaded, 5);
}

TEST(Ingest, PersonalFieldsAreHashedAndNeedAKey) {
  TempDir dir;
  WriteFile(dir / "c.csv", "id,phone,mail,who\n7,+86 138-0013-8000, Li.Wei@Example.COM ,Li  Wei\n8,,,\n");
  auto m = ParseMapping("[customers.fields]\ncustomer_id = \"id\"\nphone = \"phone\"\nemail = \"mail\"\nname = \"who\"\n",
                        "m.toml", dir.path().string());
  ASSERT_TRUE(m.ok());
  IngestInputs in;
  in.customers = (dir / "c.csv").string();
  MemoryStore store;
  auto no_key = Ingest(*m, in, &store, {});
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_key.status().message().find("CHURNWATCH_PII_KEY"), std::string::npos);
  EXPECT_TRUE(store.cu.empty());

  IngestOptions opt;
  opt.pii_key = "secret-key-0123456789";
  auto r = Ingest(*m, in, &store, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::string, Customer> by;
  for (const auto& [k, c] : store.cu) by[c.customer_id] = c;
  // Normalised before hashing: digits only, lower-cased trimmed e-mail, collapsed name.
  EXPECT_EQ(by["7"].phone_hash, HmacSha256Hex("secret-key-0123456789", "8613800138000"));
  EXPECT_EQ(by["7"].email_hash, HmacSha256Hex("secret-key-0123456789", "li.wei@example.com"));
  EXPECT_EQ(by["7"].name_hash, HmacSha256Hex("secret-key-0123456789", "li wei"));
  EXPECT_TRUE(by["8"].phone_hash.empty());
  // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Ingest, PiiKeyFromFileOrEnvironment) {
  TempDir dir;
  WriteFile(dir / "key", "  k3y-from-file-0123 \nsecond line ignored\n");
  EXPECT_EQ(*ResolvePiiKey((dir / "key").string()), "k3y-from-file-0123");
  WriteFile(dir / "empty", "\n");
  auto empty = ResolvePiiKey((dir / "empty").string());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  auto missing = ResolvePiiKey((dir / "nope").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
}

TEST(Ingest, ErrorKinds) {
  TempDir dir;
  Mapping m = LoadFixtureMapping();
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();

  IngestInputs missing;
  missing.transactions = (dir / "absent.csv").string();
  auto r = Ingest(m, missing, nullptr, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("absent.csv"), std::string::npos);

  IngestInputs customers;
  customers.customers = Fixture("bad_events.csv");
  r = Ingest(m, customers, nullptr, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("has no [customers] section"), std::string::npos);

  // A mapped column that the header lacks: names the mapping line and lists the header.
  WriteFile(dir / "h.csv", "order_id,customer,ts,qty,price,channel,is_return\n");
  IngestInputs wrong_header;
  wrong_header.transactions = (dir / "h.csv").string();
  r = Ingest(m, wrong_header, nullptr, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_NE(r.status().message().find("rejects.toml:11: column 'customer_id' is not in the file's header (order_id, customer, ts"),
            std::string::npos)
      << r.status().message();

  // Nothing named anywhere.
  auto bare = ParseMapping("[transactions.fields]\ncustomer_id = \"c\"\nts = \"t\"\namount = \"a\"\n", "m.toml", "/");
  r = Ingest(*bare, IngestInputs{}, nullptr, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("nothing to ingest"), std::string::npos);

  // Rejects cannot be written: IOError naming the path and the way out.
  IngestOptions ro = opt;
  WriteFile(dir / "file-not-dir", "x");
  ro.rejects_dir = (dir / "file-not-dir").string();
  IngestInputs tx;
  tx.transactions = Fixture("rejects_transactions.csv");
  r = Ingest(m, tx, nullptr, ro);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("--rejects-dir"), std::string::npos) << r.status().message();
}

TEST(Ingest, ExclusionByRegexAndSourceColumn) {
  TempDir dir;
  WriteFile(dir / "x.csv", "c,t,a,code,country\n1,2011-01-01,1,DCGS0070,UK\n2,2011-01-01,1,85123A,UK\n"
                            "3,2011-01-01,1,85123A,Unspecified\n4,2011-01-01,1,xDCGS,UK\n");
  auto m = ParseMapping(R"(
[transactions.fields]
customer_id = "c"
ts = "t"
amount = "a"
sku = "code"
[[transactions.exclude]]
name = "gift_codes"
field = "sku"
regex = "DCGS[0-9]+"
[[transactions.exclude]]
name = "no_country"
column = "country"
in = ["Unspecified"]
)", "m.toml", dir.path().string());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  IngestInputs in;
  in.transactions = (dir / "x.csv").string();
  auto r = Ingest(*m, in, nullptr, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // The regex must match the whole value: "xDCGS" is not excluded.
  EXPECT_EQ(r->totals.excluded_by_rule, (std::map<std::string, std::int64_t>{{"gift_codes", 1}, {"no_country", 1}}));
  EXPECT_EQ(r->totals.rows_loaded, 2);
}

TEST(Ingest, EmptyFilesLoadNothing) {
  TempDir dir;
  Mapping m = LoadFixtureMapping();
  WriteFile(dir / "empty.csv", "");
  WriteFile(dir / "header_only.csv", "order_id,customer_id,ts,qty,price,channel,is_return\r\n");
  for (const char* name : {"empty.csv", "header_only.csv"}) {
    MemoryStore store;
    IngestInputs in;
    in.transactions = (dir / name).string();
    auto r = Ingest(m, in, &store, {});
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().ToString();
    EXPECT_EQ(r->totals.rows_read, 0) << name;
    EXPECT_FALSE(r->first_ts.has_value());
    EXPECT_TRUE(r->files[0].rejects_file.empty());
  }
}

TEST(Ingest, MappingNamesItsInputRelativeToItself) {
  TempDir dir;
  Mapping m = LoadFixtureMapping();  // file = "rejects_transactions.csv" beside the mapping
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  IngestInputs in;  // nothing given: the mapping's files (transactions and events)
  auto r = Ingest(m, in, nullptr, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->files.size(), 2u);
  EXPECT_EQ(r->files[0].table, Table::kTransactions);
  EXPECT_EQ(r->files[1].table, Table::kEvents);
  EXPECT_EQ(r->totals.rows_read, 16 + 6);
  EXPECT_EQ(r->customers, 3 + 0);  // events loaded for C1 only, who also bought
}

// A file of several worker chunks (> 1 MiB each): rejects keep file order and their
// physical line numbers across chunk edges (quoted multi-line notes shift them), exact
// repeats are skipped by file order wherever they fall, and identical canonical rows get
// distinct keys in order.
TEST(Ingest, ManyChunksKeepFileOrderLinesAndDuplicates) {
  TempDir dir;
  std::string text = "id,cust,day,amt,note\n";
  std::int64_t line = 2;
  std::vector<std::int64_t> reject_lines;
  std::int64_t rows = 0, dups = 0, same_content = 0;
  std::string prev;  // the previous record's text
  for (int i = 0; i < 60000; ++i) {
    const std::size_t start = text.size();
    const std::string id = std::to_string(i);
    if (i % 997 == 0) {  // no customer: rejected on this record's first line
      text += id + ",,2011-01-01,5,\"two\nlines\"\n";
      reject_lines.push_back(line);
      line += 2;
    } else if (i % 1009 == 0) {  // an exact repeat of the previous (accepted) record
      text += prev;
      ++dups;
      line += 2;
    } else if (i % 1013 == 0) {  // same canonical content as the previous row, other note
      text += std::to_string(i - 1) + ",C" + std::to_string((i - 1) % 50) + ",2011-01-02,7,other\n";
      ++same_content;
      line += 1;
    } else {
      text += id + ",C" + std::to_string(i % 50) + ",2011-01-02,7,\"note, with \"\"quotes\"\"\nand a line\"\n";
      line += 2;
    }
    prev = text.substr(start);
    ++rows;
  }
  ASSERT_GT(text.size(), std::size_t{3} << 20);
  WriteFile(dir / "big.csv", text);
  auto m = ParseMapping("[transactions]\nduplicates = \"skip\"\n[transactions.fields]\norder_id = \"id\"\n"
                        "customer_id = \"cust\"\nts = \"day\"\namount = \"amt\"\n",
                        "m.toml", dir.path().string());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  IngestInputs in;
  in.transactions = (dir / "big.csv").string();
  auto r = Ingest(*m, in, &store, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const IngestCounts& c = r->totals;
  EXPECT_EQ(c.rows_read, rows);
  EXPECT_EQ(c.rows_rejected, static_cast<std::int64_t>(reject_lines.size()));
  EXPECT_EQ(c.duplicates_skipped, dups);
  EXPECT_EQ(c.rows_loaded, rows - static_cast<std::int64_t>(reject_lines.size()) - dups);
  EXPECT_EQ(store.tx.size(), static_cast<std::size_t>(c.rows_loaded));  // same content, distinct keys
  EXPECT_GT(same_content, 0);
  ExpectIdentity(c);
  auto csv = ParseCsv(ReadFile(r->files[0].rejects_file));
  ASSERT_EQ(csv.size(), reject_lines.size() + 1);
  for (std::size_t i = 0; i < reject_lines.size(); ++i) {
    EXPECT_EQ(csv[i + 1][1], std::to_string(reject_lines[i])) << "reject " << i;
    EXPECT_EQ(csv[i + 1][4], "missing_customer_id");
  }
}

// A truncated gzip export fails the load with an IOError naming the file; nothing of the
// file reaches the store (its load is atomic), even though many chunks had been merged. It
// leaves no rejects file either: the rows of its first part were never loaded.
TEST(Ingest, TruncatedGzipLoadsNothing) {
  TempDir dir;
  std::string text = "c,t,a\n";
  text += ",2011-01-01,5\n";  // rejected: no customer id
  for (int i = 0; i < 60000; ++i) text += "cust" + std::to_string(i % 5000) + ",2011-01-0" + std::to_string(1 + i % 9) + "," + std::to_string(i) + "\n";
  const std::string scratch = (dir / "whole.gz").string();
  gzFile gz = gzopen(scratch.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  const std::string bytes = ReadFile(scratch);
  WriteFile(dir / "cut.csv.gz", bytes.substr(0, bytes.size() * 3 / 4));
  auto m = ParseMapping("[transactions.fields]\ncustomer_id = \"c\"\nts = \"t\"\namount = \"a\"\n", "m.toml", "/");
  ASSERT_TRUE(m.ok());
  IngestInputs in;
  in.transactions = (dir / "cut.csv.gz").string();
  MemoryStore store;
  IngestOptions opt;
  opt.batch_rows = 1000;
  auto r = Ingest(*m, in, &store, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("cut.csv.gz: the gzip data is truncated or corrupt (unexpected end of file)"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(store.commits, 0);
  EXPECT_TRUE(store.tx.empty());
  EXPECT_FALSE(std::filesystem::exists(dir / "cut.csv.gz.rejects.csv"));
  // The whole file loads, with its rejects file.
  in.transactions = scratch;
  r = Ingest(*m, in, &store, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.rows_rejected, 1);
  EXPECT_TRUE(std::filesystem::exists(scratch + ".rejects.csv"));
}

// A till export without a quantity column writes a refund as a negative amount: with
// `negative_amount = true` such a row is a return (quantity -1); without it, as before.
TEST(Ingest, NegativeAmountReturnRule) {
  TempDir dir;
  WriteFile(dir / "till.csv", "receipt,member,time,total\nR1,m1,2011-01-01,25.5\nR2,m1,2011-01-02,-1\nR3,m2,2011-01-03,0\n");
  const std::string fields = "[transactions.fields]\norder_id = \"receipt\"\ncustomer_id = \"member\"\nts = \"time\"\namount = \"total\"\n";
  for (bool rule : {true, false}) {
    auto m = ParseMapping(fields + (rule ? "[transactions.returns]\nnegative_amount = true\n" : ""), "m.toml", "/");
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(m->transactions.returns.negative_amount, rule);
    IngestInputs in;
    in.transactions = (dir / "till.csv").string();
    MemoryStore store;
    auto r = Ingest(*m, in, &store, {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    std::map<std::string, Transaction> by;
    for (const auto& [k, t] : store.tx) by[t.order_id] = t;
    ASSERT_EQ(by.size(), 3u);
    EXPECT_FALSE(by["R1"].is_return);
    EXPECT_DOUBLE_EQ(by["R1"].quantity, 1.0);
    EXPECT_EQ(by["R2"].is_return, rule);
    EXPECT_DOUBLE_EQ(by["R2"].amount, -1.0);
    EXPECT_DOUBLE_EQ(by["R2"].quantity, rule ? -1.0 : 1.0);
    EXPECT_FALSE(by["R3"].is_return);  // zero is not negative
  }
}

// A GBK export (a Chinese till's default): the error says the header is not UTF-8, names
// the file, suggests iconv, and shows the bytes escaped, never raw.
TEST(Ingest, NonUtf8HeaderSaysSoAndSuggestsIconv) {
  TempDir dir;
  // 金额,会员,日期 in GBK, then one row.
  WriteFile(dir / "gbk.csv", "\xBD\xF0\xB6\xEE,\xBB\xE1\xD4\xB1,\xC8\xD5\xC6\xDA\r\n12.5,M001,2011-01-01\r\n");
  auto m = ParseMapping("[transactions.fields]\ncustomer_id = \"会员\"\nts = \"日期\"\namount = \"金额\"\n", "m.toml", "/");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  IngestInputs in;
  in.transactions = (dir / "gbk.csv").string();
  MemoryStore store;
  auto r = Ingest(*m, in, &store, {});
  ASSERT_FALSE(r.ok());
  const std::string& msg = r.status().message();
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_NE(msg.find("gbk.csv:1: the header is not valid UTF-8 (\\xBD\\xF0\\xB6\\xEE,\\xBB\\xE1\\xD4\\xB1,\\xC8\\xD5\\xC6\\xDA)"), std::string::npos) << msg;
  // D4 B1 happens to be well-formed UTF-8 (U+0531): escaped all the same, as every GBK byte.
  EXPECT_TRUE(std::all_of(msg.begin(), msg.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) << msg;
  EXPECT_NE(msg.find("iconv -f GBK -t UTF-8 " + in.transactions), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\xBD'), std::string::npos);
  EXPECT_EQ(msg.find('\r'), std::string::npos);
  EXPECT_EQ(store.commits, 0);
}

// A rejected customers row must not copy phone, e-mail or name into the rejects file: their
// values become [personal] (a record whose columns cannot be told apart is withheld whole).
TEST(Ingest, RejectsFileHoldsNoPersonalData) {
  TempDir dir;
  WriteFile(dir / "c.csv",
            "id,phone,mail,who,born\n"
            "7,+86 138-0013-8000,li.wei@example.com,Li Wei,1980\n"
            "8,13912345678,\"zhang, san@example.com\",Zhang San,19x0\n"    // bad birth_year
            "9,13700001111,wang@example.com,Wang Wu,1990,extra\n"         // wrong field count
            ",13655556666,no.id@example.com,Nobody Here,1970\n");         // missing customer id
  auto m = ParseMapping("[customers.fields]\ncustomer_id = \"id\"\nphone = \"phone\"\nemail = \"mail\"\nname = \"who\"\n"
                        "birth_year = \"born\"\n",
                        "m.toml", dir.path().string());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  IngestInputs in;
  in.customers = (dir / "c.csv").string();
  IngestOptions opt;
  opt.pii_key = "secret-key-0123456789";
  MemoryStore store;
  auto r = Ingest(*m, in, &store, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.rows_rejected, 3);
  ASSERT_FALSE(r->files[0].rejects_file.empty());
  const std::string rejects = ReadFile(r->files[0].rejects_file);
  for (const char* raw : {"13912345678", "zhang", "Zhang San", "13700001111", "wang@", "Wang Wu", "13655556666", "no.id@",
                          "Nobody"})
    EXPECT_EQ(rejects.find(raw), std::string::npos) << raw << " in\n" << rejects;
  auto rows = ParseCsv(rejects);
  ASSERT_EQ(rows.size(), 4u);  // header + 3
  std::map<std::string, std::vector<std::string>> by_line;
  for (std::size_t i = 1; i < rows.size(); ++i) by_line[rows[i][1]] = rows[i];
  // file,line,column,value,reason,detail,record
  EXPECT_EQ(by_line["3"][2], "born");
  EXPECT_EQ(by_line["3"][3], "19x0");
  EXPECT_EQ(by_line["3"][4], "bad_number");
  EXPECT_EQ(by_line["3"][6], "8,[personal],[personal],[personal],19x0");
  EXPECT_EQ(by_line["4"][4], "wrong_field_count");
  EXPECT_EQ(by_line["4"][6], "[record withheld: it holds personal fields]");
  EXPECT_EQ(by_line["5"][4], "missing_customer_id");
  EXPECT_EQ(by_line["5"][6], ",[personal],[personal],[personal],1970");
}

// Without personal columns the rejects file keeps the record exactly as in the file.
TEST(Ingest, RejectsFileKeepsRecordsWithoutPersonalColumns) {
  TempDir dir;
  WriteFile(dir / "c.csv", "id,tier,born\n8,\"gold, plus\",19x0\n9,silver,1980\n");
  auto m = ParseMapping("[customers.fields]\ncustomer_id = \"id\"\nmember_tier = \"tier\"\nbirth_year = \"born\"\n", "m.toml", "/");
  ASSERT_TRUE(m.ok());
  IngestInputs in;
  in.customers = (dir / "c.csv").string();
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  auto r = Ingest(*m, in, nullptr, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto rows = ParseCsv(ReadFile(r->files[0].rejects_file));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][6], "8,\"gold, plus\",19x0");
}


// ---- Silent loss and silent defaults (issue 16) ----

Mapping TillMapping(const TempDir& dir, const std::string& extra_table_keys) {
  auto m = ParseMapping("[transactions]\n" + extra_table_keys +
                            "[transactions.fields]\norder_id = \"id\"\ncustomer_id = \"cust\"\nts = \"day\"\n"
                            "amount = \"amt\"\n",
                        "m.toml", dir.path().string());
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : Mapping{};
}

Result<IngestReport> IngestTx(const Mapping& m, const std::filesystem::path& file, MemoryStore& store,
                              const IngestOptions& opt) {
  IngestInputs in;
  in.transactions = file.string();
  return Ingest(m, in, &store, opt);
}

TEST(RejectThreshold, ShareAboveTheLimitRefusesTheFileNamingTopReasons) {
  TempDir dir;
  // 10 rows: 6 good, 3 bad amounts, 1 bad date (40 % rejected).
  WriteFile(dir / "t.csv", "id,cust,day,amt\n1,A,2011-01-01,5\n2,A,2011-01-02,¥5\n3,B,2011-01-03,6\n4,B,2011-01-04,¥6\n"
                           "5,C,2011-01-05,7\n6,C,2011-13-06,7\n7,D,2011-01-07,¥8\n8,D,2011-01-08,8\n9,E,2011-01-09,9\n"
                           "10,E,2011-01-10,9\n");
  const Mapping m = TillMapping(dir, "");
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  opt.max_rejected_share = 0.05;
  auto r = IngestTx(m, dir / "t.csv", store, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  const std::string msg = r.status().message();
  EXPECT_NE(msg.find("4 of 10 rows rejected (40.0 %, more than the 5 % allowed): bad_number 3, bad_date 1"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("t.csv.rejects.csv"), std::string::npos) << msg;
  EXPECT_EQ(store.tx.size(), 0u);  // nothing of the file was loaded
  EXPECT_EQ(store.commits, 0);
  EXPECT_TRUE(std::filesystem::exists(dir / "t.csv.rejects.csv"));  // what the user reads to fix it
  // Within the limit, the valid rows load.
  opt.max_rejected_share = 0.5;
  auto ok = IngestTx(m, dir / "t.csv", store, opt);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->totals.rows_loaded, 6);
  EXPECT_EQ(RejectShareError(ok->files[0], 0.5).ok(), true);
  EXPECT_EQ(RejectShareError(ok->files[0], 0.3).code(), StatusCode::kDataError);
}

TEST(RejectThreshold, AWrongDateFormatRejectingEveryRowIsAlwaysAnError) {
  TempDir dir;
  WriteFile(dir / "t.csv", "id,cust,day,amt\n1,A,01/02/2011,5\n2,B,02/02/2011,6\n");
  const Mapping m = TillMapping(dir, "");  // default formats are ISO: every row is bad_date
  MemoryStore store;
  IngestOptions opt;  // no limit given: `ingest` without --max-rejected-share
  opt.rejects_dir = dir.path().string();
  auto r = IngestTx(m, dir / "t.csv", store, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataError);
  EXPECT_NE(r.status().message().find("2 of 2 rows rejected (100.0 %, every row): bad_date 2"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(store.commits, 0);
}

TEST(OccurrenceDedup, RepeatedTillLinesLoadAndReloadsAddNothing) {
  TempDir dir;
  // The same item scanned twice (lines 3 and 4 are identical): two real purchases.
  WriteFile(dir / "a.csv", "id,cust,day,amt\n1,A,2011-01-01,5\n2,B,2011-01-02,3\n2,B,2011-01-02,3\n3,C,2011-01-03,4\n");
  const Mapping m = TillMapping(dir, "");  // the default: duplicates = "keep"
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  auto first = IngestTx(m, dir / "a.csv", store, opt);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->totals.rows_loaded, 4);
  EXPECT_EQ(first->totals.duplicates_kept, 1);  // reported
  EXPECT_EQ(first->totals.duplicates_skipped, 0);
  ExpectIdentity(first->totals);
  // The same file again adds nothing.
  auto again = IngestTx(m, dir / "a.csv", store, opt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->totals.rows_loaded, 0);
  EXPECT_EQ(again->totals.already_present, 4);
  // An overlapping export (the repeated scan again, plus one new line) adds only the new line.
  WriteFile(dir / "b.csv", "id,cust,day,amt\n2,B,2011-01-02,3\n2,B,2011-01-02,3\n3,C,2011-01-03,4\n4,D,2011-01-04,9\n");
  auto overlap = IngestTx(m, dir / "b.csv", store, opt);
  ASSERT_TRUE(overlap.ok());
  EXPECT_EQ(overlap->totals.rows_loaded, 1);
  EXPECT_EQ(overlap->totals.already_present, 3);
  EXPECT_EQ(store.tx.size(), 5u);
  // Dropping exact repeats stays an option.
  MemoryStore skip_store;
  auto skipped = IngestTx(TillMapping(dir, "duplicates = \"skip\"\n"), dir / "a.csv", skip_store, opt);
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->totals.rows_loaded, 3);
  EXPECT_EQ(skipped->totals.duplicates_skipped, 1);
  EXPECT_EQ(skipped->totals.duplicates_kept, 0);
}

TEST(CurrencySymbols, SymbolsUnitsAndThousandsLoad) {
  TempDir dir;
  WriteFile(dir / "t.csv",
            "id,cust,day,amt\n1,A,2011-01-01,\"¥1,104.15\"\n2,A,2011-01-02,1104.15元\n3,A,2011-01-03,-¥3.50\n"
            "4,A,2011-01-04,RMB 12\n5,A,2011-01-05,$5\n6,A,2011-01-06,\"£1,000\"\n7,A,2011-01-07,€2.50\n"
            "8,A,2011-01-08,￥7\n9,A,2011-01-09,¥\n10,A,2011-01-10,12元元\n");
  const Mapping m = TillMapping(dir, "thousands = \",\"\ncurrency_symbols = [\"¥\", \"￥\", \"元\", \"RMB\", \"$\", \"£\", \"€\"]\n");
  ASSERT_EQ(m.transactions.currency_symbols.size(), 7u);
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  auto r = IngestTx(m, dir / "t.csv", store, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.rows_loaded, 8);
  EXPECT_EQ(r->totals.rows_rejected, 2);  // "¥" alone and "12元元" are not amounts
  EXPECT_EQ(r->totals.rejected_by_reason.at("bad_number"), 2);
  std::map<std::string, double> by_order;
  for (const auto& [k, t] : store.tx) by_order[t.order_id] = t.amount;
  EXPECT_DOUBLE_EQ(by_order["1"], 1104.15);
  EXPECT_DOUBLE_EQ(by_order["2"], 1104.15);
  EXPECT_DOUBLE_EQ(by_order["3"], -3.5);
  EXPECT_DOUBLE_EQ(by_order["4"], 12);
  EXPECT_DOUBLE_EQ(by_order["5"], 5);
  EXPECT_DOUBLE_EQ(by_order["6"], 1000);
  EXPECT_DOUBLE_EQ(by_order["7"], 2.5);
  EXPECT_DOUBLE_EQ(by_order["8"], 7);
  // Without the option every amount here is bad_number, and a file with every row rejected
  // is refused.
  MemoryStore plain;
  auto p = IngestTx(TillMapping(dir, ""), dir / "t.csv", plain, opt);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("every row): bad_number 10"), std::string::npos) << p.status().message();
  // A symbol that is a digit or a sign would change numbers: refused.
  EXPECT_FALSE(ParseMapping("[transactions]\ncurrency_symbols = [\"-\"]\n[transactions.fields]\ncustomer_id = \"c\"\n"
                            "ts = \"t\"\namount = \"a\"\n",
                            "m.toml", ".")
                   .ok());
}

TEST(WalkIns, RowsWithoutMemberIdAreExcludedNotRejected) {
  TempDir dir;
  WriteFile(dir / "t.csv", "id,cust,day,amt\n1,A,2011-01-01,5\n2,,2011-01-02,3\n3, ,2011-01-03,4\n4,B,2011-01-04,9\n");
  const Mapping m = TillMapping(dir, "missing_customer_id = \"exclude\"\n");
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  auto r = IngestTx(m, dir / "t.csv", store, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->totals.rows_loaded, 2);
  EXPECT_EQ(r->totals.rows_excluded, 2);
  EXPECT_EQ(r->totals.excluded_by_rule.at("missing_customer_id"), 2);
  EXPECT_EQ(r->totals.rows_rejected, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "t.csv.rejects.csv"));  // not copied to the rejects file
  ExpectIdentity(r->totals);
  // The default stays: rejected with the reason.
  MemoryStore store2;
  auto d = IngestTx(TillMapping(dir, ""), dir / "t.csv", store2, opt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->totals.rejected_by_reason.at("missing_customer_id"), 2);
  EXPECT_FALSE(ParseMapping("[transactions]\nmissing_customer_id = \"drop\"\n[transactions.fields]\ncustomer_id = \"c\"\n"
                            "ts = \"t\"\namount = \"a\"\n",
                            "m.toml", ".")
                   .ok());
}

TEST(PiiKey, ShortKeysAreRefused) {
  TempDir dir;
  WriteFile(dir / "c.csv", "id,phone\n1,138\n");
  auto m = ParseMapping("[customers.fields]\ncustomer_id = \"id\"\nphone = \"phone\"\n", "m.toml", dir.path().string());
  ASSERT_TRUE(m.ok());
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  opt.pii_key = " ";
  IngestInputs in;
  in.customers = (dir / "c.csv").string();
  auto r = Ingest(*m, in, &store, opt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("at least 16"), std::string::npos);
  WriteFile(dir / "short.key", "abc\n");
  auto k = ResolvePiiKey((dir / "short.key").string());
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("is 3 bytes; it must be at least 16"), std::string::npos) << k.status().message();
  WriteFile(dir / "good.key", "0123456789abcdef\n");
  ASSERT_TRUE(ResolvePiiKey((dir / "good.key").string()).ok());
}

TEST(AtomicRejects, AFailedReloadKeepsTheEarlierCompleteRejectsFile) {
  TempDir dir;
  WriteFile(dir / "t.csv", "id,cust,day,amt\n1,A,2011-01-01,5\n2,,2011-01-02,3\n3,C,2011-01-03,4\n");
  const Mapping m = TillMapping(dir, "");
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  ASSERT_TRUE(IngestTx(m, dir / "t.csv", store, opt).ok());
  const std::string complete = ReadFile(dir / "t.csv.rejects.csv");
  EXPECT_NE(complete.find("missing_customer_id"), std::string::npos);
  // The export grows, and its re-load fails at commit: the earlier rejects file stays whole
  // and no temporary is left behind.
  WriteFile(dir / "t.csv", "id,cust,day,amt\n1,A,2011-01-01,5\n2,,2011-01-02,3\n3,C,2011-01-03,4\n4,,2011-01-04,1\n");
  store.fail_commit = true;
  ASSERT_FALSE(IngestTx(m, dir / "t.csv", store, opt).ok());
  EXPECT_EQ(ReadFile(dir / "t.csv.rejects.csv"), complete);
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  // A successful re-load replaces it.
  store.fail_commit = false;
  ASSERT_TRUE(IngestTx(m, dir / "t.csv", store, opt).ok());
  EXPECT_NE(ReadFile(dir / "t.csv.rejects.csv"), complete);
}

TEST(CsvInjection, RejectsFileCellsAreNeutralised) {
  TempDir dir;
  WriteFile(dir / "t.csv", "id,cust,day,amt\n1,=cmd,2011-01-01,@SUM(1)\n2,A,2011-01-02,-5\n");
  MemoryStore store;
  IngestOptions opt;
  opt.rejects_dir = dir.path().string();
  ASSERT_TRUE(IngestTx(TillMapping(dir, ""), dir / "t.csv", store, opt).ok());
  const std::string rejects = ReadFile(dir / "t.csv.rejects.csv");
  EXPECT_NE(rejects.find(",\"'@SUM(1)\","), std::string::npos) << rejects;  // the value
  EXPECT_EQ(rejects.find(",@SUM(1),"), std::string::npos) << rejects;
}

}  // namespace
}  // namespace churnwatch
