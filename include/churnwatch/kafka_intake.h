#pragma once
/// \file kafka_intake.h
/// Events from Kafka into the store, exactly once per event (docs/scale.md).
///
/// Producers choose the partition themselves: partition = bucket(customer) mod P
/// (KafkaPartitionFor), never librdkafka's default partitioner (CRC32 of the key, unlike
/// the Java client's murmur2), so every client in any language puts a customer's events in
/// the same partition, and one consumer of the group owns all of a customer's events.
///
/// Consumers do not commit offsets to Kafka. Each batch read from a partition is applied
/// to the store together with that partition's next offset in one PostgreSQL transaction
/// (Store::ApplyStreamBatch), and a consumer assigned a partition starts from the offset
/// stored there. A consumer killed mid-batch loses nothing (its transaction rolls back and
/// the next owner re-reads from the stored offset) and a message is never applied twice
/// (the stored offset fences out a consumer that lost the partition).
///
/// Message: key = customer id; value = event_id TAB customer_id TAB ts TAB type TAB value
/// TAB text (value empty when absent; ts in seconds since 1970, business time).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "churnwatch/data_model.h"
#include "churnwatch/status.h"
#include "churnwatch/store.h"

namespace churnwatch::scale {

/// bucket(customer_id) mod `partitions` (bucket.h, with the store's bucket count).
int KafkaPartitionFor(std::string_view customer_id, std::uint32_t buckets, int partitions);

/// The message value of an event, and back. Decode: kDataError naming the field.
std::string EncodeEventMessage(const Event& e);
Result<Event> DecodeEventMessage(std::string_view value);

/// Produces `events` to `topic` (which has `partitions` partitions), each to
/// KafkaPartitionFor, and waits until every one is acknowledged. kUnavailable on a
/// delivery failure, with librdkafka's message.
Status ProduceEvents(const std::string& brokers, const std::string& topic, int partitions, std::uint32_t buckets,
                     std::span<const Event> events);

struct KafkaIntakeOptions {
  std::string brokers;                  ///< bootstrap.servers
  std::string topic = "churnwatch-events";
  std::string group = "churnwatch-intake";
  std::string consumer_name;            ///< recorded with each applied batch
  int batch_messages = 5000;            ///< apply after this many messages ...
  int batch_ms = 200;                   ///< ... or this long, whichever first
  int session_timeout_ms = 6000;        ///< a dead consumer's partitions move after this
  int idle_exit_ms = 0;                 ///< > 0: return after this long without messages
};

struct KafkaIntakeOutcome {
  std::int64_t events = 0;              ///< applied by this consumer
  std::int64_t batches = 0;
  std::int64_t fenced_batches = 0;      ///< dropped: another consumer had applied them
};

/// Consumes the topic as a member of `group` until idle (or forever), applying batches to
/// `store` (PostgreSQL). A message that does not decode is kDataError naming its
/// partition and offset (nothing of its batch is applied). Broker failures are
/// kUnavailable.
Result<KafkaIntakeOutcome> RunKafkaIntake(Store& store, const KafkaIntakeOptions& options);

}  // namespace churnwatch::scale
