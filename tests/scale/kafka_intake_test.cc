// Kafka intake over librdkafka's mock cluster (no broker install): 200,000 events for
// 20,000 customers on 8 partitions chosen from the customer bucket, consumed by a
// 2-member group of separate processes writing to PostgreSQL; one consumer is killed
// with SIGKILL mid-way. Afterwards: every event applied exactly once (the events table,
// every customer's event count, and the applied batches tiling each partition's offsets
// without gap or overlap), and no partition (hence no customer) applied by two
// consumers at the same time.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "churnwatch/bucket.h"
#include "churnwatch/kafka_intake.h"
#include "churnwatch/store.h"
#include "store_test_util.h"

extern char** environ;

namespace churnwatch {
namespace {

using testing::TestDatabase;

constexpr int kCustomers = 20000;
constexpr int kPartitions = 8;
constexpr const char* kTopic = "events";

// Customer i has 5 events when i is even, 15 when odd: 200,000 for 20,000 customers.
std::vector<Event> MakeEvents() {
  std::vector<Event> out;
  for (int i = 0; i < kCustomers; ++i)
    for (int k = 0; k < (i % 2 == 0 ? 5 : 15); ++k) {
      Event e;
      e.event_id = "e" + std::to_string(i) + "-" + std::to_string(k);
      e.customer_id = "K" + std::to_string(i);
      e.ts = 1'600'000'000 + k * 3600;
      e.type = k % 3 == 0 ? EventType::kAppLogin : EventType::kVisit;
      out.push_back(e);
    }
  return out;
}

pid_t StartConsumer(const std::string& brokers, const std::string& name, const std::string& url) {
  const std::string helper = KAFKA_CONSUMER_HELPER;
  std::vector<std::string> args{helper, brokers, kTopic, "intake-test", name, url, "8000", "2000"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, helper.c_str(), nullptr, nullptr, argv.data(), environ), 0);
  return pid;
}

TEST(KafkaIntake, MessageRoundTripsAndBadMessagesNameTheField) {
  Event e;
  e.event_id = "x1";
  e.customer_id = "C9";
  e.ts = 1700000000;
  e.type = EventType::kReview;
  e.value = 4.5;
  e.text = "fine";
  auto back = scale::DecodeEventMessage(scale::EncodeEventMessage(e));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->customer_id, "C9");
  EXPECT_EQ(back->ts, 1700000000);
  EXPECT_EQ(back->type, EventType::kReview);
  EXPECT_EQ(back->value, 4.5);
  EXPECT_EQ(back->text, "fine");
  auto bad = scale::DecodeEventMessage("x1\tC9\tsoon\tvisit\t\t");
  EXPECT_EQ(bad.status().code(), StatusCode::kDataError);
  EXPECT_NE(bad.status().message().find("field ts 'soon'"), std::string::npos) << bad.status().message();
  EXPECT_EQ(scale::DecodeEventMessage("x1\tC9").status().code(), StatusCode::kDataError);
  // The partition is the bucket's: the same for every client, whatever its language.
  EXPECT_EQ(scale::KafkaPartitionFor("C-000001", 1024, 8), static_cast<int>(825 % 8));
}

TEST(KafkaIntake, TwoConsumersOneKilledMidwayApplyEveryEventExactlyOnce) {
  CW_OPEN_TEST_DATABASE(db, "postgresql");
  { ASSERT_TRUE(Store::Open(db->url()).ok()); }  // migrate before the consumers start
  // The mock cluster lives in this process (its brokers listen on loopback).
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);  // no warning about its own missing brokers
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  ASSERT_NE(rk, nullptr) << err;
  rd_kafka_mock_cluster_t* mock = rd_kafka_mock_cluster_new(rk, 3);
  ASSERT_NE(mock, nullptr);
  ASSERT_EQ(rd_kafka_mock_topic_create(mock, kTopic, kPartitions, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  const std::string brokers = rd_kafka_mock_cluster_bootstraps(mock);

  const auto events = MakeEvents();
  ASSERT_EQ(events.size(), 200000u);
  const Status produced = scale::ProduceEvents(brokers, kTopic, kPartitions, kDefaultBucketCount, events);
  ASSERT_TRUE(produced.ok()) << produced.ToString();

  const auto t0 = std::chrono::steady_clock::now();
  const pid_t a = StartConsumer(brokers, "A", db->url());
  const pid_t b = StartConsumer(brokers, "B", db->url());
  // Kill A once it has applied some batches, while events are still left.
  std::int64_t applied_at_kill = 0;
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (db->QueryInt("SELECT count(*) FROM stream_batches WHERE consumer = 'A'") >= 3) {
      ASSERT_EQ(::kill(a, SIGKILL), 0);
      applied_at_kill = db->QueryInt("SELECT coalesce(sum(events), 0) FROM stream_batches");
      break;
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(a, &status, 0), a);
  EXPECT_TRUE(WIFSIGNALED(status)) << "consumer A finished before it could be killed";
  EXPECT_LT(applied_at_kill, 200000) << "A was not killed mid-way";
  ASSERT_EQ(::waitpid(b, &status, 0), b);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("consumed in %.1f s; %lld events applied when A was killed\n", seconds,
              static_cast<long long>(applied_at_kill));
  rd_kafka_mock_cluster_destroy(mock);
  rd_kafka_destroy(rk);

  // None lost, none twice.
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM events"), 200000);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM stream_customer_state"), kCustomers);
  EXPECT_EQ(db->QueryInt("SELECT sum(events) FROM stream_customer_state"), 200000);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM stream_customer_state "
                         "WHERE events <> CASE WHEN substr(customer_id, 2)::int % 2 = 0 THEN 5 ELSE 15 END"),
            0);
  EXPECT_EQ(db->QueryInt("SELECT sum(next_offset - first_offset) FROM stream_batches"), 200000);
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM (SELECT first_offset, lag(next_offset) OVER "
                         "(PARTITION BY kafka_partition ORDER BY first_offset) AS prev FROM stream_batches) x "
                         "WHERE coalesce(prev, 0) <> first_offset"),
            0);
  EXPECT_EQ(db->QueryInt("SELECT sum(next_offset) FROM stream_offsets"), 200000);
  // One consumer at a time per partition: A's batches all come before B's on each.
  EXPECT_EQ(db->QueryInt("SELECT count(*) FROM stream_batches a JOIN stream_batches b USING (kafka_partition) "
                         "WHERE a.consumer = 'A' AND b.consumer = 'B' AND a.first_offset > b.first_offset"),
            0);
  EXPECT_GT(db->QueryInt("SELECT count(DISTINCT kafka_partition) FROM stream_batches WHERE consumer = 'A'"), 0);
  EXPECT_EQ(db->QueryInt("SELECT count(DISTINCT kafka_partition) FROM stream_batches WHERE consumer = 'B'"),
            kPartitions);
}

}  // namespace
}  // namespace churnwatch
