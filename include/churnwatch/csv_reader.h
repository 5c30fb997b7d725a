#pragma once
/// \file csv_reader.h
/// churnwatch's own streaming CSV reader (the speed core of ingest). A plain file is mapped
/// into memory (no copy; records are views into the mapping), a gzip file (detected from
/// the bytes, not the name) is decompressed in large blocks; records are handed out one at
/// a time as string_views — no allocation per field. A mapped file that another process
/// truncates while it is being read ends the process with SIGBUS, as with any mmap reader.
///
/// Dialect: any single-byte delimiter, or "whitespace" (runs of spaces/tabs separate
/// fields, leading and trailing blanks ignored, as in the CDNOW files); RFC 4180 quoting
/// (a field that starts with the quote character may contain delimiters, newlines and
/// doubled quotes); UTF-8 with or without a byte-order mark; CRLF or LF line ends. Empty
/// lines (only blanks in whitespace mode) are skipped and are not records.
///
/// Thread safety: one reader per thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/status.h"

namespace churnwatch {

struct CsvDialect {
  char delimiter = ',';
  /// When true, `delimiter` is ignored and runs of ' ' / '\t' separate fields.
  bool whitespace = false;
  char quote = '"';
};

/// One record. All views stay valid until the next call to CsvReader::Next.
struct CsvRecord {
  std::vector<std::string_view> fields;
  /// 1-based physical line on which the record starts (a quoted newline makes a record span
  /// several lines; the next record's number accounts for them).
  std::int64_t line = 0;
  /// The record's bytes as in the file, without its line terminator (CR LF or LF).
  std::string_view raw;
  /// The record opens a quote that the file never closes; `fields` holds what was read up to
  /// the end of the file and the record is the last one.
  bool unterminated_quote = false;
};

class CsvReader {
 public:
  /// Opens `path`. kNotFound naming the path when it does not exist, kIOError when it
  /// cannot be read. `block_size` is the read granularity (records longer than a block
  /// grow the buffer, up to `kMaxRecordBytes`).
  static Result<std::unique_ptr<CsvReader>> Open(const std::string& path, const CsvDialect& dialect,
                                                 std::size_t block_size = std::size_t{1} << 20);

  /// Largest record accepted; a longer one (usually a stray quote swallowing the rest of a
  /// huge file) ends the read with kDataError naming the line.
  static constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;

  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  /// Reads the next record into `record`. Returns false at the end of the input,
  /// kIOError on a read or decompression failure (naming the file), kDataError on a record
  /// over kMaxRecordBytes.
  Result<bool> Next(CsvRecord& record);

  /// Steps back over the record the last Next returned, so it is read again (by Next or
  /// NextChunk). Only valid directly after a Next that returned true.
  void Unread();

  /// Parallel parsing: moves the next run of whole records (starting where Next stopped,
  /// ending at a record boundary that honours quoted newlines) into `out`, about
  /// `target_bytes` of them unless the input ends first. `first_line` is the physical line
  /// of the run's first byte. Returns false at the end of the input; the same errors as Next.
  /// Parse the run with a reader from ForMemory.
  Result<bool> NextChunk(std::string& out, std::int64_t& first_line, std::size_t target_bytes);
  /// The same without a copy where possible: `run` points into the mapped file (valid while
  /// the reader lives) or, for gzip input, into `storage`.
  Result<bool> NextChunk(std::string& storage, std::string_view& run, std::int64_t& first_line,
                         std::size_t target_bytes);
  /// Lets the kernel drop the mapped pages of a run the caller is done with, so a mapped
  /// file's resident memory stays a few runs, not the whole file. No-op for gzip input.
  void Release(std::string_view run);

  /// A reader over records already in memory (a run from NextChunk), reusable with Reset.
  static std::unique_ptr<CsvReader> ForMemory(const CsvDialect& dialect);
  /// Points a ForMemory reader at `data`, whose first byte is on physical line `first_line`.
  /// `data` must outlive the records read from it.
  void Reset(std::string_view data, std::int64_t first_line);

  /// Bytes of the file (compressed, for gzip) consumed so far, and the file's size: for
  /// progress reporting.
  std::uint64_t bytes_consumed() const;
  std::uint64_t file_size() const { return file_size_; }
  bool gzip() const { return gzip_; }
  const std::string& path() const { return path_; }

 private:
  CsvReader() = default;
  enum class Scan { kRecord, kNeedMore };
  Scan ScanRecord(CsvRecord& record);
  void SplitPlain(const char* b, const char* e, CsvRecord& record);
  void SplitQuoted(const char* b, const char* e, CsvRecord& record);
  Status Fill();
  bool MapFile();  // maps a plain file; false to fall back to block reads
  // End of the last whole record in [begin_, end_), honouring quotes; nullptr when none.
  const char* LastRecordEnd(const char* e);
  Result<bool> NextMappedChunk(std::string_view& run, std::int64_t& first_line, std::size_t target_bytes);

  std::string path_;
  CsvDialect dialect_;
  void* gz_ = nullptr;  // gzFile; void* keeps zlib.h out of this header
  const char* map_ = nullptr;  // the whole plain file, mapped read-only; nullptr for gzip
  std::size_t map_size_ = 0;
  bool gzip_ = false;
  std::uint64_t file_size_ = 0;
  std::uint64_t decompressed_ = 0;  // bytes gzread has returned (for error messages)
  std::vector<char> buf_;
  const char* data_ = nullptr;  // buf_.data(), or the memory of a ForMemory reader
  std::size_t begin_ = 0;  // first unread byte in buf_
  std::size_t end_ = 0;    // one past the last valid byte in buf_
  std::size_t block_size_ = 0;
  bool eof_ = false;
  bool first_block_ = true;
  std::int64_t next_line_ = 1;
  std::size_t last_begin_ = 0;     // start of the record Next last returned (for Unread)
  std::int64_t last_line_ = 1;
  std::vector<std::pair<const char*, const char*>> quoted_;  // LastRecordEnd's scratch
  std::string scratch_;  // unescaped contents of quoted fields of the current record
};

}  // namespace churnwatch
