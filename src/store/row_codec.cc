// Result-table validation and catalog encoding shared by both stores.
#include "churnwatch/row_codec.h"

#include <nlohmann/json.hpp>
#include <set>

#include "churnwatch/json_text.h"

namespace churnwatch::store_internal {

Status ValidateResultTableName(std::string_view name) {
  if (name.empty() || name.size() > 48)
    return Status::InvalidArgument("result table name '" + std::string(name) + "' must be 1 to 48 characters");
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok)
      return Status::InvalidArgument("result table name '" + std::string(name) +
                                     "' may only contain letters, digits and '_'");
  }
  return Status::OK();
}

Status ValidateResultTable(std::string_view name, const ResultTable& table) {
  CW_RETURN_IF_ERROR(ValidateResultTableName(name));
  const std::size_t rows = table.rows();
  std::set<std::string_view> seen;
  for (const auto& col : table.columns) {
    const std::string where = "result table '" + std::string(name) + "', column '" + col.name + "'";
    if (col.name.empty() || col.name.size() > 63)
      return Status::InvalidArgument(where + ": column names must be 1 to 63 bytes");
    for (unsigned char c : col.name)
      if (c < 0x20 || c == 0x7f) return Status::InvalidArgument(where + ": column name has a control character");
    if (col.name == kResultOrdinalColumn)
      return Status::InvalidArgument(where + ": the name is reserved for the store's row order");
    if (!seen.insert(col.name).second) return Status::InvalidArgument(where + ": duplicate column name");
    const std::size_t n = col.is_text ? col.texts.size() : col.numbers.size();
    if (n != rows)
      return Status::InvalidArgument(where + ": has " + std::to_string(n) + " rows but the first column has " +
                                     std::to_string(rows));
    if ((col.is_text && !col.numbers.empty()) || (!col.is_text && !col.texts.empty()))
      return Status::InvalidArgument(where + ": holds values of the other kind (is_text=" +
                                     (col.is_text ? "true" : "false") + ")");
  }
  return Status::OK();
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string ColumnsToJson(const ResultTable& table) {
  nlohmann::json cols = nlohmann::json::array();
  for (const auto& c : table.columns) cols.push_back({{"name", c.name}, {"text", c.is_text}});
  return JsonText(cols);
}

Result<ResultTable> EmptyTableFromJson(std::string_view name, std::string_view json) {
  ResultTable t;
  try {
    for (const auto& c : nlohmann::json::parse(json)) {
      ResultColumn col;
      col.name = c.at("name").get<std::string>();
      col.is_text = c.at("text").get<bool>();
      t.columns.push_back(std::move(col));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::DataError("result table '" + std::string(name) + "': catalog entry is corrupt (" + e.what() + ")");
  }
  return t;
}

Status WrongTable(Table session_table, Table appended) {
  return Status::InvalidArgument("this load session loads table '" + std::string(TableName(session_table)) +
                                 "', not '" + std::string(TableName(appended)) + "'");
}

}  // namespace churnwatch::store_internal
