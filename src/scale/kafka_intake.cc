// Kafka intake through librdkafka (kafka_intake.h). Offsets live in the store, next to the
// state they describe; Kafka's own offset commits are switched off.
#include "churnwatch/kafka_intake.h"

#include <librdkafka/rdkafka.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "churnwatch/bucket.h"

namespace churnwatch::scale {
namespace {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

Status SetConf(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
    return Status::InvalidArgument(std::string("kafka setting ") + key + "=" + value + ": " + err);
  return Status::OK();
}

/// One partition's messages read but not yet applied.
struct Pending {
  std::int64_t first_offset = -1;
  std::int64_t next_offset = 0;
  std::vector<Event> events;
};

/// The consumer's state shared with librdkafka's rebalance callback (called from inside
/// rd_kafka_consumer_poll on this thread; errors are kept and returned by the loop,
/// since nothing may be thrown through the C library).
struct Consumer {
  Store* store = nullptr;
  const KafkaIntakeOptions* options = nullptr;
  std::map<int, Pending> pending;
  Status error;
};

void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* c = static_cast<Consumer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    // Start each partition where the store says its applied messages end.
    for (int i = 0; i < parts->cnt; ++i) {
      auto offset = c->store->StreamOffset(parts->elems[i].topic, parts->elems[i].partition);
      if (!offset.ok()) {
        if (c->error.ok()) c->error = offset.status();
        parts->elems[i].offset = RD_KAFKA_OFFSET_END;  // read nothing; the loop stops on the error
        continue;
      }
      parts->elems[i].offset = *offset;
    }
    rd_kafka_assign(rk, parts);
  } else {
    // Partitions going to another member: what was read from them and not yet applied is
    // dropped; the new owner reads it again from the stored offset.
    for (int i = 0; i < parts->cnt; ++i) c->pending.erase(parts->elems[i].partition);
    rd_kafka_assign(rk, nullptr);
  }
}

RowKey MessageKey(std::string_view value) {
  const std::uint64_t h = Fnv1a64(value);
  return {h, Mix64(h ^ value.size())};
}

}  // namespace

int KafkaPartitionFor(std::string_view customer_id, std::uint32_t buckets, int partitions) {
  return static_cast<int>(CustomerBucket(customer_id, buckets) % static_cast<std::uint32_t>(partitions));
}

std::string EncodeEventMessage(const Event& e) {
  std::string out = e.event_id + '\t' + e.customer_id + '\t' + std::to_string(e.ts) + '\t' +
                    std::string(EventTypeName(e.type)) + '\t';
  if (!std::isnan(e.value)) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, e.value);
    out.append(buf, r.ptr);
  }
  out += '\t';
  out += e.text;
  return out;
}

Result<Event> DecodeEventMessage(std::string_view value) {
  std::vector<std::string_view> f;
  std::size_t pos = 0;
  for (int i = 0; i < 5; ++i) {
    const std::size_t tab = value.find('\t', pos);
    if (tab == std::string_view::npos)
      return Status::DataError("event message has " + std::to_string(i + 1) + " fields, expected 6 separated by tabs");
    f.push_back(value.substr(pos, tab - pos));
    pos = tab + 1;
  }
  f.push_back(value.substr(pos));
  Event e;
  e.key = MessageKey(value);
  e.event_id = std::string(f[0]);
  e.customer_id = std::string(f[1]);
  if (e.customer_id.empty()) return Status::DataError("event message field customer_id is empty");
  const auto ts = std::from_chars(f[2].data(), f[2].data() + f[2].size(), e.ts);
  if (ts.ec != std::errc() || ts.ptr != f[2].data() + f[2].size())
    return Status::DataError("event message field ts '" + std::string(f[2]) + "' is not a whole number of seconds");
  const auto type = ParseEventType(f[3]);
  if (!type) return Status::DataError("event message field type '" + std::string(f[3]) + "' is not an event type");
  e.type = *type;
  if (!f[4].empty()) {
    const auto v = std::from_chars(f[4].data(), f[4].data() + f[4].size(), e.value);
    if (v.ec != std::errc() || v.ptr != f[4].data() + f[4].size())
      return Status::DataError("event message field value '" + std::string(f[4]) + "' is not a number");
  }
  e.text = std::string(f[5]);
  return e;
}

