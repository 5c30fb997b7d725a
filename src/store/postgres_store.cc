// The PostgreSQL store: connecting and migrating, scans through a server-side cursor,
// result tables via COPY, and documents. Loads are in postgres_load.cc.
#include "store/postgres_store.h"

#include <libpq-fe.h>
#include <pqxx/tablewriter>

#include <charconv>
#include <cmath>

#include "churnwatch/row_codec.h"
#include "store/schema.h"

namespace churnwatch::store_internal {
namespace {

// Serialises concurrent migrations of one database (any fixed number works; this one is
// "churnwatch" on a phone keypad).
constexpr long long kMigrationLock = 248769282;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string FieldText(const pqxx::field& f) { return f.is_null() ? std::string() : std::string(f.c_str(), f.size()); }

std::int64_t FieldInt(const pqxx::field& f) {
  std::int64_t v = 0;
  if (!f.is_null()) std::from_chars(f.c_str(), f.c_str() + f.size(), v);
  return v;
}

double FieldDouble(const pqxx::field& f) {
  if (f.is_null()) return kNaN;
  double v = kNaN;
  std::from_chars(f.c_str(), f.c_str() + f.size(), v);  // also reads "Infinity", "-Infinity"
  return v;
}

bool FieldKey(const pqxx::field& f, RowKey& key) {
  // bytea in hex output format: "\x" + 32 hex digits.
  if (f.size() != 34 || f.c_str()[0] != '\\' || f.c_str()[1] != 'x') return false;
  unsigned char bytes[16];
  for (int i = 0; i < 16; ++i) {
    unsigned v = 0;
    const char* p = f.c_str() + 2 + 2 * i;
    if (std::from_chars(p, p + 2, v, 16).ptr != p + 2) return false;
    bytes[i] = static_cast<unsigned char>(v);
  }
  return KeyFromBytes(bytes, 16, key);
}

}  // namespace

std::string MaskPassword(std::string_view url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) return std::string(url);
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Status PgError(const std::string& display_url, std::string_view context, const std::exception& e) {
  std::string msg = display_url + ": " + std::string(context) + ": " + Trim(e.what());
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return Status::Unavailable(std::move(msg));
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e)) return Status::PermissionDenied(std::move(msg));
  if (dynamic_cast<const pqxx::data_exception*>(&e) || dynamic_cast<const pqxx::integrity_constraint_violation*>(&e))
    return Status::DataError(std::move(msg));
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e))
    return Status::Internal(std::move(msg) + " (query: " + sql->query().substr(0, 200) + ")");
  return Status::Internal(std::move(msg));
}

void CopyText(std::string& out, std::string_view v) {
  if (v.empty()) {
    out += "\\N";
    return;
  }
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

void CopyDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "\\N";
  } else if (std::isinf(v)) {
    out += v > 0 ? "Infinity" : "-Infinity";
  } else {
    char buf[32];
    // Shortest text that reads back to the same double, so values round-trip exactly.
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
  }
}

void CopyInt(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void CopyKey(std::string& out, const RowKey& k) {
  out += "\\\\x";  // COPY unescapes "\\" to "\", giving bytea's "\x" hex input form
  out += k.ToHex();
}

void CopyInto(pqxx::work& txn, const std::string& table, const std::string& lines) {
  if (lines.empty()) return;
  // pqxx 6.4 offers raw COPY lines only through tablewriter (deprecated in favour of
  // stream_to, whose raw-line writer is private). Raw lines let us send a whole batch in
  // one call with our own exact number formatting.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  pqxx::tablewriter writer(txn, table);
  writer.write_raw_line(lines);
  writer.complete();
#pragma GCC diagnostic pop
}

Result<std::unique_ptr<Store>> PostgresStore::Open(std::string_view url) {
  const std::string u(url);
  const std::string shown = MaskPassword(url);
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(u.c_str(), &err);
  if (!opts) {
    std::string why = err ? Trim(err) : "out of memory";
    PQfreemem(err);
    return Status::InvalidArgument("store URL '" + shown + "' is malformed: " + why);
  }
  PQconninfoFree(opts);
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(u);
  } catch (const std::exception& e) {
    return Status::Unavailable("cannot connect to " + shown + ": " + Trim(e.what()));
  }
  std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(conn), shown));
  CW_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

