// Rejects files: RFC 4180 CSV written through a large stdio buffer.
#include "ingest/rejects_writer.h"

#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "churnwatch/atomic_file.h"
#include "churnwatch/types.h"

namespace churnwatch::ingest {
namespace {

// True when `v` holds a comma, quote, CR or LF (16 bytes at a time where SSE2 is there).
bool NeedsQuotes(std::string_view v) {
  const char* s = v.data();
  const char* e = s + v.size();
#ifdef __SSE2__
  const __m128i c1 = _mm_set1_epi8(','), c2 = _mm_set1_epi8('"'), c3 = _mm_set1_epi8('\r'), c4 = _mm_set1_epi8('\n');
  for (; e - s >= 16; s += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, c1), _mm_cmpeq_epi8(x, c2)),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, c3), _mm_cmpeq_epi8(x, c4)));
    if (_mm_movemask_epi8(hit) != 0) return true;
  }
#endif
  for (; s < e; ++s)
    if (*s == ',' || *s == '"' || *s == '\r' || *s == '\n') return true;
  return false;
}

}  // namespace

std::string RejectsWriter::PathFor(const std::string& input, const std::string& dir) {
  std::filesystem::path in(input);
  std::string name = in.filename().string() + ".rejects.csv";
  if (!dir.empty()) return (std::filesystem::path(dir) / name).string();
  // Beside the input; shared data sets often sit in read-only folders, and a load must not
  // fail for that, so then the current directory takes the rejects (the report names it).
  std::filesystem::path parent = in.parent_path().empty() ? std::filesystem::path(".") : in.parent_path();
  // access() says yes to root for any folder, so a folder whose owner removed every write
  // bit (the usual way to mark a data set read-only) counts as read-only as well.
  std::error_code ec;
  using std::filesystem::perms;
  const perms mode = std::filesystem::status(parent, ec).permissions();
  const bool marked_read_only =
      !ec && (mode & (perms::owner_write | perms::group_write | perms::others_write)) == perms::none;
  if (!marked_read_only && access(parent.c_str(), W_OK) == 0) return (in.parent_path() / name).string();
  return name;
}

RejectsWriter::~RejectsWriter() {
  if (out_ != nullptr) std::fclose(out_);
}

Status RejectsWriter::Reset() {
  // The rows go to a temporary beside the target; Publish renames it over the target once
  // the load has committed, so a killed load never leaves a truncated rejects file nor
  // replaces the complete one of an earlier load.
  tmp_path_ = TemporaryPathFor(path_).string();
  std::error_code ec;
  if (std::filesystem::exists(tmp_path_, ec) && !std::filesystem::remove(tmp_path_, ec))
    return Status::IOError("cannot remove the stale temporary rejects file " + tmp_path_ + ": " + ec.message());
  return Status::OK();
}

Status RejectsWriter::Publish() {
  std::error_code ec;
  if (rows_ == 0) {
    // The latest load rejected nothing: an earlier load's rejects file no longer applies.
    if (std::filesystem::exists(path_, ec) && !std::filesystem::remove(path_, ec))
      return Status::IOError("cannot remove the stale rejects file " + path_ + ": " + ec.message());
    return Status::OK();
  }
  std::filesystem::rename(tmp_path_, path_, ec);
  if (ec) return Status::IOError("cannot rename " + tmp_path_ + " to " + path_ + ": " + ec.message());
  return Status::OK();
}

void RejectsWriter::Field(std::string& out, std::string_view v) {
  // Raw values and records are outside text: one starting like a formula is written with a
  // leading apostrophe, as every CSV we write does (types.h, IsSpreadsheetFormula).
  const bool formula = IsSpreadsheetFormula(v);
  if (!formula && !NeedsQuotes(v)) {
    out.append(v);
    return;
  }
  out.push_back('"');
  if (formula) out.push_back('\'');
  for (;;) {  // copy runs between quotes in bulk, doubling each quote
    std::size_t q = v.find('"');
    if (q == std::string_view::npos) break;
    out.append(v.substr(0, q + 1));
    out.push_back('"');
    v.remove_prefix(q + 1);
  }
  out.append(v);
  out.push_back('"');
}

void RejectsWriter::Format(std::string& out, std::string_view file, std::int64_t line, std::string_view column,
                           std::string_view value, RejectReason reason, std::string_view detail, std::string_view record) {
  Field(out, file);
  out.push_back(',');
  char num[24];
  auto [end, ec] = std::to_chars(num, num + sizeof num, line);
  (void)ec;
  out.append(num, end);
  out.push_back(',');
  Field(out, column);
  out.push_back(',');
  Field(out, value);
  out.push_back(',');
  Field(out, RejectReasonName(reason));
  out.push_back(',');
  Field(out, detail);
  out.push_back(',');
  Field(out, record);
  out.push_back('\n');
}

Status RejectsWriter::OpenFile() {
  if (out_ != nullptr) return Status::OK();
  if (auto parent = std::filesystem::path(path_).parent_path(); !parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
  }
  if (tmp_path_.empty()) tmp_path_ = TemporaryPathFor(path_).string();
  out_ = std::fopen(tmp_path_.c_str(), "wb");
  if (out_ == nullptr)
    return Status::IOError("cannot write rejects file " + path_ + ": " + std::strerror(errno) +
                           " (choose another folder with --rejects-dir)");
  std::setvbuf(out_, nullptr, _IOFBF, 1 << 20);
  std::fputs("file,line,column,value,reason,detail,record\n", out_);
  return Status::OK();
}

Status RejectsWriter::Write(const std::string& file, std::int64_t line, std::string_view column, std::string_view value,
                            RejectReason reason, std::string_view detail, std::string_view record) {
  CW_RETURN_IF_ERROR(OpenFile());
  line_.clear();
  Format(line_, file, line, column, value, reason, detail, record);
  std::fwrite(line_.data(), 1, line_.size(), out_);
  ++rows_;
  return Status::OK();
}

Status RejectsWriter::WriteFormatted(std::string_view text, std::int64_t rows) {
  if (rows == 0) return Status::OK();
  CW_RETURN_IF_ERROR(OpenFile());
  std::fwrite(text.data(), 1, text.size(), out_);
  rows_ += rows;
  return Status::OK();
}

Status RejectsWriter::Close() {
  if (out_ == nullptr) return Status::OK();
  bool failed = std::ferror(out_) != 0;
  failed = std::fclose(out_) != 0 || failed;
  out_ = nullptr;
  if (failed) return Status::IOError("writing rejects file " + path_ + " failed");
  return Status::OK();
}

void RejectsWriter::Discard() {
  if (out_ != nullptr) std::fclose(out_);
  out_ = nullptr;
  if (rows_ == 0) return;
  rows_ = 0;
  std::error_code ec;
  if (!tmp_path_.empty()) std::filesystem::remove(tmp_path_, ec);
}

}  // namespace churnwatch::ingest
