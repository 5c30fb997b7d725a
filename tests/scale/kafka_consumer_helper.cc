// A Kafka intake consumer as its own process, for kafka_intake_test.cc (which kills one):
//   kafka_consumer_helper BROKERS TOPIC GROUP NAME STORE_URL IDLE_MS BATCH
#include <cstdio>
#include <cstdlib>

#include "churnwatch/kafka_intake.h"
#include "churnwatch/store.h"

int main(int argc, char** argv) {
  using namespace churnwatch;
  if (argc < 8) {
    std::fprintf(stderr, "usage: kafka_consumer_helper BROKERS TOPIC GROUP NAME STORE_URL IDLE_MS BATCH\n");
    return 2;
  }
  auto store = Store::Open(argv[5]);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  scale::KafkaIntakeOptions o;
  o.brokers = argv[1];
  o.topic = argv[2];
  o.group = argv[3];
  o.consumer_name = argv[4];
  o.idle_exit_ms = std::atoi(argv[6]);
  o.batch_messages = std::atoi(argv[7]);
  o.session_timeout_ms = 3000;
  auto out = scale::RunKafkaIntake(**store, o);
  if (!out.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[4], out.status().ToString().c_str());
    return 1;
  }
  std::printf("%s applied %lld events in %lld batches, %lld fenced\n", argv[4], static_cast<long long>(out->events),
              static_cast<long long>(out->batches), static_cast<long long>(out->fenced_batches));
  return 0;
}
