#pragma once
// Encodings both stores share, so a row reads back the same whichever store holds it:
// RowKey <-> 16 bytes, the NULL conventions of schema.cc, the column lists of the
// canonical tables, and the validation of result-table names.

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "churnwatch/data_model.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch::store_internal {

/// Big-endian hi then lo, so the bytes printed as hex equal RowKey::ToHex().
inline std::array<unsigned char, 16> KeyBytes(const RowKey& k) {
  std::array<unsigned char, 16> b{};
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<unsigned char>(k.hi >> (56 - 8 * i));
    b[8 + i] = static_cast<unsigned char>(k.lo >> (56 - 8 * i));
  }
  return b;
}

/// Inverse of KeyBytes; false unless exactly 16 bytes.
inline bool KeyFromBytes(const unsigned char* p, std::size_t n, RowKey& out) {
  if (n != 16) return false;
  out = {};
  for (int i = 0; i < 8; ++i) {
    out.hi = (out.hi << 8) | p[i];
    out.lo = (out.lo << 8) | p[8 + i];
  }
  return true;
}

/// Column lists in the order every INSERT, COPY and SELECT of the stores uses.
inline constexpr std::string_view kTransactionColumns =
    "row_key, order_id, customer_id, ts, amount, quantity, discount, channel, store_id, sku, category, is_return";
inline constexpr std::string_view kCustomerColumns =
    "row_key, customer_id, joined_at, member_tier, region, birth_year, gender, phone_hash, email_hash, name_hash, status";
inline constexpr std::string_view kEventColumns = "row_key, event_id, customer_id, ts, type, value, text";
inline constexpr int kTransactionColumnCount = 12;
inline constexpr int kCustomerColumnCount = 11;
inline constexpr int kEventColumnCount = 7;

inline std::string_view ColumnsOf(Table t) {
  switch (t) {
    case Table::kTransactions: return kTransactionColumns;
    case Table::kCustomers: return kCustomerColumns;
    case Table::kEvents: return kEventColumns;
  }
  return {};
}

/// The loaded columns: the scanned ones plus the customer's bucket (schema migration 4).
inline std::string LoadColumnsOf(Table t) { return std::string(ColumnsOf(t)) + ", bucket"; }

/// " WHERE bucket >= b AND bucket < e" for a scan restricted to `range`, else "".
inline std::string BucketWhere(const std::optional<BucketRange>& range) {
  if (!range) return {};
  return " WHERE bucket >= " + std::to_string(range->begin) + " AND bucket < " + std::to_string(range->end);
}

/// Checks a scan range against the store's bucket count.
inline Status CheckBucketRange(const BucketRange& r, std::uint32_t buckets) {
  if (r.begin >= r.end || r.end > buckets)
    return Status::InvalidArgument("bucket range [" + std::to_string(r.begin) + ", " + std::to_string(r.end) +
                                   ") is empty or outside this store's " + std::to_string(buckets) + " buckets");
  return Status::OK();
}

/// Rows per batch handed to a scan sink: large enough to amortise the per-batch cost,
/// small enough to keep a scan's memory bounded.
inline constexpr std::size_t kScanBatchRows = 65536;

/// Result tables live in SQL tables named "result_<name>"; the name must be a plain
/// identifier so it can be embedded in SQL without quoting surprises.
Status ValidateResultTableName(std::string_view name);
/// Column names are quoted identifiers: non-empty, at most 63 bytes (PostgreSQL's limit),
/// unique, no control characters, and not the store's own ordinal column.
Status ValidateResultTable(std::string_view name, const ResultTable& table);
inline constexpr std::string_view kResultOrdinalColumn = "_cw_row";
/// `"name"` with embedded quotes doubled.
std::string QuoteIdentifier(std::string_view name);
/// The catalog's description of a result table's columns: a JSON array of {name, text}.
std::string ColumnsToJson(const ResultTable& table);
Result<ResultTable> EmptyTableFromJson(std::string_view name, std::string_view json);

/// Campaign ids: 1–64 bytes of letters, digits, '-', '_' and '.'.
Status ValidateCampaignId(std::string_view campaign_id);

/// Wrong-table appends are programmer errors, but they come through a public API, so they
/// are reported rather than asserted.
Status WrongTable(Table session_table, Table appended);

}  // namespace churnwatch::store_internal