Status PostgresStore::Migrate() {
  return PgGuard(*this, "migrate schema", [&]() -> Status {
    for (const Migration& m : Migrations()) {
      pqxx::work w(*conn_);
      w.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
      w.exec(std::string(CreateMigrationsTableSql(Dialect::kPostgres)));
      const int v = w.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
      if (v > LatestSchemaVersion())
        return Status::DataError(display_url_ + ": database schema version " + std::to_string(v) +
                                 " is newer than this churnwatch understands (" +
                                 std::to_string(LatestSchemaVersion()) + "); upgrade churnwatch");
      if (m.version <= v) continue;
      w.exec(std::string(m.postgres_sql));
      w.exec_params("INSERT INTO schema_migrations (version, description) VALUES ($1, $2)", m.version,
                    std::string(m.description));
      w.commit();
    }
    pqxx::work w(*conn_);
    version_ = w.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
    w.commit();
    return Status::OK();
  });
}

Result<std::unique_ptr<LoadSession>> PostgresStore::BeginLoad(const LoadInfo& info) { return BeginPostgresLoad(*this, info); }

template <typename Row, typename Decode>
Status PostgresStore::Scan(Table table, const RowSink<Row>& sink, Decode decode) {
  const std::string name(TableName(table));
  return PgGuard(*this, "scan " + name, [&]() -> Status {
    pqxx::work w(*conn_);
    // Row-key order (bytea compares byte by byte, as SQLite compares the same BLOBs), so
    // both stores hand the feature engine the same rows in the same order (store.h). It
    // reads through the row_key index: about twice the time of a plain sequential scan.
    w.exec("DECLARE cw_scan NO SCROLL CURSOR FOR SELECT " + std::string(ColumnsOf(table)) + " FROM " + name +
           BucketWhere(scan_buckets_) + " ORDER BY row_key");
    const std::string fetch = "FETCH FORWARD " + std::to_string(kScanBatchRows) + " FROM cw_scan";
    std::vector<Row> batch;
    for (;;) {
      const pqxx::result r = w.exec(fetch);
      if (r.empty()) break;
      batch.clear();
      batch.reserve(r.size());
      for (const auto& tuple : r) {
        Row& row = batch.emplace_back();
        if (!FieldKey(tuple[0], row.key))
          return Status::DataError(display_url_ + ": table " + name + " holds a row_key that is not 16 bytes");
        CW_RETURN_IF_ERROR(decode(tuple, row));
      }
      CW_RETURN_IF_ERROR(sink(std::span<const Row>(batch)));
    }
    w.commit();
    return Status::OK();
  });
}

Status PostgresStore::ScanTransactions(const RowSink<Transaction>& sink) {
  return Scan<Transaction>(Table::kTransactions, sink, [](const pqxx::row& r, Transaction& t) {
    t.order_id = FieldText(r[1]);
    t.customer_id = FieldText(r[2]);
    t.ts = FieldInt(r[3]);
    t.amount = FieldDouble(r[4]);
    t.quantity = FieldDouble(r[5]);
    t.discount = FieldDouble(r[6]);
    t.channel = r[7].is_null() ? Channel::kUnknown : ParseChannel(FieldText(r[7])).value_or(Channel::kOther);
    t.store_id = FieldText(r[8]);
    t.sku = FieldText(r[9]);
    t.category = FieldText(r[10]);
    t.is_return = !r[11].is_null() && r[11].c_str()[0] == 't';
    return Status::OK();
  });
}

