#pragma once
// The rejects file of one input: `<input>.rejects.csv` (or in a chosen folder), one CSV row
// per rejected record with file, line, column, the raw value, the reason key, a detail
// message and the raw record, so a person can fix the source and re-load.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "churnwatch/ingest.h"

namespace churnwatch::ingest {

class RejectsWriter {
 public:
  /// Path of the rejects file for `input`: in `dir` when not empty, else beside the input,
  /// or in the current directory when the input's folder is not writable.
  static std::string PathFor(const std::string& input, const std::string& dir);

  explicit RejectsWriter(std::string path) : path_(std::move(path)) {}
  ~RejectsWriter();
  RejectsWriter(const RejectsWriter&) = delete;
  RejectsWriter& operator=(const RejectsWriter&) = delete;

  /// Starts a load: rows go to a temporary file (atomic_file.h) until Publish. kIOError
  /// when a stale temporary exists and cannot be removed.
  Status Reset();

  /// After the load committed (or was refused; see ingest.h): the temporary replaces the
  /// rejects file, or, when nothing was rejected, a stale rejects file of an earlier load is
  /// removed, so the file always describes the latest load of its input.
  Status Publish();

  /// Appends one rejected record; the file is created (with its header) on the first call.
  /// kIOError naming the path when it cannot be written (e.g. a read-only data folder:
  /// use --rejects-dir).
  Status Write(const std::string& file, std::int64_t line, std::string_view column, std::string_view value,
               RejectReason reason, std::string_view detail, std::string_view record);

  /// Formats one rejects row (as Write would write it) onto the end of `out`, so rows can be
  /// formatted on worker threads and written in file order with WriteFormatted.
  static void Format(std::string& out, std::string_view file, std::int64_t line, std::string_view column,
                     std::string_view value, RejectReason reason, std::string_view detail, std::string_view record);
  /// Writes `rows` rows formatted by Format (creating the file on the first rows).
  Status WriteFormatted(std::string_view text, std::int64_t rows);

  /// Flushes and closes; kIOError on a failed write.
  Status Close();

  /// Closes and removes the temporary written so far (the load it describes failed, so
  /// nothing of it was loaded); an earlier load's complete rejects file stays.
  void Discard();

  bool used() const { return rows_ > 0; }
  const std::string& path() const { return path_; }

 private:
  static void Field(std::string& out, std::string_view v);
  Status OpenFile();
  std::string path_;
  std::string tmp_path_;
  std::FILE* out_ = nullptr;
  std::int64_t rows_ = 0;
  std::string line_;  // the row being formatted, reused
};

}  // namespace churnwatch::ingest
