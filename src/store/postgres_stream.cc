// Stream intake into the PostgreSQL store (Store::ApplyStreamBatch): the events, the
// per-customer state they update and the partition's read position, in one transaction.
// The offset row is the fence: the batch applies only if the stored offset has not moved
// past the batch's first message, so a consumer that lost its partition in a rebalance
// (and the new owner re-read the same messages) cannot apply them a second time.
#include <map>

#include "store/postgres_store.h"
#include "churnwatch/row_codec.h"

namespace churnwatch::store_internal {

Result<std::int64_t> PostgresStore::StreamOffset(std::string_view topic, int partition) {
  return PgGuard(*this, "read stream offset", [&]() -> Result<std::int64_t> {
    pqxx::work w(*conn_);
    const pqxx::result r = w.exec_params(
        "SELECT next_offset FROM stream_offsets WHERE topic = $1 AND kafka_partition = $2", std::string(topic), partition);
    w.commit();
    return r.empty() ? std::int64_t{0} : r[0][0].as<std::int64_t>();
  });
}

Result<bool> PostgresStore::ApplyStreamBatch(const StreamBatch& b) {
  CW_ASSIGN_OR_RETURN(const std::uint32_t buckets, BucketCount());
  return PgGuard(*this, "apply stream batch", [&]() -> Result<bool> {
    pqxx::work w(*conn_);
    // Lock the partition's row (created at 0 the first time) and check the fence.
    w.exec_params("INSERT INTO stream_offsets (topic, kafka_partition, next_offset) VALUES ($1, $2, 0) "
                  "ON CONFLICT DO NOTHING",
                  b.topic, b.partition);
    const std::int64_t stored =
        w.exec_params1("SELECT next_offset FROM stream_offsets WHERE topic = $1 AND kafka_partition = $2 FOR UPDATE",
                       b.topic, b.partition)[0]
            .as<std::int64_t>();
    if (stored > b.first_offset) return false;  // already applied by someone: roll back
    if (!b.events.empty()) {
      std::string lines;
      for (const Event& e : b.events) {
        if (!lines.empty()) lines += '\n';
        CopyKey(lines, e.key);
        lines += '\t';
        CopyText(lines, e.event_id);
        lines += '\t';
        CopyText(lines, e.customer_id);
        lines += '\t';
        CopyInt(lines, e.ts);
        lines += '\t';
        CopyText(lines, EventTypeName(e.type));
        lines += '\t';
        CopyDouble(lines, e.value);
        lines += '\t';
        CopyText(lines, e.text);
        lines += '\t';
        CopyInt(lines, CustomerBucket(e.customer_id, buckets));
      }
      w.exec("CREATE TEMP TABLE cw_stream_stage ON COMMIT DROP AS SELECT " + LoadColumnsOf(Table::kEvents) +
             " FROM events WITH NO DATA");
      CopyInto(w, "cw_stream_stage", lines);
      const std::int64_t load_id =
          w.exec_params1("INSERT INTO loads (table_name, source_path, source_fingerprint, committed_at) "
                         "VALUES ('events', $1, $2, now()) RETURNING load_id",
                         "kafka:" + b.topic + "/" + std::to_string(b.partition),
                         std::to_string(b.first_offset) + ".." + std::to_string(b.next_offset))[0]
              .as<std::int64_t>();
      const std::string cols = LoadColumnsOf(Table::kEvents);
      w.exec("INSERT INTO events (load_id, " + cols + ") SELECT " + std::to_string(load_id) + ", " + cols +
             " FROM cw_stream_stage ON CONFLICT (row_key, bucket) DO NOTHING");
      // Per-customer state: counts and the latest event time.
      std::map<std::string, std::pair<std::int64_t, Timestamp>> per_customer;
      for (const Event& e : b.events) {
        auto& [n, last] = per_customer[e.customer_id];
        ++n;
        last = std::max(last, e.ts);
      }
      std::string state;
      for (const auto& [id, v] : per_customer) {
        if (!state.empty()) state += '\n';
        CopyText(state, id);
        state += '\t';
        CopyInt(state, CustomerBucket(id, buckets));
        state += '\t';
        CopyInt(state, v.first);
        state += '\t';
        CopyInt(state, v.second);
        state += '\t';
        CopyText(state, b.consumer);
      }
      w.exec("CREATE TEMP TABLE cw_state_stage ON COMMIT DROP AS SELECT customer_id, bucket, events, last_ts, consumer "
             "FROM stream_customer_state WITH NO DATA");
      CopyInto(w, "cw_state_stage", state);
      w.exec("INSERT INTO stream_customer_state SELECT * FROM cw_state_stage ON CONFLICT (customer_id) DO UPDATE SET "
             "events = stream_customer_state.events + excluded.events, "
             "last_ts = greatest(stream_customer_state.last_ts, excluded.last_ts), consumer = excluded.consumer");
    }
    w.exec_params("INSERT INTO stream_batches (topic, kafka_partition, first_offset, next_offset, consumer, events) "
                  "VALUES ($1, $2, $3, $4, $5, $6)",
                  b.topic, b.partition, b.first_offset, b.next_offset, b.consumer,
                  static_cast<std::int64_t>(b.events.size()));
    w.exec_params("UPDATE stream_offsets SET next_offset = $3 WHERE topic = $1 AND kafka_partition = $2", b.topic,
                  b.partition, b.next_offset);
    w.commit();
    return true;
  });
}

}  // namespace churnwatch::store_internal
