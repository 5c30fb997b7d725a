// Mapping files (TOML, via toml++): parse, validate every key (unknown keys are errors that
// name the key and its line, so a typo never silently drops a column), and resolve files
// against the mapping's folder. Format reference: docs/ingest.md.
#include "churnwatch/mapping.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "churnwatch/toml_keys.h"
#include "ingest/expression.h"
#include "ingest/row_converter.h"
#include "ingest/value_parsers.h"

namespace churnwatch {
namespace {

using ingest::DateFormat;
using ingest::Expression;

constexpr std::string_view kDialectKeys[] = {"delimiter", "quote",    "header",      "decimal",
                                             "thousands", "timezone", "date_format", "currency_symbols"};

struct Parser {
  std::string src;
  std::string base_dir;
  std::optional<int> business_offset;

  std::string At(const toml::source_region& r) const { return src + ":" + std::to_string(r.begin.line); }
  Status Error(const toml::node& n, const std::string& what) const { return Status::InvalidArgument(At(n.source()) + ": " + what); }

  Status CheckKeys(const toml::table& t, const std::string& section, const std::vector<std::string_view>& allowed,
                   bool dialect) const {
    std::vector<std::string_view> all = allowed;
    if (dialect) all.insert(all.end(), std::begin(kDialectKeys), std::end(kDialectKeys));
    return config::CheckKeys(t, src, section, all);
  }

  Result<std::string> Str(const toml::node& n, const std::string& key) const {
    if (auto s = n.value<std::string>(); s && n.is_string()) return *s;
    return Error(n, "'" + key + "' must be a string");
  }
  Result<std::vector<std::string>> StrList(const toml::node& n, const std::string& key) const {
    std::vector<std::string> out;
    if (n.is_string()) {
      out.push_back(*n.value<std::string>());
      return out;
    }
    if (const auto* arr = n.as_array()) {
      for (const auto& el : *arr) {
        if (!el.is_string()) return Error(el, "'" + key + "' must be a string or a list of strings");
        out.push_back(*el.value<std::string>());
      }
      return out;
    }
    return Error(n, "'" + key + "' must be a string or a list of strings");
  }
  Result<char> OneChar(const toml::node& n, const std::string& key, bool allow_empty) const {
    CW_ASSIGN_OR_RETURN(std::string s, Str(n, key));
    if (s.empty() && allow_empty) return '\0';
    if (s.size() != 1) return Error(n, "'" + key + "' must be a single character, got '" + s + "'");
    return s[0];
  }

  Status Dialect(const toml::table& t, TableMapping& m, std::optional<int>& source_offset) const {
    if (const auto* n = t.get("delimiter")) {
      CW_ASSIGN_OR_RETURN(std::string d, Str(*n, "delimiter"));
      if (d == "whitespace") {
        m.dialect.whitespace = true;
      } else if (d == "tab" || d == "\t") {
        m.dialect.whitespace = false;
        m.dialect.delimiter = '\t';
      } else if (d.size() == 1 && d != "\n" && d != "\r" && d != "\"") {
        m.dialect.whitespace = false;
        m.dialect.delimiter = d[0];
      } else {
        return Error(*n, "'delimiter' must be one character, \"tab\" or \"whitespace\", got '" + d + "'");
      }
    }
    if (const auto* n = t.get("quote")) {
      CW_ASSIGN_OR_RETURN(m.dialect.quote, OneChar(*n, "quote", false));
    }
    if (const auto* n = t.get("header")) {
      if (!n->is_boolean()) return Error(*n, "'header' must be true or false");
      m.header = *n->value<bool>();
    }
    if (const auto* n = t.get("decimal")) {
      CW_ASSIGN_OR_RETURN(m.decimal, OneChar(*n, "decimal", false));
      if (m.decimal != '.' && m.decimal != ',') return Error(*n, "'decimal' must be \".\" or \",\"");
    }
    if (const auto* n = t.get("thousands")) {
      CW_ASSIGN_OR_RETURN(m.thousands, OneChar(*n, "thousands", true));
    }
    if (const auto* n = t.get("currency_symbols")) {
      CW_ASSIGN_OR_RETURN(m.currency_symbols, StrList(*n, "currency_symbols"));
      for (const auto& sym : m.currency_symbols)
        if (sym.empty() || sym.find_first_of("0123456789.,+- \t") != std::string::npos)
          return Error(*n, "'currency_symbols' entries must be non-empty and hold no digits, signs, separators or "
                           "blanks, got '" + sym + "'");
    }
    if (const auto* n = t.get("timezone")) {
      CW_ASSIGN_OR_RETURN(std::string tz, Str(*n, "timezone"));
      auto off = ingest::ParseUtcOffsetMinutes(tz);
      if (!off.ok()) return Error(*n, off.status().message());
      source_offset = *off;
    }
    if (const auto* n = t.get("date_format")) {
      CW_ASSIGN_OR_RETURN(m.date_formats, StrList(*n, "date_format"));
      CW_RETURN_IF_ERROR(CheckFormats(*n, m.date_formats));
    }
    return Status::OK();
  }

