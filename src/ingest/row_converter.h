#pragma once
// Maps one CSV record onto one canonical row under a TableMapping: column lookup,
// expressions, number and date parsing, value maps, return and exclusion rules, PII
// hashing, and the canonical serialisation behind each row's RowKey. Column references are
// resolved once against the file's header; per row only string_views and numbers move.

#include <re2/re2.h>

#include <cstdint>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "churnwatch/csv_reader.h"
#include "churnwatch/data_model.h"
#include "churnwatch/ingest.h"
#include "churnwatch/mapping.h"
#include "ingest/expression.h"
#include "ingest/value_parsers.h"

namespace churnwatch::ingest {

/// Why the current record was rejected. `column` names the source column (or field) and
/// `value` views the record; both are only valid until the next record.
struct RejectInfo {
  RejectReason reason = RejectReason::kMissingField;
  std::string column;
  std::string_view value;
  std::string detail;
};

enum class RowOutcome { kAccepted, kRejected, kExcluded };

/// What a rejects file shows instead of the value of a personal column (customers' phone,
/// email, name), and instead of a whole record whose columns cannot be told apart.
inline constexpr std::string_view kPersonalMarker = "[personal]";
inline constexpr std::string_view kWithheldRecord = "[record withheld: it holds personal fields]";

class RowConverter {
 public:
  /// `header` holds the header's column names (empty when the file has none). kDataError
  /// when a mapped column is not in the header or a position is beyond `field_count`;
  /// kInvalidArgument for a constant that does not parse or an expression on a text field.
  static Result<RowConverter> Create(Table table, const TableMapping& mapping, const std::vector<std::string>& header,
                                     std::size_t field_count, const std::string& mapping_path,
                                     const std::string& pii_key, bool apply_exclusions);

  std::size_t field_count() const { return field_count_; }

  /// True when personal fields (customers' phone, email, name) are read from the file's
  /// columns: rejects rows must then not copy the raw record (RedactRecord).
  bool has_personal_columns() const { return !personal_cols_.empty(); }
  /// True when `column` (a RejectInfo::column) is one of those personal columns.
  bool IsPersonalColumn(std::string_view column) const;
  /// The record as a rejects file may show it: the values of personal columns replaced by
  /// kPersonalMarker, the fields joined with the file's delimiter (quoted where needed).
  /// kWithheldRecord when the record's field count differs from field_count() or a quote is
  /// unterminated, since its columns cannot then be told apart.
  void RedactRecord(const CsvRecord& rec, std::string& out) const;

  /// Fills `out` from `rec` (which must have field_count() fields). On kExcluded,
  /// `excluded_rule` is the index of the matching rule in the mapping.
  RowOutcome Convert(const CsvRecord& rec, Transaction& out, RejectInfo& reject, int& excluded_rule);
  RowOutcome Convert(const CsvRecord& rec, Customer& out, RejectInfo& reject, int& excluded_rule);
  RowOutcome Convert(const CsvRecord& rec, Event& out, RejectInfo& reject, int& excluded_rule);

  /// Canonical byte serialisation of a row's content (everything but its key), the input
  /// of MakeRowKey. Appends to `buf` after clearing it.
  static void Serialise(const Transaction& row, std::string& buf);
  static void Serialise(const Customer& row, std::string& buf);
  static void Serialise(const Event& row, std::string& buf);

 private:
  struct Slot {
    bool mapped = false;
    FieldMapping::Kind kind = FieldMapping::Kind::kColumn;
    int col = -1;                       // kColumn: index into the record's fields
    std::string label;                  // source column / field name for rejects
    std::string constant;               // kConstant
    double constant_number = 0;
    std::optional<Expression> expr;     // kExpression
    std::vector<int> expr_cols;
    std::vector<std::string> expr_labels;
    std::vector<DateFormat> formats;
    std::vector<std::pair<std::string, std::string>> value_map;
    int constant_channel = -1;          // a constant channel that parses: its Channel
    // The last date text parsed and its timestamp: consecutive rows usually repeat it.
    mutable std::string last_time_text;
    mutable Timestamp last_time = 0;
    mutable bool has_last_time = false;
  };
  struct Rule {
    int col = -1;        // source column, or
    int slot = -1;       // canonical field slot
    std::vector<std::string> values, prefixes;
    std::shared_ptr<const re2::RE2> regex;  // RE2, matched against the whole value
  };

  // Text of a mapped slot (trimmed, value map applied); empty when unmapped.
  std::string_view Text(const Slot& s, const CsvRecord& rec) const;
  // Numeric slot: true when parsed; on failure fills `reject`. `missing_ok` allows empty.
  bool Number(const Slot& s, const CsvRecord& rec, bool missing_ok, double& out, RejectInfo& reject) const;
  bool Time(const Slot& s, const CsvRecord& rec, Timestamp& out, RejectInfo& reject) const;
  int MatchExclusion(const CsvRecord& rec) const;

  Table table_ = Table::kTransactions;
  std::size_t field_count_ = 0;
  NumberFormat number_format_;
  int source_offset_ = 0, business_offset_ = 0;
  std::vector<Slot> slots_;  // one per CanonicalFields(table_)
  std::vector<Rule> rules_;
  ReturnRule returns_;
  std::string pii_key_;
  CsvDialect dialect_;
  std::vector<int> personal_cols_;           // record columns holding phone / email / name
  std::vector<std::string> personal_labels_;  // their labels, as in RejectInfo::column
  mutable std::vector<double> expr_values_;
};

/// Memory budget for compiling one mapping regex (RE2's default, stated here).
inline constexpr std::int64_t kMaxRegexMemory = std::int64_t{8} << 20;

/// Compiles `pattern` (RE2 syntax: linear-time matching, no backreferences) as a regex that
/// must match a whole value. kInvalidArgument with RE2's explanation when it does not
/// compile or needs more than kMaxRegexMemory.
Result<std::shared_ptr<const re2::RE2>> CompileWholeMatchRegex(const std::string& pattern);

/// True when `bytes` is well-formed UTF-8.
bool IsValidUtf8(std::string_view bytes);

}  // namespace churnwatch::ingest
