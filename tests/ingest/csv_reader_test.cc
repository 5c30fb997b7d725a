// Checks the CSV reader against hand-written inputs: RFC 4180 quoting (delimiters, doubled
// quotes and newlines inside quotes), physical line numbers, CRLF and LF, a UTF-8 BOM,
// blank lines, trailing delimiters, other delimiters, whitespace-separated files, gzip,
// records that straddle block boundaries (tiny blocks), an unterminated quote, the
// missing-file error, and corrupt or truncated gzip as an IOError (never an early end).
#include <zlib.h>

#include <string>
#include <vector>

#include "churnwatch/csv_reader.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

using testing::TempDir;
using testing::WriteFile;

struct Rec {
  std::vector<std::string> fields;
  std::int64_t line;
  std::string raw;
  bool unterminated;
};

std::vector<Rec> ReadAll(const std::string& path, CsvDialect d = {}, std::size_t block = std::size_t{1} << 20) {
  auto r = CsvReader::Open(path, d, block);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<Rec> out;
  if (!r.ok()) return out;
  CsvRecord rec;
  for (;;) {
    auto more = (*r)->Next(rec);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    Rec x{{}, rec.line, std::string(rec.raw), rec.unterminated_quote};
    for (auto f : rec.fields) x.fields.emplace_back(f);
    out.push_back(std::move(x));
  }
  return out;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, QuotingAndLineNumbers) {
  TempDir dir;
  WriteFile(dir / "a.csv",
            "a,b,c\n"
            "1,\"x, y\",3\n"
            "2,\"say \"\"hi\"\"\",\n"
            "3,\"two\nlines\",z\n"
            "\n"
            "4,,\"\"\n");
  auto recs = ReadAll((dir / "a.csv").string());
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs[0].fields, (Fields{"a", "b", "c"}));
  EXPECT_EQ(recs[1].fields, (Fields{"1", "x, y", "3"}));
  EXPECT_EQ(recs[2].fields, (Fields{"2", "say \"hi\"", ""}));
  EXPECT_EQ(recs[3].fields, (Fields{"3", "two\nlines", "z"}));
  EXPECT_EQ(recs[3].line, 4);
  EXPECT_EQ(recs[4].fields, (Fields{"4", "", ""}));
  EXPECT_EQ(recs[4].line, 7);  // the quoted newline and the blank line both count
  EXPECT_EQ(recs[1].raw, "1,\"x, y\",3");
}

TEST(CsvReader, CrlfBomAndTrailingNewlineOptional) {
  TempDir dir;
  WriteFile(dir / "b.csv", "\xEF\xBB\xBFid,name\r\n1,\"a\r\nb\"\r\n2,c");
  auto recs = ReadAll((dir / "b.csv").string());
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].fields, (Fields{"id", "name"}));  // no BOM in the first name
  EXPECT_EQ(recs[1].fields, (Fields{"1", "a\r\nb"}));
  EXPECT_EQ(recs[2].fields, (Fields{"2", "c"}));      // last line without a line end
  EXPECT_EQ(recs[2].line, 4);
  EXPECT_EQ(recs[1].raw, "1,\"a\r\nb\"");             // raw record without its CR LF
}

TEST(CsvReader, OtherDelimitersAndWhitespace) {
  TempDir dir;
  WriteFile(dir / "s.csv", "a;b\n1,5;\"x;y\"\n");
  CsvDialect semi;
  semi.delimiter = ';';
  auto recs = ReadAll((dir / "s.csv").string(), semi);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[1].fields, (Fields{"1,5", "x;y"}));

  WriteFile(dir / "w.txt", " 00001 19970101  1   11.77\r\n\t00002\t19970112 1 12.00  \r\n   \r\n");
  CsvDialect ws;
  ws.whitespace = true;
  recs = ReadAll((dir / "w.txt").string(), ws);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].fields, (Fields{"00001", "19970101", "1", "11.77"}));
  EXPECT_EQ(recs[1].fields, (Fields{"00002", "19970112", "1", "12.00"}));
}

TEST(CsvReader, GzipIsDetectedFromTheBytes) {
  TempDir dir;
  std::string path = (dir / "g.data").string();  // no .gz suffix on purpose
  gzFile gz = gzopen(path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  std::string text = "x,y\n1,2\n3,\"4\"\n";
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  auto r = CsvReader::Open(path, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->gzip());
  auto recs = ReadAll(path);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[2].fields, (Fields{"3", "4"}));
}