  Status CheckFormats(const toml::node& n, const std::vector<std::string>& formats) const {
    if (formats.empty()) return Error(n, "'date_format' must name at least one format");
    for (const auto& f : formats) {
      auto c = DateFormat::Compile(f);
      if (!c.ok()) return Error(n, c.status().message());
    }
    return Status::OK();
  }

  Result<FieldMapping> Field(const std::string& name, const toml::node& n, const std::string& section) const {
    FieldMapping f;
    f.field = name;
    f.line = static_cast<int>(n.source().begin.line);
    if (n.is_string()) {
      f.column = *n.value<std::string>();
      if (f.column.empty()) return Error(n, "field '" + name + "': empty column name");
      return f;
    }
    if (n.is_integer()) {
      f.position = static_cast<int>(*n.value<std::int64_t>());
      if (f.position < 1) return Error(n, "field '" + name + "': column positions start at 1");
      return f;
    }
    const auto* t = n.as_table();
    if (t == nullptr) return Error(n, "field '" + name + "' must be a column name, a 1-based position or a table");
    CW_RETURN_IF_ERROR(CheckKeys(*t, section + "." + name, {"column", "position", "expr", "value", "format", "map"}, false));
    int sources = 0;
    if (const auto* c = t->get("column")) {
      CW_ASSIGN_OR_RETURN(f.column, Str(*c, "column"));
      ++sources;
    }
    if (const auto* c = t->get("position")) {
      if (!c->is_integer() || *c->value<std::int64_t>() < 1) return Error(*c, "'position' must be an integer >= 1");
      f.position = static_cast<int>(*c->value<std::int64_t>());
      ++sources;
    }
    if (const auto* c = t->get("expr")) {
      CW_ASSIGN_OR_RETURN(f.expression, Str(*c, "expr"));
      auto e = Expression::Parse(f.expression);
      if (!e.ok()) return Error(*c, e.status().message());
      f.kind = FieldMapping::Kind::kExpression;
      ++sources;
    }
    if (const auto* c = t->get("value")) {
      CW_ASSIGN_OR_RETURN(f.constant, Str(*c, "value"));
      f.kind = FieldMapping::Kind::kConstant;
      ++sources;
    }
    if (sources != 1)
      return Error(n, "field '" + name + "' needs exactly one of 'column', 'position', 'expr' or 'value'");
    if (const auto* c = t->get("format")) {
      CW_ASSIGN_OR_RETURN(f.date_formats, StrList(*c, "format"));
      CW_RETURN_IF_ERROR(CheckFormats(*c, f.date_formats));
    }
    if (const auto* c = t->get("map")) {
      const auto* mt = c->as_table();
      if (mt == nullptr) return Error(*c, "'map' must be a table of source value = canonical value");
      for (auto&& [k, v] : *mt) {
        CW_ASSIGN_OR_RETURN(std::string to, Str(v, "map." + std::string(k.str())));
        f.value_map.emplace_back(std::string(k.str()), std::move(to));
      }
    }
    return f;
  }

