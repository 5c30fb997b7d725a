// Record -> canonical row. Slots are indexed by the position of the field in
// CanonicalFields(table), so the per-table Convert functions below read like the schema.
#include "ingest/row_converter.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "ingest/pii.h"

namespace churnwatch::ingest {
namespace {

// Slot indices, in CanonicalFields order.
enum TxSlot { kTxOrderId, kTxCustomerId, kTxTs, kTxAmount, kTxQuantity, kTxDiscount, kTxChannel, kTxStoreId, kTxSku, kTxCategory, kTxIsReturn };
enum CuSlot { kCuCustomerId, kCuJoinedAt, kCuMemberTier, kCuRegion, kCuBirthYear, kCuGender, kCuPhone, kCuEmail, kCuName, kCuStatus };
enum EvSlot { kEvEventId, kEvCustomerId, kEvTs, kEvType, kEvValue, kEvText };

bool IsNumericField(Table t, std::string_view f) {
  if (t == Table::kTransactions) return f == "amount" || f == "quantity" || f == "discount";
  if (t == Table::kCustomers) return f == "birth_year";
  return f == "value";
}

void AppendStr(std::string& buf, std::string_view s) {
  auto n = static_cast<std::uint32_t>(s.size());
  buf.append(reinterpret_cast<const char*>(&n), sizeof n);
  buf.append(s);
}
void AppendNum(std::string& buf, double v) {
  if (std::isnan(v)) v = kNaN;  // one NaN bit pattern
  if (v == 0) v = 0;            // no negative zero
  char b[8];
  std::memcpy(b, &v, 8);
  buf.append(b, 8);
}
void AppendInt(std::string& buf, std::int64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  buf.append(b, 8);
}

std::optional<bool> ParseBool(std::string_view v) {
  std::string s;
  for (char c : v) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s.empty() || s == "false" || s == "0" || s == "no" || s == "n" || s == "f") return false;
  if (s == "true" || s == "1" || s == "yes" || s == "y" || s == "t") return true;
  return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<const re2::RE2>> CompileWholeMatchRegex(const std::string& pattern) {
  // RE2 matches in time linear in the value and compiles within a memory budget, so a
  // pattern such as (a{1,1000}){1,1000} fails here at once with a message instead of
  // running for minutes in gigabytes as a backtracking or POSIX engine does.
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(kMaxRegexMemory);
  auto re = std::make_shared<const re2::RE2>(pattern, options);
  if (!re->ok())
    return Status::InvalidArgument("bad regex '" + pattern + "': " + re->error() +
                                   (re->error_code() == re2::RE2::ErrorPatternTooLarge
                                        ? " (the pattern compiles to more than 8 MiB; simplify its repetitions)"
                                        : ""));
  return std::shared_ptr<const re2::RE2>(std::move(re));
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* e = s + bytes.size();
  // ASCII fast path, 8 bytes at a time: most records have no byte >= 0x80 at all.
  while (e - s >= 8) {
    std::uint64_t w;
    std::memcpy(&w, s, 8);
    if ((w & 0x8080808080808080ull) != 0) break;
    s += 8;
  }
  while (s < e) {
    unsigned char c = *s;
    if (c < 0x80) {
      ++s;
      continue;
    }
    int n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (e - s <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((s[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    s += n + 1;
  }
  return true;
}

Result<RowConverter> RowConverter::Create(Table table, const TableMapping& m, const std::vector<std::string>& header,
                                          std::size_t field_count, const std::string& mapping_path,
                                          const std::string& pii_key, bool apply_exclusions) {
  RowConverter c;
  c.table_ = table;
  c.field_count_ = field_count;
  c.number_format_ = NumberFormat{m.decimal, m.thousands, m.currency_symbols};
  c.source_offset_ = m.source_offset_minutes;
  c.business_offset_ = m.business_offset_minutes;
  c.returns_ = m.returns;
  c.pii_key_ = pii_key;
  const auto& names = CanonicalFields(table);
  c.slots_.resize(names.size());

  auto header_list = [&] {
    std::string s;
    for (const auto& h : header) s += (s.empty() ? "" : ", ") + EscapeForMessage(h);
    return s;
  };
  auto resolve = [&](const std::string& name, int position, int line, int& col) -> Status {
    std::string where = mapping_path + ":" + std::to_string(line);
    if (position > 0) {
      if (static_cast<std::size_t>(position) > field_count)
        return Status::DataError(where + ": column position " + std::to_string(position) + " is beyond the file's " +
                                 std::to_string(field_count) + " columns");
      col = position - 1;
      return Status::OK();
    }
    if (header.empty())
      return Status::DataError(where + ": column '" + name +
                               "' is named but the file has no header (use a 1-based position, or header = true)");
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
      return Status::DataError(where + ": column '" + EscapeForMessage(name) + "' is not in the file's header (" + header_list() + ")");
    col = static_cast<int>(it - header.begin());
    return Status::OK();
  };

  for (const FieldMapping& f : m.fields) {
    auto idx = static_cast<std::size_t>(std::find(names.begin(), names.end(), f.field) - names.begin());
    Slot& s = c.slots_[idx];
    s.mapped = true;
    s.kind = f.kind;
    s.value_map = f.value_map;
    bool numeric = IsNumericField(table, f.field);
    std::string where = mapping_path + ":" + std::to_string(f.line);
    switch (f.kind) {
      case FieldMapping::Kind::kColumn:
        CW_RETURN_IF_ERROR(resolve(f.column, f.position, f.line, s.col));
        s.label = f.position > 0 ? "$" + std::to_string(f.position) : f.column;
        break;
      case FieldMapping::Kind::kConstant:
        s.constant = f.constant;
        s.label = f.field;
        if (numeric && !ParseNumber(f.constant, c.number_format_, s.constant_number))
          return Status::InvalidArgument(where + ": constant '" + f.constant + "' of numeric field '" + f.field +
                                         "' is not a number");
        break;
      case FieldMapping::Kind::kExpression: {
        if (!numeric)
          return Status::InvalidArgument(where + ": field '" + f.field + "' is text; expressions are only for numeric fields");
        CW_ASSIGN_OR_RETURN(Expression e, Expression::Parse(f.expression));
        for (const ColumnRef& ref : e.columns()) {
          int col = -1;
          CW_RETURN_IF_ERROR(resolve(ref.name, ref.position, f.line, col));
          s.expr_cols.push_back(col);
          s.expr_labels.push_back(ref.Describe());
        }
        s.label = f.expression;
        s.expr = std::move(e);
        break;
      }
    }
    if (table == Table::kTransactions && f.field == "channel" && f.kind == FieldMapping::Kind::kConstant) {
      std::string_view v = c.Text(s, CsvRecord{});
      if (v.empty()) {
        s.constant_channel = static_cast<int>(Channel::kUnknown);
      } else if (auto ch = ParseChannel(v)) {
        s.constant_channel = static_cast<int>(*ch);
      }
    }
    const auto& formats = f.date_formats.empty() ? m.date_formats : f.date_formats;
    for (const auto& text : formats) {
      CW_ASSIGN_OR_RETURN(DateFormat df, DateFormat::Compile(text));
      s.formats.push_back(std::move(df));
    }
  }
  if (apply_exclusions) {
    for (const ExcludeRule& r : m.exclude) {
      Rule rule;
      if (!r.field.empty()) {
        rule.slot = static_cast<int>(std::find(names.begin(), names.end(), r.field) - names.begin());
        if (!c.slots_[static_cast<std::size_t>(rule.slot)].mapped)
          return Status::InvalidArgument(mapping_path + ":" + std::to_string(r.line) + ": exclude rule '" + r.name +
                                         "' tests field '" + r.field + "', which the mapping does not fill");
      } else {
        CW_RETURN_IF_ERROR(resolve(r.column, r.position, r.line, rule.col));
      }
      rule.values = r.values;
      rule.prefixes = r.prefixes;
      if (!r.regex.empty()) {
        CW_ASSIGN_OR_RETURN(rule.regex, CompileWholeMatchRegex(r.regex));
      }
      c.rules_.push_back(std::move(rule));
    }
  }
  std::size_t max_expr = 0;
  for (const auto& s : c.slots_) max_expr = std::max(max_expr, s.expr_cols.size());
  c.expr_values_.resize(max_expr);
  c.dialect_ = m.dialect;
  if (table == Table::kCustomers)
    for (int slot : {kCuPhone, kCuEmail, kCuName}) {
      const Slot& s = c.slots_[static_cast<std::size_t>(slot)];
      if (s.mapped && s.kind == FieldMapping::Kind::kColumn) {
        c.personal_cols_.push_back(s.col);
        c.personal_labels_.push_back(s.label);
      }
    }
  return c;
}

bool RowConverter::IsPersonalColumn(std::string_view column) const {
  return std::find(personal_labels_.begin(), personal_labels_.end(), column) != personal_labels_.end();
}

void RowConverter::RedactRecord(const CsvRecord& rec, std::string& out) const {
  out.clear();
  if (rec.unterminated_quote || rec.fields.size() != field_count_) {
    out = kWithheldRecord;
    return;
  }
  const char q = dialect_.quote;
  const char sep = dialect_.whitespace ? ' ' : dialect_.delimiter;
  for (std::size_t i = 0; i < rec.fields.size(); ++i) {
    if (i > 0) out += sep;
    if (std::find(personal_cols_.begin(), personal_cols_.end(), static_cast<int>(i)) != personal_cols_.end()) {
      out += kPersonalMarker;
      continue;
    }
    // Quoted as the file would need it, so the shown record still splits into its columns.
    const std::string_view v = rec.fields[i];
    const bool quote = v.find_first_of(dialect_.whitespace ? std::string{' ', '\t', q, '\n', '\r'}
                                                           : std::string{sep, q, '\n', '\r'}) != std::string_view::npos;
    if (!quote) {
      out += v;
      continue;
    }
    out += q;
    for (char ch : v) {
      if (ch == q) out += q;
      out += ch;
    }
    out += q;
  }
}

std::string_view RowConverter::Text(const Slot& s, const CsvRecord& rec) const {
  if (!s.mapped) return {};
  std::string_view v = s.kind == FieldMapping::Kind::kConstant ? std::string_view(s.constant)
                                                               : TrimBlanks(rec.fields[static_cast<std::size_t>(s.col)]);
  for (const auto& [from, to] : s.value_map)
    if (v == from) return to;
  return v;
}

bool RowConverter::Number(const Slot& s, const CsvRecord& rec, bool missing_ok, double& out, RejectInfo& reject) const {
  if (s.kind == FieldMapping::Kind::kConstant) {
    out = s.constant_number;
    return true;
  }
  if (s.kind == FieldMapping::Kind::kColumn) {
    std::string_view v = Text(s, rec);
    if (v.empty()) {
      if (missing_ok) {
        out = kNaN;
        return true;
      }
      reject = {RejectReason::kMissingField, s.label, v, "empty value"};
      return false;
    }
    if (ParseNumber(v, number_format_, out)) return true;
    reject = {RejectReason::kBadNumber, s.label, v, "not a number"};
    return false;
  }
  double* values = expr_values_.data();
  for (std::size_t i = 0; i < s.expr_cols.size(); ++i) {
    std::string_view v = TrimBlanks(rec.fields[static_cast<std::size_t>(s.expr_cols[i])]);
    if (v.empty()) {
      if (missing_ok) {
        out = kNaN;
        return true;
      }
      reject = {RejectReason::kMissingField, s.expr_labels[i], v, "empty operand of '" + s.expr->text() + "'"};
      return false;
    }
    if (!ParseNumber(v, number_format_, values[i])) {
      reject = {RejectReason::kBadNumber, s.expr_labels[i], v, "not a number (operand of '" + s.expr->text() + "')"};
      return false;
    }
  }
  if (s.expr->Evaluate(std::span<const double>(values, s.expr_cols.size()), out)) return true;
  reject = {RejectReason::kBadNumber, s.label, {}, "'" + s.expr->text() + "' has no finite value (division by zero?)"};
  return false;
}

bool RowConverter::Time(const Slot& s, const CsvRecord& rec, Timestamp& out, RejectInfo& reject) const {
  std::string_view v = Text(s, rec);
  if (v.empty()) {
    reject = {RejectReason::kMissingField, s.label, v, "empty date/time"};
    return false;
  }
  if (s.has_last_time && v == s.last_time_text) {
    out = s.last_time;
    return true;
  }
  for (const DateFormat& f : s.formats) {
    Timestamp local = 0;
    int offset = 0;
    bool has_offset = false;
    if (f.Parse(v, local, offset, has_offset)) {
      int from = has_offset ? offset : source_offset_;
      out = local + static_cast<Timestamp>(business_offset_ - from) * 60;
      s.last_time_text.assign(v);
      s.last_time = out;
      s.has_last_time = true;
      return true;
    }
  }
  std::string formats;
  for (const auto& f : s.formats) formats += (formats.empty() ? "" : " | ") + f.text();
  reject = {RejectReason::kBadDate, s.label, v, "matches none of the date formats " + formats};
  return false;
}

int RowConverter::MatchExclusion(const CsvRecord& rec) const {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = rules_[i];
    std::string_view v = r.slot >= 0 ? Text(slots_[static_cast<std::size_t>(r.slot)], rec)
                                     : TrimBlanks(rec.fields[static_cast<std::size_t>(r.col)]);
    bool hit = std::find(r.values.begin(), r.values.end(), v) != r.values.end();
    for (std::size_t p = 0; !hit && p < r.prefixes.size(); ++p) hit = v.starts_with(r.prefixes[p]);
    if (!hit && r.regex) hit = re2::RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *r.regex);
    if (hit) return static_cast<int>(i);
  }
  return -1;
}

RowOutcome RowConverter::Convert(const CsvRecord& rec, Transaction& out, RejectInfo& reject, int& excluded_rule) {
  const Slot& cust = slots_[kTxCustomerId];
  std::string_view customer = Text(cust, rec);
  if (customer.empty()) {
    // An exclusion rule for rows without a customer id (walk-in sales) wins over rejecting.
    if ((excluded_rule = MatchExclusion(rec)) >= 0) return RowOutcome::kExcluded;
    reject = {RejectReason::kMissingCustomerId, cust.label, customer, "no customer id"};
    return RowOutcome::kRejected;
  }
  if (!Time(slots_[kTxTs], rec, out.ts, reject)) return RowOutcome::kRejected;
  if (!Number(slots_[kTxAmount], rec, false, out.amount, reject)) return RowOutcome::kRejected;
  out.quantity = 1;  // one row is one unit when the source has no quantity
  if (slots_[kTxQuantity].mapped && !Number(slots_[kTxQuantity], rec, false, out.quantity, reject))
    return RowOutcome::kRejected;
  out.discount = kNaN;
  if (slots_[kTxDiscount].mapped && !Number(slots_[kTxDiscount], rec, true, out.discount, reject))
    return RowOutcome::kRejected;
  out.channel = Channel::kUnknown;
  if (const Slot& s = slots_[kTxChannel]; s.constant_channel >= 0) {
    out.channel = static_cast<Channel>(s.constant_channel);
  } else if (s.mapped) {
    std::string_view v = Text(s, rec);
    if (!v.empty()) {
      auto ch = ParseChannel(v);
      if (!ch) {
        reject = {RejectReason::kBadChannel, s.label, v, "channel must be store, online, app or other (or map it)"};
        return RowOutcome::kRejected;
      }
      out.channel = *ch;
    }
  }
  bool is_return = false;
  if (const Slot& s = slots_[kTxIsReturn]; s.mapped) {
    std::string_view v = Text(s, rec);
    auto b = ParseBool(v);
    if (!b) {
      reject = {RejectReason::kBadBoolean, s.label, v, "is_return must be true/false, 1/0, yes/no"};
      return RowOutcome::kRejected;
    }
    is_return = *b;
  }
  std::string_view order = Text(slots_[kTxOrderId], rec);
  for (const auto& p : returns_.order_id_prefixes) is_return = is_return || order.starts_with(p);
  if (returns_.negative_quantity && out.quantity < 0) is_return = true;
  if (returns_.negative_amount && out.amount < 0) is_return = true;
  if (is_return) {
    out.quantity = -std::fabs(out.quantity);
    out.amount = -std::fabs(out.amount);
  }
  if (out.amount == 0) out.amount = 0;
  if (out.quantity == 0) out.quantity = 0;
  out.is_return = is_return;
  if ((excluded_rule = MatchExclusion(rec)) >= 0) return RowOutcome::kExcluded;
  out.order_id.assign(order);
  out.customer_id.assign(customer);
  out.store_id.assign(Text(slots_[kTxStoreId], rec));
  out.sku.assign(Text(slots_[kTxSku], rec));
  out.category.assign(Text(slots_[kTxCategory], rec));
  return RowOutcome::kAccepted;
}

RowOutcome RowConverter::Convert(const CsvRecord& rec, Customer& out, RejectInfo& reject, int& excluded_rule) {
  const Slot& cust = slots_[kCuCustomerId];
  std::string_view customer = Text(cust, rec);
  if (customer.empty()) {
    // An exclusion rule for rows without a customer id (walk-in sales) wins over rejecting.
    if ((excluded_rule = MatchExclusion(rec)) >= 0) return RowOutcome::kExcluded;
    reject = {RejectReason::kMissingCustomerId, cust.label, customer, "no customer id"};
    return RowOutcome::kRejected;
  }
  out.joined_at.reset();
  if (const Slot& s = slots_[kCuJoinedAt]; s.mapped && !Text(s, rec).empty()) {
    Timestamp ts = 0;
    if (!Time(s, rec, ts, reject)) return RowOutcome::kRejected;
    out.joined_at = DayOf(ts);
  }
  out.birth_year = 0;
  if (const Slot& s = slots_[kCuBirthYear]; s.mapped) {
    double y = kNaN;
    if (!Number(s, rec, true, y, reject)) return RowOutcome::kRejected;
    if (!std::isnan(y)) {
      if (y != std::floor(y) || y < 1850 || y > 2100) {
        reject = {RejectReason::kBadNumber, s.label, Text(s, rec), "birth_year must be a whole year 1850..2100"};
        return RowOutcome::kRejected;
      }
      out.birth_year = static_cast<int>(y);
    }
  }
  if ((excluded_rule = MatchExclusion(rec)) >= 0) return RowOutcome::kExcluded;
  out.customer_id.assign(customer);
  out.member_tier.assign(Text(slots_[kCuMemberTier], rec));
  out.region.assign(Text(slots_[kCuRegion], rec));
  out.gender.assign(Text(slots_[kCuGender], rec));
  out.status.assign(Text(slots_[kCuStatus], rec));
  // Raw personal values never leave this function: only their keyed digests are stored.
  out.phone_hash = PseudonymiseField(PiiKind::kPhone, Text(slots_[kCuPhone], rec), pii_key_);
  out.email_hash = PseudonymiseField(PiiKind::kEmail, Text(slots_[kCuEmail], rec), pii_key_);
  out.name_hash = PseudonymiseField(PiiKind::kName, Text(slots_[kCuName], rec), pii_key_);
  return RowOutcome::kAccepted;
}

RowOutcome RowConverter::Convert(const CsvRecord& rec, Event& out, RejectInfo& reject, int& excluded_rule) {
  const Slot& cust = slots_[kEvCustomerId];
  std::string_view customer = Text(cust, rec);
  if (customer.empty()) {
    // An exclusion rule for rows without a customer id (walk-in sales) wins over rejecting.
    if ((excluded_rule = MatchExclusion(rec)) >= 0) return RowOutcome::kExcluded;
    reject = {RejectReason::kMissingCustomerId, cust.label, customer, "no customer id"};
    return RowOutcome::kRejected;
  }
  if (!Time(slots_[kEvTs], rec, out.ts, reject)) return RowOutcome::kRejected;
  const Slot& ts = slots_[kEvType];
  std::string_view type = Text(ts, rec);
  if (type.empty()) {
    reject = {RejectReason::kMissingField, ts.label, type, "empty event type"};
    return RowOutcome::kRejected;
  }
  auto t = ParseEventType(type);
  if (!t) {
    // The message lists the accepted types, so the user can write the mapping's `map` line.
    static const std::string kAccepted = [] {
      std::string list;
      for (int i = 0; i < kEventTypeCount; ++i)
        list += (i ? ", " : "") + std::string(EventTypeName(static_cast<EventType>(i)));
      return list;
    }();
    reject = {RejectReason::kBadEventType, ts.label, type,
              "not an event type; the types are " + kAccepted + " (translate yours with 'map')"};
    return RowOutcome::kRejected;
  }
  out.type = *t;
  out.value = kNaN;
  if (slots_[kEvValue].mapped && !Number(slots_[kEvValue], rec, true, out.value, reject)) return RowOutcome::kRejected;
  if ((excluded_rule = MatchExclusion(rec)) >= 0) return RowOutcome::kExcluded;
  out.event_id.assign(Text(slots_[kEvEventId], rec));
  out.customer_id.assign(customer);
  out.text.assign(Text(slots_[kEvText], rec));
  return RowOutcome::kAccepted;
}

void RowConverter::Serialise(const Transaction& r, std::string& buf) {
  buf.clear();
  buf.push_back('T');
  AppendStr(buf, r.order_id);
  AppendStr(buf, r.customer_id);
  AppendInt(buf, r.ts);
  AppendNum(buf, r.amount);
  AppendNum(buf, r.quantity);
  AppendNum(buf, r.discount);
  buf.push_back(static_cast<char>(r.channel));
  AppendStr(buf, r.store_id);
  AppendStr(buf, r.sku);
  AppendStr(buf, r.category);
  buf.push_back(r.is_return ? '1' : '0');
}

void RowConverter::Serialise(const Customer& r, std::string& buf) {
  buf.clear();
  buf.push_back('C');
  AppendStr(buf, r.customer_id);
  AppendInt(buf, r.joined_at ? *r.joined_at : INT64_MIN);
  AppendStr(buf, r.member_tier);
  AppendStr(buf, r.region);
  AppendInt(buf, r.birth_year);
  AppendStr(buf, r.gender);
  AppendStr(buf, r.phone_hash);
  AppendStr(buf, r.email_hash);
  AppendStr(buf, r.name_hash);
  AppendStr(buf, r.status);
}

void RowConverter::Serialise(const Event& r, std::string& buf) {
  buf.clear();
  buf.push_back('E');
  AppendStr(buf, r.event_id);
  AppendStr(buf, r.customer_id);
  AppendInt(buf, r.ts);
  buf.push_back(static_cast<char>(r.type));
  AppendNum(buf, r.value);
  AppendStr(buf, r.text);
}

}  // namespace churnwatch::ingest
