#pragma once
// The server store: PostgreSQL through libpqxx 6.4 (docs/store.md). Bulk data moves with
// COPY; every libpqxx exception is caught in this module and returned as a Status.

#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "churnwatch/store.h"

namespace churnwatch::store_internal {

class PostgresStore final : public Store {
 public:
  /// Connects to `url` and migrates the database. A malformed URL is kInvalidArgument, a
  /// server that cannot be reached (or refuses the login) kUnavailable with its message.
  static Result<std::unique_ptr<Store>> Open(std::string_view url);

  std::string_view Backend() const override { return "postgresql"; }
  int SchemaVersion() const override { return version_; }

  Result<std::unique_ptr<LoadSession>> BeginLoad(const LoadInfo& info) override;

  Status ScanTransactions(const RowSink<Transaction>& sink) override;
  Status ScanCustomers(const RowSink<Customer>& sink) override;
  Status ScanEvents(const RowSink<Event>& sink) override;
  Result<std::int64_t> CountRows(Table table) override;
  Result<std::uint32_t> BucketCount() override;
  Status SetScanBuckets(std::optional<BucketRange> range) override;
  Result<std::int64_t> StreamOffset(std::string_view topic, int partition) override;  // postgres_stream.cc
  Result<bool> ApplyStreamBatch(const StreamBatch& batch) override;                  // postgres_stream.cc

  Status ReplaceResultTable(std::string_view name, const ResultTable& table) override;
  Result<ResultTable> ReadResultTable(std::string_view name) override;

  Status PutDocument(std::string_view collection, std::string_view key, std::string_view json) override;
  Result<std::optional<std::string>> GetDocument(std::string_view collection, std::string_view key) override;
  Result<std::vector<std::string>> ListDocumentKeys(std::string_view collection) override;
  Status InTransaction(const std::function<Status(SqlTxn&)>& body) override;  // sql_txn_postgres.cc

  // Campaigns (sqlite_campaigns.cc / postgres_campaigns.cc).
  Status CreateCampaign(std::string_view campaign_id, std::string_view spec_json,
                        std::span<const CampaignAssignmentRow> rows) override;
  Result<std::optional<std::string>> GetCampaign(std::string_view campaign_id) override;
  Result<std::vector<std::string>> ListCampaigns() override;
  Result<std::vector<CampaignAssignmentRow>> ReadCampaignAssignments(std::string_view campaign_id) override;

  // For the load session (postgres_load.cc).
  pqxx::connection& conn() { return *conn_; }
  const std::string& display_url() const { return display_url_; }
  bool load_open = false;  ///< one load session (one transaction) at a time per connection

 private:
  PostgresStore(std::unique_ptr<pqxx::connection> conn, std::string display_url)
      : conn_(std::move(conn)), display_url_(std::move(display_url)) {}
  Status Migrate();
  template <typename Row, typename Decode>
  Status Scan(Table table, const RowSink<Row>& sink, Decode decode);

  friend class PostgresSqlTxn;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL text -> prepared statement name
  std::unique_ptr<pqxx::connection> conn_;
  std::string display_url_;  ///< the URL with any password masked, for messages
  int version_ = 0;
  std::uint32_t bucket_count_ = 0;           // read from store_settings on first use
  std::optional<BucketRange> scan_buckets_;  // SetScanBuckets
};

/// Starts a load session (one transaction, COPY into a staging table); postgres_load.cc.
Result<std::unique_ptr<LoadSession>> BeginPostgresLoad(PostgresStore& store, const LoadInfo& info);

/// Runs `f`, turning libpqxx exceptions into a Status that names the store and `context`.
template <typename F>
auto PgGuard(const PostgresStore& store, std::string_view context, F&& f) -> decltype(f());
Status PgError(const std::string& display_url, std::string_view context, const std::exception& e);

template <typename F>
auto PgGuard(const PostgresStore& store, std::string_view context, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return PgError(store.display_url(), context, e);
  }
}

/// COPY text-format encoders (append to a line being built).
void CopyText(std::string& out, std::string_view v);  ///< empty -> \N
void CopyDouble(std::string& out, double v);          ///< NaN -> \N
void CopyInt(std::string& out, std::int64_t v);
void CopyKey(std::string& out, const RowKey& k);      ///< bytea hex: \\x...
/// Sends `lines` (newline-separated COPY text rows) into `table` within `txn`.
void CopyInto(pqxx::work& txn, const std::string& table, const std::string& lines);

/// Masks the password in a postgresql:// URL ("postgresql://u:***@host/db").
std::string MaskPassword(std::string_view url);

}  // namespace churnwatch::store_internal
