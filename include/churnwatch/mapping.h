#pragma once
/// \file mapping.h
/// Mapping files: how a retailer's own CSV export maps onto the canonical tables of
/// SPEC.md §3, so it loads without editing. The format (TOML) is documented with examples
/// in docs/ingest.md; shipped examples live in examples/mappings/.
///
/// A mapping is plain data, immutable after LoadMapping and safe to share between threads.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "churnwatch/csv_reader.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch {

/// How one canonical field gets its value.
struct FieldMapping {
  enum class Kind { kColumn, kExpression, kConstant };
  std::string field;        ///< canonical field name ("customer_id", "ts", ...)
  Kind kind = Kind::kColumn;
  std::string column;       ///< kColumn: source header name (empty when by position)
  int position = 0;         ///< kColumn: 1-based source column position, 0 = by name
  std::string expression;   ///< kExpression: arithmetic over columns (e.g. "Quantity * UnitPrice")
  std::string constant;     ///< kConstant: the value for every row (e.g. channel "online")
  std::vector<std::string> date_formats;  ///< date/time fields: overrides the table's formats
  /// Source value -> canonical value, applied before parsing (e.g. "POS" -> "store").
  std::vector<std::pair<std::string, std::string>> value_map;
  int line = 0;             ///< line in the mapping file, for error messages
};

/// Rows matching a rule are counted as excluded (by rule name), neither loaded nor rejected.
/// A rule matching an empty customer id (`in = [""]`, or the table's
/// `missing_customer_id = "exclude"`, which adds the rule "missing_customer_id") excludes
/// rows without one, e.g. walk-in sales, instead of rejecting them.
struct ExcludeRule {
  std::string name;
  std::string field;        ///< a canonical text field's mapped value, or
  std::string column;       ///< a source column by name, or
  int position = 0;         ///< a source column by 1-based position
  std::vector<std::string> values;    ///< exact matches (after trimming blanks)
  std::vector<std::string> prefixes;  ///< value starts with one of these
  std::string regex;                  ///< POSIX extended regex that must match the whole value
  int line = 0;
};

/// Which transaction rows are returns (is_return = true; quantity and amount made <= 0).
struct ReturnRule {
  std::vector<std::string> order_id_prefixes;  ///< e.g. {"C"} for Online Retail cancellations
  bool negative_quantity = true;               ///< a negative quantity marks a return
  /// A negative amount marks a return (tills without a quantity column that write a refund
  /// as amount -1). Off by default: some exports write discounts as negative lines.
  bool negative_amount = false;
};

/// Exact repeats of an earlier raw record inside one file: kept as rows of their own and
/// counted (the default: the same item scanned twice at a till, CDNOW's two identical
/// purchases on a day), or skipped and counted (exports known to repeat lines, such as
/// Online Retail). Either way a re-load adds nothing: a kept repeat's key carries its
/// occurrence number within the file.
enum class DuplicatePolicy { kSkip, kKeep };

struct TableMapping {
  bool present = false;       ///< the mapping has a section for this table
  std::string file;           ///< input named by the mapping, resolved against its folder; may be empty
  CsvDialect dialect;
  bool header = true;         ///< first record is a header (columns may then be named)
  char decimal = '.';
  char thousands = 0;         ///< 0 = none
  /// Currency symbols and units stripped from the start or end of every number before it is
  /// parsed (`currency_symbols = ["¥", "元"]` loads "¥1,104.15" and "1104.15元").
  std::vector<std::string> currency_symbols;
  /// Clock of the source's timestamps and the business clock, as minutes east of UTC;
  /// timestamps are converted from the first to the second (types.h: data is kept in
  /// business time). Equal unless the mapping says otherwise.
  int source_offset_minutes = 0;
  int business_offset_minutes = 0;
  std::vector<std::string> date_formats = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d"};
  std::vector<FieldMapping> fields;
  std::vector<ExcludeRule> exclude;
  ReturnRule returns;
  DuplicatePolicy duplicates = DuplicatePolicy::kKeep;
  int line = 0;               ///< line of the table's section in the mapping file
  const FieldMapping* Find(std::string_view field) const {
    for (const auto& f : fields)
      if (f.field == field) return &f;
    return nullptr;
  }
};

struct Mapping {
  std::string path;  ///< the mapping file ("<string>" when parsed from memory)
  TableMapping transactions;
  TableMapping customers;
  TableMapping events;
  const TableMapping& For(Table t) const {
    return t == Table::kTransactions ? transactions : t == Table::kCustomers ? customers : events;
  }
};

/// Reads and validates a mapping file. kNotFound naming the path when missing;
/// kInvalidArgument as "<file>:<line>: <what>" for TOML syntax errors, unknown keys (named),
/// unknown canonical fields, bad date formats, expressions or time zones, and missing
/// required fields (transactions: customer_id, ts, amount; customers: customer_id;
/// events: customer_id, ts, type).
Result<Mapping> LoadMapping(const std::string& path);

/// The same from text; relative `file` entries resolve against `base_dir`.
Result<Mapping> ParseMapping(std::string_view toml_text, const std::string& source_name, const std::string& base_dir);

/// Canonical field names a table accepts, in SPEC.md §3 order.
const std::vector<std::string_view>& CanonicalFields(Table table);

}  // namespace churnwatch