Status PostgresStore::ScanCustomers(const RowSink<Customer>& sink) {
  return Scan<Customer>(Table::kCustomers, sink, [](const pqxx::row& r, Customer& c) {
    c.customer_id = FieldText(r[1]);
    if (!r[2].is_null()) c.joined_at = static_cast<DayNumber>(FieldInt(r[2]));
    c.member_tier = FieldText(r[3]);
    c.region = FieldText(r[4]);
    c.birth_year = static_cast<int>(FieldInt(r[5]));
    c.gender = FieldText(r[6]);
    c.phone_hash = FieldText(r[7]);
    c.email_hash = FieldText(r[8]);
    c.name_hash = FieldText(r[9]);
    c.status = FieldText(r[10]);
    return Status::OK();
  });
}

Status PostgresStore::ScanEvents(const RowSink<Event>& sink) {
  return Scan<Event>(Table::kEvents, sink, [this](const pqxx::row& r, Event& e) {
    e.event_id = FieldText(r[1]);
    e.customer_id = FieldText(r[2]);
    e.ts = FieldInt(r[3]);
    const std::string type = FieldText(r[4]);
    const auto parsed = ParseEventType(type);
    if (!parsed) return Status::DataError(display_url_ + ": events row " + e.key.ToHex() + " has unknown type '" + type + "'");
    e.type = *parsed;
    e.value = FieldDouble(r[5]);
    e.text = FieldText(r[6]);
    return Status::OK();
  });
}

Result<std::int64_t> PostgresStore::CountRows(Table table) {
  const std::string name(TableName(table));
  return PgGuard(*this, "count " + name, [&]() -> Result<std::int64_t> {
    pqxx::work w(*conn_);
    const auto n = w.exec1("SELECT count(*) FROM " + name + BucketWhere(scan_buckets_))[0].as<std::int64_t>();
    w.commit();
    return n;
  });
}

Result<std::uint32_t> PostgresStore::BucketCount() {
  if (bucket_count_ != 0) return bucket_count_;
  return PgGuard(*this, "read bucket_count", [&]() -> Result<std::uint32_t> {
    pqxx::work w(*conn_);
    const pqxx::result r = w.exec("SELECT value FROM store_settings WHERE key = 'bucket_count'");
    w.commit();
    if (r.empty()) return Status::DataError(display_url_ + ": store_settings has no bucket_count");
    const std::string text = r[0][0].as<std::string>();
    std::uint32_t b = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), b);
    if (ec != std::errc() || end != text.data() + text.size() || b == 0)
      return Status::DataError(display_url_ + ": store_settings bucket_count '" + text + "' is not a positive number");
    bucket_count_ = b;
    return b;
  });
}

Status PostgresStore::SetScanBuckets(std::optional<BucketRange> range) {
  if (range) {
    CW_ASSIGN_OR_RETURN(const std::uint32_t b, BucketCount());
    CW_RETURN_IF_ERROR(CheckBucketRange(*range, b));
  }
  scan_buckets_ = range;
  return Status::OK();
}

Status PostgresStore::ReplaceResultTable(std::string_view name, const ResultTable& table) {
  CW_RETURN_IF_ERROR(ValidateResultTable(name, table));
  const std::string sql_name = QuoteIdentifier("result_" + std::string(name));
  return PgGuard(*this, "replace result table " + std::string(name), [&]() -> Status {
    std::string create = "CREATE TABLE " + sql_name + " (" + std::string(kResultOrdinalColumn) + " BIGINT PRIMARY KEY";
    for (const auto& c : table.columns) create += ", " + QuoteIdentifier(c.name) + (c.is_text ? " TEXT" : " DOUBLE PRECISION");
    create += ")";
    // DDL is transactional in PostgreSQL: readers see the old table until COMMIT.
    pqxx::work w(*conn_);
    w.exec("DROP TABLE IF EXISTS " + sql_name);
    w.exec(create);
    std::string lines;
    const std::size_t rows = table.rows();
    for (std::size_t r = 0; r < rows; ++r) {
      if (!lines.empty()) lines += '\n';
      CopyInt(lines, static_cast<std::int64_t>(r));
      for (const auto& col : table.columns) {
        lines += '\t';
        if (col.is_text)
          CopyText(lines, col.texts[r]);
        else
          CopyDouble(lines, col.numbers[r]);
      }
      if (lines.size() > (8u << 20)) {  // bound the buffer: send every ~8 MB
        CopyInto(w, sql_name, lines);
        lines.clear();
      }
    }
    CopyInto(w, sql_name, lines);
    w.exec_params("INSERT INTO result_tables (name, columns, row_count) VALUES ($1, $2, $3) "
                  "ON CONFLICT (name) DO UPDATE SET columns = excluded.columns, row_count = excluded.row_count, "
                  "updated_at = now()",
                  std::string(name), ColumnsToJson(table), static_cast<std::int64_t>(rows));
    w.commit();
    return Status::OK();
  });
}

