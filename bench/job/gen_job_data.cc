// gen_job_data: a synthetic retailer in churnwatch's canonical format for the whole-job
// benchmark (bench/job/run.sh): transactions.csv and events.csv, deterministic for a seed.
//   gen_job_data CUSTOMERS OUT_DIR [SEED]
// Shapes (chosen so that churn is learnable, not to favour either side of the comparison):
//  - 2022-01-01 .. 2023-12-31; customers join uniformly over the first 20 months;
//  - each customer buys at their own rate (gamma, mean one order every ~70 days, which gives
//    about 10 order lines per customer over the period) until their lifetime ends
//    (exponential, mean 400 days), and some never leave;
//  - orders of 1-3 lines over 8 categories and 3 channels, 25 % of lines on discount,
//    2 % returns (negative quantity and amount);
//  - events: store visits and app logins while active, a complaint now and then that
//    shortens the lifetime, competitor views before some customers leave.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace {

constexpr int kDays = 730;
const char* const kCategories[] = {"dog_food", "cat_food", "litter", "toys", "treats", "grooming", "aquarium", "health"};
const char* const kChannels[] = {"store", "online", "app"};
const char* const kEventTypes[] = {"visit", "app_login"};

// 2022-01-01 + day as "YYYY-MM-DD HH:MM:SS" (out holds 48 bytes).
void FormatTimestamp(int day, int seconds, char* out) {
  static const int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int year = 2022 + day / 365, rest = day % 365, month = 0;
  while (rest >= kMonthDays[month]) rest -= kMonthDays[month++];
  std::snprintf(out, 48, "%04d-%02d-%02d %02d:%02d:%02d", year, month + 1, rest + 1, seconds / 3600,
                seconds / 60 % 60, seconds % 60);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_job_data CUSTOMERS OUT_DIR [SEED]\n");
    return 2;
  }
  const long long customers = std::atoll(argv[1]);
  const std::string dir = argv[2];
  const unsigned long long seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 7;
  std::FILE* tx = std::fopen((dir + "/transactions.csv").c_str(), "wb");
  std::FILE* ev = std::fopen((dir + "/events.csv").c_str(), "wb");
  if (tx == nullptr || ev == nullptr) {
    std::perror(dir.c_str());
    return 1;
  }
  std::setvbuf(tx, nullptr, _IOFBF, 1 << 20);
  std::setvbuf(ev, nullptr, _IOFBF, 1 << 20);
  std::fputs("order_id,customer_id,ts,amount,quantity,discount,channel,store_id,sku,category,is_return\n", tx);
  std::fputs("event_id,customer_id,ts,type,value,text\n", ev);

  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::gamma_distribution<double> rate_shape(2.0, 1.0 / 140.0);  // orders per day, mean 1/70
  std::exponential_distribution<double> lifetime(1.0 / 400.0);
  std::lognormal_distribution<double> price(2.5, 0.6);
  long long order = 1, event = 1, lines = 0, events = 0;
  char ts[48];
  for (long long c = 0; c < customers; ++c) {
    const long long id = 100000 + c;
    const int join = static_cast<int>(u(rng) * 600);
    const double rate = rate_shape(rng);
    const bool stays = u(rng) < 0.3;
    int end = stays ? kDays : join + static_cast<int>(lifetime(rng));
    const int home_store = static_cast<int>(u(rng) * 50);
    const int favourite = static_cast<int>(u(rng) * 8);
    const double discount_taste = u(rng) < 0.25 ? 0.7 : 0.1;
    // A complaint while active shortens the lifetime; a competitor view precedes some ends.
    if (!stays && u(rng) < 0.15) {
      const int day = join + static_cast<int>(u(rng) * std::max(1, end - join));
      if (day < kDays) {
        FormatTimestamp(day, 36000, ts);
        std::fprintf(ev, "%lld,%lld,%s,complaint,,\n", event++, id, ts);
        ++events;
        end = std::min(end, day + 30 + static_cast<int>(u(rng) * 60));
      }
    }
    if (!stays && end < kDays && u(rng) < 0.3) {
      FormatTimestamp(std::max(join, end - 10), 72000, ts);
      std::fprintf(ev, "%lld,%lld,%s,competitor_view,,\n", event++, id, ts);
      ++events;
    }
    end = std::min(end, kDays);
    std::exponential_distribution<double> gap(rate);
    for (double day = join; day < end; day += 1.0 + gap(rng)) {
      const int d = static_cast<int>(day);
      const int channel = u(rng) < 0.6 ? 0 : (u(rng) < 0.5 ? 1 : 2);
      const int n = 1 + static_cast<int>(u(rng) * 3);
      FormatTimestamp(d, 28800 + static_cast<int>(u(rng) * 43200), ts);
      for (int i = 0; i < n; ++i, ++lines) {
        const int category = u(rng) < 0.6 ? favourite : static_cast<int>(u(rng) * 8);
        const double list = price(rng);
        const int quantity = 1 + static_cast<int>(u(rng) * 3);
        const bool on_discount = u(rng) < discount_taste;
        const double off = on_discount ? list * quantity * 0.2 : 0.0;
        const bool is_return = u(rng) < 0.02;
        const double sign = is_return ? -1.0 : 1.0;
        std::fprintf(tx, "%lld,%lld,%s,%.2f,%d,%.2f,%s,S%02d,SKU%d%03d,%s,%d\n", order, id, ts,
                     sign * (list * quantity - off), static_cast<int>(sign) * quantity, off, kChannels[channel],
                     channel == 0 ? home_store : 99, category, static_cast<int>(list * 10) % 1000,
                     kCategories[category], is_return ? 1 : 0);
      }
      ++order;
      if (u(rng) < 0.5) {
        FormatTimestamp(std::max(join, d - 1), 50000, ts);
        std::fprintf(ev, "%lld,%lld,%s,%s,,\n", event++, id, ts, kEventTypes[channel == 0 ? 0 : 1]);
        ++events;
      }
    }
  }
  std::fclose(tx);
  std::fclose(ev);
  std::fprintf(stderr, "gen_job_data: %lld customers, %lld order lines, %lld events in %s\n", customers, lines,
               events, dir.c_str());
  return 0;
}
