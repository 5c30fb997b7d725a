// libFuzzer target: the CSV reader over arbitrary bytes in every dialect it supports, and
// the value parsers (numbers with separators and currency symbols, dates, UTF-8 checks) on
// every field it returns. Any crash, sanitizer report or hang is a bug: a retailer's
// export is outside input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "churnwatch/csv_reader.h"
#include "ingest/row_converter.h"
#include "ingest/value_parsers.h"

using namespace churnwatch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the dialect; the rest is the file.
  const std::uint8_t mode = data[0];
  CsvDialect dialect;
  static constexpr char kDelims[] = {',', ';', '\t', '|'};
  dialect.delimiter = kDelims[mode & 3];
  dialect.whitespace = (mode & 4) != 0;
  dialect.quote = (mode & 8) != 0 ? '\'' : '"';
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  static const auto formats = [] {
    std::vector<ingest::DateFormat> f;
    for (const char* s : {"%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y%m%d", "%d.%m.%Y %I:%M %p %z", "%b %d %Y %H:%M:%S.%f"}) {
      auto c = ingest::DateFormat::Compile(s);
      if (c.ok()) f.push_back(std::move(*c));
    }
    return f;
  }();
  ingest::NumberFormat number;
  number.decimal = (mode & 16) != 0 ? ',' : '.';
  number.thousands = (mode & 16) != 0 ? '.' : ',';
  if ((mode & 32) != 0) number.currency_symbols = {"¥", "元", "RMB", "$"};

  auto reader = CsvReader::ForMemory(dialect);
  reader->Reset(text, 1);
  CsvRecord rec;
  for (int n = 0; n < 100000; ++n) {
    Result<bool> more = reader->Next(rec);
    if (!more.ok() || !*more) break;
    (void)ingest::IsValidUtf8(rec.raw);
    for (std::string_view f : rec.fields) {
      double v = 0;
      (void)ingest::ParseNumber(f, number, v);
      for (const auto& df : formats) {
        Timestamp ts = 0;
        int offset = 0;
        bool has_offset = false;
        (void)df.Parse(ingest::TrimBlanks(f), ts, offset, has_offset);
      }
    }
  }
  return 0;
}