TEST(CsvReader, RecordsStraddlingTinyBlocksReadTheSame) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 200; ++i)
    text += std::to_string(i) + ",\"quoted, " + std::to_string(i * 7) + "\nnext\",plain" + std::to_string(i) + "\n";
  WriteFile(dir / "t.csv", text);
  auto big = ReadAll((dir / "t.csv").string());
  auto tiny = ReadAll((dir / "t.csv").string(), {}, 64);  // every record crosses a block edge
  ASSERT_EQ(big.size(), 200u);
  ASSERT_EQ(tiny.size(), 200u);
  for (std::size_t i = 0; i < big.size(); ++i) {
    EXPECT_EQ(big[i].fields, tiny[i].fields);
    EXPECT_EQ(tiny[i].line, static_cast<std::int64_t>(2 * i + 1));
  }
  EXPECT_EQ(tiny[199].fields[1], "quoted, 1393\nnext");
}

// Reads the file as runs of whole records (NextChunk, `target` bytes each) parsed by a
// memory reader, after taking `skip` records with Next (a header) and one more put back.
std::vector<Rec> ReadChunked(const std::string& path, std::size_t target, int skip, CsvDialect d = {}) {
  std::vector<Rec> out;
  auto r = CsvReader::Open(path, d, 64);
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return out;
  CsvRecord rec;
  auto add = [&] {
    Rec x{{}, rec.line, std::string(rec.raw), rec.unterminated_quote};
    for (auto f : rec.fields) x.fields.emplace_back(f);
    out.push_back(std::move(x));
  };
  for (int i = 0; i < skip; ++i) {
    auto more = (*r)->Next(rec);
    EXPECT_TRUE(more.ok() && *more);
    add();
  }
  auto more = (*r)->Next(rec);
  EXPECT_TRUE(more.ok());
  if (more.ok() && *more) (*r)->Unread();
  auto mem = CsvReader::ForMemory(d);
  std::string chunk;
  std::int64_t line = 0;
  for (;;) {
    auto got = (*r)->NextChunk(chunk, line, target);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    if (!got.ok() || !*got) break;
    // A run never ends inside a record: it ends with a line end or at the end of the file.
    mem->Reset(chunk, line);
    for (;;) {
      auto m = mem->Next(rec);
      if (!m.ok() || !*m) break;
      add();
    }
  }
  return out;
}

TEST(CsvReader, ChunksOfWholeRecordsParseLikeTheStream) {
  TempDir dir;
  std::string text = "id,text,n\n";
  for (int i = 0; i < 300; ++i) {
    text += std::to_string(i);
    switch (i % 6) {
      case 0: text += ",\"multi\nline \"\"q\"\"\n\",x\n"; break;   // quoted newlines and doubled quotes
      case 1: text += ",5\" screen,\"a\nb\"\r\n"; break;            // a quote mid-field is literal
      case 2: text += ",plain,y\n\n"; break;                         // followed by a blank line
      case 3: text += ",\"\"\"\n\",z\n"; break;                       // quote, newline inside quotes
      case 4: text += ",\"ends with\n\"\"\",w\n"; break;
      default: text += ",\"" + std::string(static_cast<std::size_t>(i), '\n') + "\",v\n"; break;  // long records
    }
  }
  text += "last,\"never closed\n1,2\n";
  WriteFile(dir / "c.csv", text);
  const std::string path = (dir / "c.csv").string();
  auto stream = ReadAll(path);
  ASSERT_EQ(stream.size(), 302u);
  EXPECT_TRUE(stream.back().unterminated);
  for (std::size_t target : {std::size_t{1}, std::size_t{7}, std::size_t{100}, std::size_t{1} << 20}) {
    for (int skip : {0, 1}) {
      auto chunked = ReadChunked(path, target, skip);
      ASSERT_EQ(chunked.size(), stream.size()) << "target " << target;
      for (std::size_t i = 0; i < stream.size(); ++i) {
        EXPECT_EQ(chunked[i].fields, stream[i].fields) << "target " << target << " record " << i;
        EXPECT_EQ(chunked[i].line, stream[i].line) << "target " << target << " record " << i;
        EXPECT_EQ(chunked[i].raw, stream[i].raw);
        EXPECT_EQ(chunked[i].unterminated, stream[i].unterminated);
      }
    }
  }
}

