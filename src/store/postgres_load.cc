// Atomic, idempotent loads into the PostgreSQL store.
//
// One LoadSession = one transaction. Each Append sends its rows with COPY into a temporary
// staging table (ON COMMIT DROP); Commit moves them with one
// `INSERT ... SELECT ... ON CONFLICT (row_key, bucket) DO NOTHING`, so rows the store already
// holds are skipped and counted, then commits. Until then nothing is visible; if the
// process dies the server aborts the transaction when the connection drops. The client
// holds one batch at a time, so memory stays bounded however large the file.
#include <cmath>
#include <optional>
#include <string>

#include "store/postgres_store.h"
#include "churnwatch/row_codec.h"

namespace churnwatch::store_internal {
namespace {

constexpr const char* kStage = "cw_stage";

class PgLoadSession final : public LoadSession {
 public:
  PgLoadSession(PostgresStore& s, Table t) : s_(s), table_(t) {}
  ~PgLoadSession() override {
    // Destroying the transaction uncommitted rolls it back (and drops the staging table).
    work_.reset();
    s_.load_open = false;
  }

  Status Start(const LoadInfo& info) {
    CW_ASSIGN_OR_RETURN(buckets_, s_.BucketCount());
    return PgGuard(s_, "begin load", [&]() -> Status {
      work_ = std::make_unique<pqxx::work>(s_.conn());
      load_id_ = work_
                     ->exec_params1("INSERT INTO loads (table_name, source_path, source_fingerprint) VALUES ($1, $2, $3) "
                                    "RETURNING load_id",
                                    std::string(TableName(table_)), info.source_path, info.source_fingerprint)[0]
                     .as<std::int64_t>();
      work_->exec("CREATE TEMP TABLE " + std::string(kStage) + " ON COMMIT DROP AS SELECT " +
                  LoadColumnsOf(table_) + " FROM " + std::string(TableName(table_)) + " WITH NO DATA");
      return Status::OK();
    });
  }

  Status AppendTransactions(std::span<const Transaction> rows) override {
    if (table_ != Table::kTransactions) return WrongTable(table_, Table::kTransactions);
    for (const auto& t : rows)
      if (std::isnan(t.amount) || std::isnan(t.quantity))
        return Status::DataError("transactions row " + t.key.ToHex() + " (order '" + t.order_id +
                                 "'): amount and quantity must be numbers, not NaN");
    return Send(rows, [](std::string& o, const Transaction& t) {
      CopyKey(o, t.key);
      o += '\t';
      CopyText(o, t.order_id);
      o += '\t';
      CopyText(o, t.customer_id);
      o += '\t';
      CopyInt(o, t.ts);
      o += '\t';
      CopyDouble(o, t.amount);
      o += '\t';
      CopyDouble(o, t.quantity);
      o += '\t';
      CopyDouble(o, t.discount);
      o += '\t';
      CopyText(o, t.channel == Channel::kUnknown ? std::string_view() : ChannelName(t.channel));
      o += '\t';
      CopyText(o, t.store_id);
      o += '\t';
      CopyText(o, t.sku);
      o += '\t';
      CopyText(o, t.category);
      o += t.is_return ? "\tt" : "\tf";
    });
  }

  Status AppendCustomers(std::span<const Customer> rows) override {
    if (table_ != Table::kCustomers) return WrongTable(table_, Table::kCustomers);
    return Send(rows, [](std::string& o, const Customer& c) {
      CopyKey(o, c.key);
      o += '\t';
      CopyText(o, c.customer_id);
      o += '\t';
      if (c.joined_at)
        CopyInt(o, *c.joined_at);
      else
        o += "\\N";
      o += '\t';
      CopyText(o, c.member_tier);
      o += '\t';
      CopyText(o, c.region);
      o += '\t';
      if (c.birth_year != 0)
        CopyInt(o, c.birth_year);
      else
        o += "\\N";
      o += '\t';
      CopyText(o, c.gender);
      o += '\t';
      CopyText(o, c.phone_hash);
      o += '\t';
      CopyText(o, c.email_hash);
      o += '\t';
      CopyText(o, c.name_hash);
      o += '\t';
      CopyText(o, c.status);
    });
  }