Result<ResultTable> PostgresStore::ReadResultTable(std::string_view name) {
  CW_RETURN_IF_ERROR(ValidateResultTableName(name));
  return PgGuard(*this, "read result table " + std::string(name), [&]() -> Result<ResultTable> {
    pqxx::work w(*conn_);
    const pqxx::result cat = w.exec_params("SELECT columns FROM result_tables WHERE name = $1", std::string(name));
    if (cat.empty()) return Status::NotFound("result table '" + std::string(name) + "' not found in " + display_url_);
    CW_ASSIGN_OR_RETURN(ResultTable table, EmptyTableFromJson(name, FieldText(cat[0][0])));
    std::string select = "SELECT " + std::string(kResultOrdinalColumn);
    for (const auto& c : table.columns) select += ", " + QuoteIdentifier(c.name);
    select += " FROM " + QuoteIdentifier("result_" + std::string(name)) + " ORDER BY " + std::string(kResultOrdinalColumn);
    const pqxx::result r = w.exec(select);
    for (auto& col : table.columns) (col.is_text ? col.texts.reserve(r.size()) : col.numbers.reserve(r.size()));
    for (const auto& tuple : r) {
      for (std::size_t c = 0; c < table.columns.size(); ++c) {
        auto& col = table.columns[c];
        const auto& f = tuple[static_cast<pqxx::row::size_type>(c + 1)];
        if (col.is_text)
          col.texts.push_back(FieldText(f));
        else
          col.numbers.push_back(FieldDouble(f));
      }
    }
    w.commit();
    return table;
  });
}

Status PostgresStore::PutDocument(std::string_view collection, std::string_view key, std::string_view json) {
  return PgGuard(*this, "put document", [&]() -> Status {
    pqxx::work w(*conn_);
    w.exec_params("INSERT INTO documents (collection, key, json) VALUES ($1, $2, $3) "
                  "ON CONFLICT (collection, key) DO UPDATE SET json = excluded.json, updated_at = now()",
                  std::string(collection), std::string(key), std::string(json));
    w.commit();
    return Status::OK();
  });
}

Result<std::optional<std::string>> PostgresStore::GetDocument(std::string_view collection, std::string_view key) {
  return PgGuard(*this, "get document", [&]() -> Result<std::optional<std::string>> {
    pqxx::work w(*conn_);
    const pqxx::result r = w.exec_params("SELECT json FROM documents WHERE collection = $1 AND key = $2",
                                         std::string(collection), std::string(key));
    w.commit();
    if (r.empty()) return std::optional<std::string>();
    return std::optional<std::string>(FieldText(r[0][0]));
  });
}

Result<std::vector<std::string>> PostgresStore::ListDocumentKeys(std::string_view collection) {
  return PgGuard(*this, "list documents", [&]() -> Result<std::vector<std::string>> {
    pqxx::work w(*conn_);
    // COLLATE "C": byte order, the same order the SQLite store returns.
    const pqxx::result r = w.exec_params("SELECT key FROM documents WHERE collection = $1 ORDER BY key COLLATE \"C\"",
                                         std::string(collection));
    w.commit();
    std::vector<std::string> keys;
    for (const auto& row : r) keys.push_back(FieldText(row[0]));
    return keys;
  });
}

}  // namespace churnwatch::store_internal