TEST(CsvReader, UnterminatedQuoteIsFlaggedOnTheLastRecord) {
  TempDir dir;
  WriteFile(dir / "u.csv", "a,b\n1,\"open\n2,3\n");
  auto recs = ReadAll((dir / "u.csv").string());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_FALSE(recs[0].unterminated);
  EXPECT_TRUE(recs[1].unterminated);
  EXPECT_EQ(recs[1].line, 2);
}

TEST(CsvReader, MissingFileIsNotFoundNamingThePath) {
  auto r = CsvReader::Open("/nonexistent/dir/orders.csv", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/dir/orders.csv"), std::string::npos);
}

TEST(CsvReader, CorruptGzipIsAnIOError) {
  TempDir dir;
  // A valid gzip header followed by garbage.
  WriteFile(dir / "bad.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) + "garbage garbage garbage");
  auto r = CsvReader::Open((dir / "bad.gz").string(), {});
  ASSERT_TRUE(r.ok());
  CsvRecord rec;
  Status st;
  for (;;) {
    auto more = (*r)->Next(rec);
    if (!more.ok()) {
      st = more.status();
      break;
    }
    if (!*more) break;
  }
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
  EXPECT_NE(st.message().find("bad.gz"), std::string::npos);
}

// The gzip of `text`, as gzip(1) would write it.
std::string Gzip(const std::string& text, const std::filesystem::path& scratch) {
  gzFile gz = gzopen(scratch.c_str(), "wb");
  EXPECT_NE(gz, nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  return testing::ReadFile(scratch);
}

// Reads `path` to the end with Next (or NextChunk); the error that stopped it, OK if none.
Status ReadToError(const std::string& path, bool chunks, std::int64_t* records = nullptr) {
  auto r = CsvReader::Open(path, {}, 4096);
  if (!r.ok()) return r.status();
  CsvRecord rec;
  std::string buf;
  std::int64_t n = 0, first_line = 0;
  for (;;) {
    Result<bool> more = chunks ? (*r)->NextChunk(buf, first_line, 4096) : (*r)->Next(rec);
    if (!more.ok()) return more.status();
    if (!*more) break;
    ++n;
  }
  if (records != nullptr) *records = n;
  return Status::OK();
}

// A gzip file cut short (a partial download or copy) is an IOError naming the file and how
// far it got, never a clean end of input that would load the first part as if it were all.
TEST(CsvReader, TruncatedGzipIsAnIOErrorNotAnEarlyEnd) {
  TempDir dir;
  std::string text = "order,customer,amount\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ",c" + std::to_string(i * 7919 % 1000) + "," + std::to_string(i % 97) + ".5\n";
  const std::string gz = Gzip(text, dir / "whole.csv.gz");
  std::int64_t whole = 0;
  ASSERT_TRUE(ReadToError((dir / "whole.csv.gz").string(), false, &whole).ok());
  EXPECT_EQ(whole, 20001);
  for (std::size_t cut : {gz.size() / 2, gz.size() - 4, std::size_t{20}}) {  // mid-stream, no trailer, header only
    WriteFile(dir / "cut.csv.gz", gz.substr(0, cut));
    for (bool chunks : {false, true}) {
      Status st = ReadToError((dir / "cut.csv.gz").string(), chunks);
      EXPECT_EQ(st.code(), StatusCode::kIOError) << "cut at " << cut << " chunks " << chunks << ": " << st.ToString();
      EXPECT_NE(st.message().find("cut.csv.gz"), std::string::npos) << st.message();
      EXPECT_NE(st.message().find("truncated or corrupt"), std::string::npos) << st.message();
      EXPECT_NE(st.message().find("near line "), std::string::npos) << st.message();
    }
  }
  // The review's 11-byte file: a gzip magic and method, then garbage.
  WriteFile(dir / "eleven.gz", std::string("\x1f\x8b\x08\x00garbage", 11));
  Status st = ReadToError((dir / "eleven.gz").string(), false);
  EXPECT_EQ(st.code(), StatusCode::kIOError) << st.ToString();
  EXPECT_NE(st.message().find("eleven.gz"), std::string::npos);
}

}  // namespace
}  // namespace churnwatch