Status ProduceEvents(const std::string& brokers, const std::string& topic, int partitions, std::uint32_t buckets,
                     std::span<const Event> events) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Status st = SetConf(conf, "bootstrap.servers", brokers);
  if (st.ok()) st = SetConf(conf, "linger.ms", "20");
  if (st.ok()) st = SetConf(conf, "enable.idempotence", "true");  // retries never duplicate
  if (!st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  std::int64_t failed = 0;
  std::string first_error;
  struct Delivery {
    std::int64_t* failed;
    std::string* first_error;
  } delivery{&failed, &first_error};
  rd_kafka_conf_set_opaque(conf, &delivery);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    auto* d = static_cast<Delivery*>(opaque);
    if ((*d->failed)++ == 0) *d->first_error = rd_kafka_err2str(m->err);
  });
  char err[512];
  KafkaHandle rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err));
  if (!rk) return Status::Unavailable(std::string("kafka producer: ") + err);
  for (const Event& e : events) {
    const std::string value = EncodeEventMessage(e);
    const int partition = KafkaPartitionFor(e.customer_id, buckets, partitions);
    for (;;) {
      const rd_kafka_resp_err_t rc = rd_kafka_producev(
          rk.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
          RD_KAFKA_V_KEY(e.customer_id.data(), e.customer_id.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_END);
      if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) break;
      if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL)
        return Status::Unavailable("kafka produce to " + topic + ": " + rd_kafka_err2str(rc));
      rd_kafka_poll(rk.get(), 50);  // queue full: let deliveries drain
    }
    rd_kafka_poll(rk.get(), 0);
  }
  const rd_kafka_resp_err_t flushed = rd_kafka_flush(rk.get(), 60000);
  if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR)
    return Status::Unavailable("kafka produce to " + topic + ": not all messages delivered within 60 s");
  if (failed > 0)
    return Status::Unavailable("kafka produce to " + topic + ": " + std::to_string(failed) +
                               " messages failed, the first with: " + first_error);
  return Status::OK();
}

Result<KafkaIntakeOutcome> RunKafkaIntake(Store& store, const KafkaIntakeOptions& options) {
  Consumer c;
  c.store = &store;
  c.options = &options;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  Status st = SetConf(conf, "bootstrap.servers", options.brokers);
  if (st.ok()) st = SetConf(conf, "group.id", options.group);
  if (st.ok()) st = SetConf(conf, "enable.auto.commit", "false");  // offsets live in the store
  if (st.ok()) st = SetConf(conf, "session.timeout.ms", std::to_string(options.session_timeout_ms));
  if (st.ok()) st = SetConf(conf, "heartbeat.interval.ms", std::to_string(std::max(100, options.session_timeout_ms / 6)));
  if (st.ok()) st = SetConf(conf, "client.id", options.consumer_name.empty() ? "churnwatch" : options.consumer_name);
  if (!st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  rd_kafka_conf_set_opaque(conf, &c);
  rd_kafka_conf_set_rebalance_cb(conf, &OnRebalance);
  char err[512];
  KafkaHandle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err));
  if (!rk) return Status::Unavailable(std::string("kafka consumer: ") + err);
  rd_kafka_poll_set_consumer(rk.get());
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, options.topic.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t sub = rd_kafka_subscribe(rk.get(), topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (sub != RD_KAFKA_RESP_ERR_NO_ERROR)
    return Status::Unavailable("kafka subscribe to " + options.topic + ": " + rd_kafka_err2str(sub));

  KafkaIntakeOutcome out;
  std::size_t buffered = 0;
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto last_message = now();
  auto last_flush = now();
  auto flush = [&]() -> Status {
    for (auto& [partition, p] : c.pending) {
      if (p.events.empty()) continue;
      Store::StreamBatch b;
      b.topic = options.topic;
      b.partition = partition;
      b.first_offset = p.first_offset;
      b.next_offset = p.next_offset;
      b.consumer = options.consumer_name;
      b.events = std::move(p.events);
      CW_ASSIGN_OR_RETURN(const bool applied, store.ApplyStreamBatch(b));
      if (applied) {
        out.events += static_cast<std::int64_t>(b.events.size());
        ++out.batches;
      } else {
        ++out.fenced_batches;
      }
    }
    c.pending.clear();
    buffered = 0;
    last_flush = now();
    return Status::OK();
  };
  Status result;
  for (;;) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (!c.error.ok()) {
      result = c.error;
      if (m != nullptr) rd_kafka_message_destroy(m);
      break;
    }
    if (m != nullptr) {
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        last_message = now();
        const std::string_view value(static_cast<const char*>(m->payload), m->len);
        auto event = DecodeEventMessage(value);
        if (!event.ok()) {
          result = Status::DataError("kafka " + options.topic + " partition " + std::to_string(m->partition) +
                                     " offset " + std::to_string(m->offset) + ": " + event.status().message());
          rd_kafka_message_destroy(m);
          break;
        }
        Pending& p = c.pending[m->partition];
        if (p.events.empty()) p.first_offset = m->offset;
        p.next_offset = m->offset + 1;
        p.events.push_back(std::move(*event));
        ++buffered;
      } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        const std::string why = rd_kafka_message_errstr(m);
        const bool fatal = m->err != RD_KAFKA_RESP_ERR__TRANSPORT && m->err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
        if (fatal) {
          result = Status::Unavailable("kafka consumer of " + options.topic + ": " + why);
          rd_kafka_message_destroy(m);
          break;
        }
      }
      rd_kafka_message_destroy(m);
    }
    if (buffered >= static_cast<std::size_t>(options.batch_messages) ||
        (buffered > 0 && now() - last_flush >= std::chrono::milliseconds(options.batch_ms))) {
      if (Status f = flush(); !f.ok()) {
        result = f;
        break;
      }
    }
    if (options.idle_exit_ms > 0 && buffered == 0 &&
        now() - last_message >= std::chrono::milliseconds(options.idle_exit_ms))
      break;
  }
  rd_kafka_consumer_close(rk.get());
  if (!result.ok()) return result;
  return out;
}

}  // namespace churnwatch::scale
