// Checks the fast CSV reader against a deliberately simple reference splitter (one byte at
// a time, RFC 4180) on randomly generated files, seeded so a failure names its seed: quoted
// fields holding delimiters, doubled quotes, LF, CR and UTF-8; empty fields; CRLF and LF
// line ends; blank lines; a UTF-8 BOM; a last record without a line end. Every way the
// reader is used is compared: a mapped plain file record by record, a gzip file streamed in
// tiny blocks (records straddle block ends), and both cut into runs with NextChunk and
// parsed by a memory reader, as ingest and the benchmark do.
#include <gtest/gtest.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "churnwatch/csv_reader.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

struct RandomRec {
  std::vector<std::string> fields;
  std::int64_t line = 0;
  std::string raw;
  bool operator==(const RandomRec&) const = default;
};

// The reference: a byte-at-a-time state machine over the whole text, written for clarity.
std::vector<RandomRec> ReferenceSplit(const std::string& text) {
  std::vector<RandomRec> out;
  std::size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  std::int64_t line = 1;
  while (pos < text.size()) {
    RandomRec rec;
    rec.line = line;
    const std::size_t start = pos;
    std::string field;
    bool in_quotes = false, field_start = true;
    std::size_t content_end = text.size();
    while (pos < text.size()) {
      const char c = text[pos];
      if (in_quotes) {
        if (c == '"' && pos + 1 < text.size() && text[pos + 1] == '"') {
          field += '"';
          pos += 2;
        } else if (c == '"') {
          in_quotes = false;
          ++pos;
        } else {
          if (c == '\n') ++line;
          field += c;
          ++pos;
        }
        continue;
      }
      if (c == '\n') {
        content_end = pos;
        ++pos;
        ++line;
        break;
      }
      if (c == ',') {
        rec.fields.push_back(field);
        field.clear();
        field_start = true;
      } else if (c == '"' && field_start) {
        in_quotes = true;
        field_start = false;
      } else {
        field += c;
        field_start = false;
      }
      ++pos;
    }
    // A CR before the line end belongs to the terminator, not to the last field.
    if (content_end > start && text[content_end - 1] == '\r') {
      --content_end;
      if (!field.empty() && field.back() == '\r') field.pop_back();
    }
    rec.raw = text.substr(start, content_end - start);
    if (rec.raw.empty()) continue;  // a blank line is not a record
    rec.fields.push_back(field);
    out.push_back(std::move(rec));
  }
  return out;
}

std::string RandomCsv(std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  static const std::vector<std::string> kPlain = {"a", "Z", "0", "42", "-1.5", " ", "x y", "\xC3\xA9", "\xE2\x82\xAC", "."};
  static const std::vector<std::string> kQuoted = {"a", ",", "\"\"", "\n", "\r\n", "\r", " ", "\xC3\xA9", "b,c", ";"};
  std::string text = pick(4) == 0 ? "\xEF\xBB\xBF" : "";
  const int records = 1 + pick(60);
  const int width = 1 + pick(6);
  for (int r = 0; r < records; ++r) {
    if (pick(10) == 0) text += pick(2) ? "\n" : "\r\n";  // a blank line
    const int fields = pick(8) == 0 ? 1 + pick(8) : width;  // now and then a ragged record
    for (int f = 0; f < fields; ++f) {
      if (f) text += ',';
      switch (pick(4)) {
        case 0: break;  // empty
        case 1:
        case 2:
          for (int k = pick(5); k >= 0; --k) text += kPlain[static_cast<std::size_t>(pick(static_cast<int>(kPlain.size())))];
          break;
        default:
          text += '"';
          for (int k = pick(6); k > 0; --k) text += kQuoted[static_cast<std::size_t>(pick(static_cast<int>(kQuoted.size())))];
          text += '"';
          break;
      }
    }
    if (r + 1 < records || pick(2)) text += pick(3) == 0 ? "\r\n" : "\n";  // last line: maybe no line end
  }
  return text;
}

RandomRec Copy(const CsvRecord& rec) {
  RandomRec x;
  x.line = rec.line;
  x.raw = std::string(rec.raw);
  for (auto f : rec.fields) x.fields.emplace_back(f);
  return x;
}

std::vector<RandomRec> ReadRecords(const std::string& path, std::size_t block) {
  std::vector<RandomRec> out;
  auto r = CsvReader::Open(path, CsvDialect{}, block);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return out;
  CsvRecord rec;
  for (;;) {
    auto more = (*r)->Next(rec);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    EXPECT_FALSE(rec.unterminated_quote);
    out.push_back(Copy(rec));
  }
  return out;
}

std::vector<RandomRec> ReadRuns(const std::string& path, std::size_t block, std::size_t target) {
  std::vector<RandomRec> out;
  auto r = CsvReader::Open(path, CsvDialect{}, block);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return out;
  auto mem = CsvReader::ForMemory(CsvDialect{});
  std::string storage;
  std::string_view run;
  std::int64_t line = 0;
  CsvRecord rec;
  for (;;) {
    auto got = (*r)->NextChunk(storage, run, line, target);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || !*got) break;
    mem->Reset(run, line);
    for (;;) {
      auto m = mem->Next(rec);
      if (!m.ok() || !*m) break;
      out.push_back(Copy(rec));
    }
    (*r)->Release(run);
  }
  return out;
}

void WriteGzip(const std::string& path, const std::string& text) {
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  if (!text.empty()) {
    ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  }
  gzclose(gz);
}

TEST(CsvReaderRandom, EveryReadPathEqualsTheReferenceSplitter) {
  testing::TempDir dir;
  const std::string plain = (dir / "r.csv").string();
  const std::string gz = (dir / "r.csv.gz").string();
  for (std::uint32_t seed = 1; seed <= 300; ++seed) {
    const std::string text = RandomCsv(seed);
    const auto want = ReferenceSplit(text);
    testing::WriteFile(plain, text);
    WriteGzip(gz, text);
    const std::size_t target = 1 + seed % 97;
    EXPECT_EQ(ReadRecords(plain, 1 << 20), want) << "seed " << seed << " mapped, record by record";
    EXPECT_EQ(ReadRecords(gz, 64), want) << "seed " << seed << " gzip in 64-byte blocks";
    EXPECT_EQ(ReadRuns(plain, 1 << 20, target), want) << "seed " << seed << " mapped, runs of " << target;
    EXPECT_EQ(ReadRuns(gz, 64, target), want) << "seed " << seed << " gzip, runs of " << target;
    if (::testing::Test::HasFailure()) break;  // one seed's report is enough to debug
  }
}

// The reference itself, on a hand-checked text, so a bug there cannot hide one in the reader.
TEST(CsvReaderRandom, ReferenceSplitterOnAKnownText) {
  const auto recs = ReferenceSplit("\xEF\xBB\xBF" "a,\"b,\"\"c\"\"\r\nd\",\r\n\n,\"\"\r\nlast");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"a", "b,\"c\"\r\nd", ""}));
  EXPECT_EQ(recs[0].line, 1);
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(recs[1].line, 4);
  EXPECT_EQ(recs[2].fields, (std::vector<std::string>{"last"}));
  EXPECT_EQ(recs[2].raw, "last");
}

}  // namespace
}  // namespace churnwatch