  Status Table(const toml::table& root, Table which, const std::string& key, const toml::table* defaults,
               TableMapping& m) const {
    const auto* node = root.get(key);
    if (node == nullptr) return Status::OK();
    const auto* t = node->as_table();
    if (t == nullptr) return Error(*node, "'" + key + "' must be a table ([" + key + "])");
    m.present = true;
    m.line = static_cast<int>(t->source().begin.line);
    std::vector<std::string_view> allowed = {"file", "duplicates", "fields", "exclude", "missing_customer_id"};
    if (which == Table::kTransactions) allowed.push_back("returns");
    CW_RETURN_IF_ERROR(CheckKeys(*t, key, allowed, true));
    std::optional<int> source_offset;
    if (defaults != nullptr) CW_RETURN_IF_ERROR(Dialect(*defaults, m, source_offset));
    CW_RETURN_IF_ERROR(Dialect(*t, m, source_offset));
    m.source_offset_minutes = source_offset.value_or(business_offset.value_or(0));
    m.business_offset_minutes = business_offset.value_or(m.source_offset_minutes);

    if (const auto* n = t->get("file")) {
      CW_ASSIGN_OR_RETURN(std::string f, Str(*n, "file"));
      std::filesystem::path p(f);
      m.file = (p.is_absolute() ? p : std::filesystem::path(base_dir) / p).lexically_normal().string();
    }
    if (const auto* n = t->get("duplicates")) {
      CW_ASSIGN_OR_RETURN(std::string d, Str(*n, "duplicates"));
      if (d == "skip") m.duplicates = DuplicatePolicy::kSkip;
      else if (d == "keep") m.duplicates = DuplicatePolicy::kKeep;
      else return Error(*n, "'duplicates' must be \"skip\" or \"keep\", got '" + d + "'");
    }
    const auto& canonical = CanonicalFields(which);
    std::optional<ExcludeRule> walk_ins;
    if (const auto* n = t->get("missing_customer_id")) {
      CW_ASSIGN_OR_RETURN(std::string d, Str(*n, "missing_customer_id"));
      if (d == "exclude") {
        walk_ins = ExcludeRule{"missing_customer_id", "customer_id", "", 0, {""}, {}, "", static_cast<int>(n->source().begin.line)};
      } else if (d != "reject") {
        return Error(*n, "'missing_customer_id' must be \"reject\" (the default: rows without a customer id go to "
                         "the rejects file) or \"exclude\" (walk-in sales: counted as excluded), got '" + d + "'");
      }
    }
    if (const auto* n = t->get("fields")) {
      const auto* ft = n->as_table();
      if (ft == nullptr) return Error(*n, "'fields' must be a table ([" + key + ".fields])");
      for (auto&& [k, v] : *ft) {
        std::string name(k.str());
        if (std::find(canonical.begin(), canonical.end(), name) == canonical.end()) {
          std::string list;
          for (auto c : canonical) list += (list.empty() ? "" : ", ") + std::string(c);
          return Status::InvalidArgument(At(k.source()) + ": unknown key '" + key + ".fields." + name +
                                         "': not a canonical " + key + " field (" + list + ")");
        }
        CW_ASSIGN_OR_RETURN(FieldMapping f, Field(name, v, key + ".fields"));
        m.fields.push_back(std::move(f));
      }
    }
    std::vector<std::string_view> required = {"customer_id"};
    if (which == Table::kTransactions) required = {"customer_id", "ts", "amount"};
    if (which == Table::kEvents) required = {"customer_id", "ts", "type"};
    for (auto r : required)
      if (m.Find(r) == nullptr)
        return Status::InvalidArgument(At(t->source()) + ": [" + key + "] must map the field '" + std::string(r) +
                                       "' (in [" + key + ".fields])");

    if (const auto* n = t->get("returns")) {
      const auto* rt = n->as_table();
      if (rt == nullptr) return Error(*n, "'returns' must be a table");
      CW_RETURN_IF_ERROR(CheckKeys(*rt, key + ".returns", {"order_id_prefix", "negative_quantity", "negative_amount"}, false));
      if (const auto* p = rt->get("order_id_prefix")) {
        CW_ASSIGN_OR_RETURN(m.returns.order_id_prefixes, StrList(*p, "order_id_prefix"));
      }
      if (const auto* p = rt->get("negative_quantity")) {
        if (!p->is_boolean()) return Error(*p, "'negative_quantity' must be true or false");
        m.returns.negative_quantity = *p->value<bool>();
      }
      if (const auto* p = rt->get("negative_amount")) {
        if (!p->is_boolean()) return Error(*p, "'negative_amount' must be true or false");
        m.returns.negative_amount = *p->value<bool>();
      }
    }
    if (const auto* n = t->get("exclude")) {
      const auto* arr = n->as_array();
      if (arr == nullptr) return Error(*n, "'exclude' must be a list of rules ([[" + key + ".exclude]])");
      for (const auto& el : *arr) {
        const auto* rt = el.as_table();
        if (rt == nullptr) return Error(el, "each exclude rule must be a table");
        CW_RETURN_IF_ERROR(CheckKeys(*rt, key + ".exclude", {"name", "field", "column", "position", "in", "prefix", "regex"}, false));
        ExcludeRule r;
        r.line = static_cast<int>(rt->source().begin.line);
        int targets = 0;
        if (const auto* p = rt->get("name")) { CW_ASSIGN_OR_RETURN(r.name, Str(*p, "name")); }
        if (const auto* p = rt->get("field")) {
          CW_ASSIGN_OR_RETURN(r.field, Str(*p, "field"));
          if (std::find(canonical.begin(), canonical.end(), r.field) == canonical.end())
            return Error(*p, "exclude rule field '" + r.field + "' is not a canonical " + key + " field");
          ++targets;
        }
        if (const auto* p = rt->get("column")) { CW_ASSIGN_OR_RETURN(r.column, Str(*p, "column")); ++targets; }
        if (const auto* p = rt->get("position")) {
          if (!p->is_integer() || *p->value<std::int64_t>() < 1) return Error(*p, "'position' must be an integer >= 1");
          r.position = static_cast<int>(*p->value<std::int64_t>());
          ++targets;
        }
        if (targets != 1) return Error(el, "an exclude rule needs exactly one of 'field', 'column' or 'position'");
        if (const auto* p = rt->get("in")) { CW_ASSIGN_OR_RETURN(r.values, StrList(*p, "in")); }
        if (const auto* p = rt->get("prefix")) { CW_ASSIGN_OR_RETURN(r.prefixes, StrList(*p, "prefix")); }
        if (const auto* p = rt->get("regex")) {
          CW_ASSIGN_OR_RETURN(r.regex, Str(*p, "regex"));
          if (auto re = ingest::CompileWholeMatchRegex(r.regex); !re.ok()) return Error(*p, re.status().message());
        }
        if (r.values.empty() && r.prefixes.empty() && r.regex.empty())
          return Error(el, "an exclude rule needs at least one of 'in', 'prefix' or 'regex'");
        if (r.name.empty()) r.name = "rule_line_" + std::to_string(r.line);
        m.exclude.push_back(std::move(r));
      }
    }
    // First, so rows without a customer id count under this rule and not under another
    // rule that also matches them (a walk-in buying postage).
    if (walk_ins) m.exclude.insert(m.exclude.begin(), std::move(*walk_ins));
    return Status::OK();
  }
};

}  // namespace

const std::vector<std::string_view>& CanonicalFields(Table table) {
  static const std::vector<std::string_view> kTx = {"order_id", "customer_id", "ts",       "amount",   "quantity", "discount",
                                                    "channel",  "store_id",    "sku",      "category", "is_return"};
  static const std::vector<std::string_view> kCu = {"customer_id", "joined_at", "member_tier", "region", "birth_year",
                                                    "gender",      "phone",     "email",       "name",   "status"};
  static const std::vector<std::string_view> kEv = {"event_id", "customer_id", "ts", "type", "value", "text"};
  return table == Table::kTransactions ? kTx : table == Table::kCustomers ? kCu : kEv;
}

namespace {

Result<Mapping> ParseMappingText(std::string_view text, const std::string& source_name, const std::string& base_dir) {
  Parser p{source_name, base_dir, std::nullopt};
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  CW_RETURN_IF_ERROR(p.CheckKeys(root, "", {"version", "business_timezone", "defaults", "transactions", "customers", "events"}, false));
  if (const auto* n = root.get("version")) {
    if (!n->is_integer() || *n->value<std::int64_t>() != 1) return p.Error(*n, "'version' must be 1");
  }
  if (const auto* n = root.get("business_timezone")) {
    CW_ASSIGN_OR_RETURN(std::string tz, p.Str(*n, "business_timezone"));
    auto off = ingest::ParseUtcOffsetMinutes(tz);
    if (!off.ok()) return p.Error(*n, off.status().message());
    p.business_offset = *off;
  }
  const toml::table* defaults = nullptr;
  if (const auto* n = root.get("defaults")) {
    defaults = n->as_table();
    if (defaults == nullptr) return p.Error(*n, "'defaults' must be a table");
    CW_RETURN_IF_ERROR(p.CheckKeys(*defaults, "defaults", {}, true));
  }
  Mapping m;
  m.path = source_name;
  CW_RETURN_IF_ERROR(p.Table(root, Table::kTransactions, "transactions", defaults, m.transactions));
  CW_RETURN_IF_ERROR(p.Table(root, Table::kCustomers, "customers", defaults, m.customers));
  CW_RETURN_IF_ERROR(p.Table(root, Table::kEvents, "events", defaults, m.events));
  if (!m.transactions.present && !m.customers.present && !m.events.present)
    return Status::InvalidArgument(source_name + ":1: the mapping has none of [transactions], [customers], [events]");
  return m;
}

}  // namespace

Result<Mapping> ParseMapping(std::string_view text, const std::string& source_name, const std::string& base_dir) {
  // Error messages are one line: a value quoted from the file (toml++ quotes what it saw,
  // e.g. "tru\n") has its line breaks and other control bytes escaped.
  Result<Mapping> m = ParseMappingText(text, source_name, base_dir);
  if (!m.ok()) return Status(m.status().code(), ingest::EscapeForMessage(m.status().message()));
  return m;
}

Result<Mapping> LoadMapping(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound("mapping file not found: " + path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read mapping file " + path);
  std::ostringstream s;
  s << in.rdbuf();
  std::string base = std::filesystem::absolute(path, ec).parent_path().string();
  return ParseMapping(s.str(), path, base);
}

}  // namespace churnwatch