  Status AppendEvents(std::span<const Event> rows) override {
    if (table_ != Table::kEvents) return WrongTable(table_, Table::kEvents);
    return Send(rows, [](std::string& o, const Event& e) {
      CopyKey(o, e.key);
      o += '\t';
      CopyText(o, e.event_id);
      o += '\t';
      CopyText(o, e.customer_id);
      o += '\t';
      CopyInt(o, e.ts);
      o += '\t';
      CopyText(o, EventTypeName(e.type));
      o += '\t';
      CopyDouble(o, e.value);
      o += '\t';
      CopyText(o, e.text);
    });
  }

  Status SetSourceFingerprint(std::string_view fingerprint) override {
    if (!work_) return Status::InvalidArgument("this load session is already committed");
    fingerprint_ = std::string(fingerprint);
    return Status::OK();
  }

  Result<LoadCounts> Commit() override {
    if (!work_) return Status::InvalidArgument("this load session is already committed");
    return PgGuard(s_, "commit load into " + std::string(TableName(table_)), [&]() -> Result<LoadCounts> {
      const std::string table(TableName(table_));
      const std::string cols = LoadColumnsOf(table_);
      const pqxx::result r = work_->exec("INSERT INTO " + table + " (load_id, " + cols + ") SELECT " +
                                         std::to_string(load_id_) + ", " + cols + " FROM " + kStage +
                                         " ON CONFLICT (row_key, bucket) DO NOTHING");
      LoadCounts counts;
      counts.inserted = static_cast<std::int64_t>(r.affected_rows());
      counts.already_present = staged_ - counts.inserted;
      work_->exec_params("UPDATE loads SET inserted = $1, already_present = $2, committed_at = now(), "
                         "source_fingerprint = coalesce($4, source_fingerprint) WHERE load_id = $3",
                         counts.inserted, counts.already_present, load_id_, fingerprint_);
      work_->commit();
      work_.reset();
      return counts;
    });
  }

 private:
  template <typename Row, typename Encode>
  Status Send(std::span<const Row> rows, Encode encode) {
    if (!work_) return Status::InvalidArgument("this load session is already committed");
    return PgGuard(s_, "load into " + std::string(TableName(table_)), [&]() -> Status {
      buffer_.clear();
      for (const Row& row : rows) {
        if (!buffer_.empty()) buffer_ += '\n';
        encode(buffer_, row);
        // The customer's bucket, last (LoadColumnsOf): computed here, once, for good.
        buffer_ += '\t';
        CopyInt(buffer_, CustomerBucket(row.customer_id, buckets_));
      }
      CopyInto(*work_, kStage, buffer_);
      staged_ += static_cast<std::int64_t>(rows.size());
      return Status::OK();
    });
  }

  PostgresStore& s_;
  Table table_;
  std::unique_ptr<pqxx::work> work_;
  std::int64_t load_id_ = 0;
  std::int64_t staged_ = 0;
  std::uint32_t buckets_ = kDefaultBucketCount;
  std::string buffer_;  // reused across batches
  std::optional<std::string> fingerprint_;  // set by SetSourceFingerprint, written at Commit
};

}  // namespace

Result<std::unique_ptr<LoadSession>> BeginPostgresLoad(PostgresStore& s, const LoadInfo& info) {
  if (s.load_open)
    return Status::InvalidArgument("a load session is already open on " + s.display_url() +
                                   "; commit or destroy it before beginning another");
  s.load_open = true;
  auto session = std::make_unique<PgLoadSession>(s, info.table);
  CW_RETURN_IF_ERROR(session->Start(info));
  return std::unique_ptr<LoadSession>(std::move(session));
}

}  // namespace churnwatch::store_internal
