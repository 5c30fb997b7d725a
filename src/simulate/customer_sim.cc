// One customer's life in the simulated pet-store chain: who they are (pets, channel habits,
// price sensitivity, pace), whether and why they leave, and the orders and events that
// behaviour produces. Each cause leaves its own trace with noise: loyal customers also
// complain, compare prices and buy on discount; many leavers leave a weak trace or none.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "simulate/random.h"
#include "simulate/world_internal.h"

namespace churnwatch::simulate_internal {

namespace {

enum Pet : std::uint8_t { kDog = 1, kCat = 2, kSmall = 4, kFish = 8 };

struct Category {
  const char* key;
  double price;      ///< standard-tier unit price
  std::uint8_t pets; ///< pets it is bought for
  bool food;         ///< a main category (bought on most orders)
  double p_line;     ///< chance a non-food category is on an order
};

constexpr Category kCategories[] = {
    {"dog_food", 42, kDog, true, 0},         {"dog_treats", 8, kDog, false, 0.35},
    {"dog_toys", 12, kDog, false, 0.12},     {"dog_health", 28, kDog, false, 0.08},
    {"cat_food", 30, kCat, true, 0},         {"cat_litter", 14, kCat, false, 0.45},
    {"cat_treats", 6, kCat, false, 0.30},    {"cat_toys", 9, kCat, false, 0.10},
    {"cat_health", 24, kCat, false, 0.07},   {"small_animal_food", 16, kSmall, true, 0},
    {"small_animal_bedding", 11, kSmall, false, 0.40}, {"aquarium_food", 9, kFish, true, 0},
    {"aquarium_supplies", 22, kFish, false, 0.30},     {"grooming", 15, kDog | kCat, false, 0.06},
    {"accessories", 20, kDog | kCat | kSmall | kFish, false, 0.08},
};
constexpr int kCategoryCount = static_cast<int>(std::size(kCategories));
constexpr const char* kTiers[] = {"budget", "standard", "premium"};
constexpr double kTierPrice[] = {0.7, 1.0, 1.45};
enum Channel : std::uint8_t { kStore, kOnline, kApp };
constexpr const char* kChannelName[] = {"store", "online", "app"};

struct EventRow {
  Timestamp ts;
  const char* type;
  double value;      ///< NaN: empty
  const char* text;  ///< nullptr: empty
};

struct Traits {
  std::uint8_t pets = 0;
  int main_category = 0;
  int second_food = -1;
  double interval = 24;
  double price_sensitivity = 0.3;
  double channel[3] = {0.8, 0.15, 0.05};
  int tier = 1;
  int home_store = 1;
  double multi = 1;          ///< household size factor on quantities
  double login_rate = 0;     ///< app logins per day (0: not an app user)
  double persuadability = 1;
};

double Season(const WorldConfig& c, DayNumber day) {
  // Peak in mid-December (gifts, holidays), low in June.
  const double doy = static_cast<double>(((day - 19723) % 365 + 365) % 365);  // 0 = 1 Jan
  return 1.0 + c.seasonality * std::cos(2.0 * std::numbers::pi * (doy - 350.0) / 365.0);
}

const char* ComplaintText(Rng& rng) {
  static constexpr const char* k[] = {"order arrived late and damaged", "wrong item delivered",
                                      "staff were rude at the counter", "refund took three weeks",
                                      "送货太慢，包装破损", "product was out of date"};
  return k[rng.Int(0, 5)];
}
const char* ReviewText(Rng& rng, int rating) {
  static constexpr const char* kGood[] = {"great staff, always in stock", "my dog loves it", "good value",
                                          "很满意，服务好", "fast delivery"};
  static constexpr const char* kMid[] = {"ok", "fine but pricey", "average selection"};
  static constexpr const char* kBad[] = {"terrible service, will not come back", "poor quality, disappointed",
                                         "太差了，不会再买", "slow and rude"};
  if (rating >= 4) return kGood[rng.Int(0, 4)];
  if (rating == 3) return kMid[rng.Int(0, 2)];
  return kBad[rng.Int(0, 3)];
}
const char* ContactText(Rng& rng) {
  static constexpr const char* k[] = {"where is my order", "billing question", "return request", "product question",
                                      "membership points missing"};
  return k[rng.Int(0, 4)];
}

int NoiseRating(Rng& rng) {
  const double u = rng.Uniform();
  return u < 0.45 ? 5 : u < 0.80 ? 4 : u < 0.92 ? 3 : u < 0.97 ? 2 : 1;
}

Timestamp At(DayNumber day, Rng& rng) {
  return static_cast<Timestamp>(day) * kSecondsPerDay + rng.Int(9, 20) * 3600 + rng.Int(0, 59) * 60 + rng.Int(0, 59);
}

void AppendNumber(std::string& s, double v) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.2f", v);
  s.append(buf, static_cast<std::size_t>(n));
}

Traits DrawTraits(const WorldConfig& c, Rng& rng) {
  Traits t;
  const bool dog = rng.Chance(0.55), cat = rng.Chance(dog ? 0.3 : 0.75);
  if (dog) t.pets |= kDog;
  if (cat) t.pets |= kCat;
  if (t.pets == 0) t.pets = rng.Chance(0.6) ? kSmall : kFish;
  std::vector<int> foods;
  for (int i = 0; i < kCategoryCount; ++i)
    if (kCategories[i].food && (kCategories[i].pets & t.pets)) foods.push_back(i);
  const int pick = rng.Int(0, static_cast<int>(foods.size()) - 1);
  t.main_category = foods[static_cast<std::size_t>(pick)];
  if (foods.size() > 1) t.second_food = foods[static_cast<std::size_t>(1 - pick)];
  t.interval = std::clamp(c.mean_interval_days * rng.Gamma(2.5) / 2.5, 5.0, 150.0);
  t.price_sensitivity = rng.Beta(1.5, 3.5);
  const double u = rng.Uniform();
  if (u < 0.55) t.channel[0] = 0.85, t.channel[1] = 0.10, t.channel[2] = 0.05;
  else if (u < 0.80) t.channel[0] = 0.50, t.channel[1] = 0.25, t.channel[2] = 0.25;
  else t.channel[0] = 0.15, t.channel[1] = 0.45, t.channel[2] = 0.40;
  const double tu = rng.Uniform();
  t.tier = tu < 0.2 + 0.3 * t.price_sensitivity ? 0 : tu < 0.8 ? 1 : 2;
  t.home_store = 1 + static_cast<int>(std::floor(std::pow(rng.Uniform(), 1.6) * c.stores));
  t.multi = 1.0 + (t.second_food >= 0 ? 0.5 : 0.0) + rng.Uniform(0, 0.5);
  if (t.channel[2] > 0.1 || rng.Chance(0.25)) t.login_rate = rng.Uniform(0.5, 4) / 30.0;
  t.persuadability = std::exp(0.35 * rng.Normal() - 0.06);
  return t;
}

ChurnCause DrawCause(const WorldConfig& c, const Traits& t, Rng& rng) {
  double w[6];
  for (int i = 0; i < 6; ++i) w[i] = c.cause_mix[static_cast<std::size_t>(i)];
  w[0] *= 0.4 + 2.0 * t.price_sensitivity;
  w[2] *= t.channel[0] < 0.6 ? 1.6 : 0.8;
  double sum = 0;
  for (double x : w) sum += x;
  double u = rng.Uniform() * sum;
  for (int i = 0; i < 6; ++i) {
    if (u < w[i]) return static_cast<ChurnCause>(i + 1);
    u -= w[i];
  }
  return ChurnCause::kSilentLapse;
}

/// Expected net amount of one order at the customer's baseline habits (value of a kept customer).
double ExpectedOrderValue(const Traits& t) {
  double v = 0.85 * kCategories[t.main_category].price * (1.0 + 0.3 * (t.multi - 1.0));
  if (t.second_food >= 0) v += 0.6 * kCategories[t.second_food].price;
  for (int i = 0; i < kCategoryCount; ++i)
    if (!kCategories[i].food && (kCategories[i].pets & t.pets)) v += kCategories[i].p_line * kCategories[i].price * 1.5;
  const double discount_share = 0.05 + 0.5 * t.price_sensitivity;
  return v * kTierPrice[t.tier] * 1.05 * (1.0 - 0.2 * discount_share);
}

}  // namespace

std::string CustomerId(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "C%06d", index + 1);
  return buf;
}

void SimulateCustomer(const WorldConfig& c, int index, CustomerRows& out) {
  out = CustomerRows{};
  Rng rng(c.seed, static_cast<std::uint64_t>(index));
  const DayNumber T = c.cutoff();
  const DayNumber end = T + c.horizon_days;  // simulated to here; files stop at T
  const std::string id = CustomerId(index);
  Traits t = DrawTraits(c, rng);
  const double noise = c.noise, trace = c.trace_strength;

  // Lifecycle: first purchase, whether and why they leave, when the cause starts and ends.
  const bool is_new = rng.Chance(c.new_customer_share);
  const DayNumber first = is_new ? c.start_day + rng.Int(0, c.history_days - 1)
                                 : c.start_day + rng.Int(0, static_cast<int>(std::min(t.interval, 60.0)));
  const DayNumber joined = is_new ? first - rng.Int(0, 3) : c.start_day - rng.Int(30, 1500);
  const bool one_time = is_new && rng.Chance(c.one_purchase_share);
  ChurnCause cause = ChurnCause::kNone;
  DayNumber cause_start = end + 100000, churn_day = end + 100000;
  const double rate_per_day = c.cause_rate_per_year / 365.0;
  if (one_time) {
    cause = ChurnCause::kSilentLapse;
    cause_start = churn_day = first + 1;
  } else if (!rng.Chance(c.never_leave_share)) {
    cause = DrawCause(c, t, rng);
    // Capped far beyond any horizon so a rate near 0 cannot overflow the day number.
    cause_start = first + 7 + static_cast<DayNumber>(std::min(rng.Exponential(1.0 / std::max(rate_per_day, 1e-9)), 1e6));
    const LagRange lag = CauseLag(cause);
    churn_day = cause_start + rng.Int(lag.lo, lag.hi);
  }
  const bool leaves = cause != ChurnCause::kNone;
  // Which parts of the cause's trace this customer shows.
  const bool online_minded = t.channel[0] < 0.6;
  const bool tr_trade_down = rng.Chance(0.7 * trace), tr_promo_views = rng.Chance(0.4 * trace);
  const bool tr_discount_only = rng.Chance(0.8 * trace), tr_abandon = rng.Chance((online_minded ? 0.6 : 0.2) * trace);
  const bool tr_complaint = rng.Chance(0.75 * trace), tr_low_review = rng.Chance(0.5 * trace);
  const bool tr_contacts = rng.Chance(0.7 * trace), tr_comp_views = rng.Chance(0.8 * trace);
  const bool tr_channel_shift = rng.Chance(0.6 * trace), tr_unsubscribe = rng.Chance(0.2 * trace);
  // Noise among customers who stay: a pet dies or moves out (a food category stops), a
  // budget squeeze (trading down). Both look like a cause and are not one.
  DayNumber noise_drop = end + 100000, noise_trade_down = end + 100000;
  if (!leaves && rng.Chance(0.06 * noise)) noise_drop = first + rng.Int(0, c.history_days + c.horizon_days);
  if (!leaves && rng.Chance(0.05 * noise)) noise_trade_down = first + rng.Int(0, c.history_days + c.horizon_days);
  const DayNumber stop = std::min(churn_day, end);  // no purchase on or after this day

  auto after = [&](DayNumber day) { return leaves && day >= cause_start; };
  auto is = [&](ChurnCause k) { return cause == k; };
  std::vector<EventRow> events;
  events.reserve(128);
  auto add_event = [&](DayNumber day, const char* type, double value = kNaN, const char* text = nullptr) {
    if (day >= c.start_day && day < T) events.push_back({At(day, rng), type, value, text});
  };

  // Orders.
  int orders_before = 0, orders_in_horizon = 0;
  DayNumber last_before = -1;
  double spend_365 = 0;
  std::string& tx = out.transactions;
  int seq = 0;
  DayNumber day = first;
  while (day < stop) {
    double rate = 1.0;
    bool main_stopped = day >= noise_drop;
    int tier = t.tier;
    double p_discount = 0.05 + 0.5 * t.price_sensitivity;
    double channel[3] = {t.channel[0], t.channel[1], t.channel[2]};
    if (day >= noise_trade_down) tier = 0;
    if (after(day)) {
      const double progress = std::clamp(static_cast<double>(day - cause_start) / std::max(1, churn_day - cause_start), 0.0, 1.0);
      if (is(ChurnCause::kPrice)) {
        rate = 0.75;
        if (tr_discount_only) p_discount = 0.9;
        if (tr_trade_down) tier = 0;
      } else if (is(ChurnCause::kExperience)) {
        rate = 0.55;
      } else if (is(ChurnCause::kCompetition)) {
        rate = 1.0 - 0.65 * progress;
        if (tr_channel_shift) channel[0] *= 0.3;
      } else if (is(ChurnCause::kNeedShift)) {
        rate = 0.75;
        main_stopped = true;
      } else if (is(ChurnCause::kSilentLapse)) {
        rate = 1.0 - 0.6 * progress;
      }
    }
    // The order's lines.
    std::vector<int> lines;
    if (!main_stopped && rng.Chance(0.85)) lines.push_back(t.main_category);
    if (t.second_food >= 0 && rng.Chance(0.6)) lines.push_back(t.second_food);
    for (int i = 0; i < kCategoryCount; ++i)
      if (!kCategories[i].food && (kCategories[i].pets & t.pets) && rng.Chance(kCategories[i].p_line)) lines.push_back(i);
    if (lines.empty()) {
      if (!main_stopped) lines.push_back(t.main_category);
      else if (t.second_food >= 0) lines.push_back(t.second_food);
      else {
        for (int i = 0; i < kCategoryCount; ++i)
          if (!kCategories[i].food && (kCategories[i].pets & t.pets)) {
            lines.push_back(i);
            break;
          }
      }
    }
    const bool discounted = rng.Chance(p_discount);
    const bool price_skip = is(ChurnCause::kPrice) && after(day) && tr_discount_only && !discounted;
    if (!price_skip) {
      const double cu = rng.Uniform() * (channel[0] + channel[1] + channel[2]);
      const Channel ch = cu < channel[0] ? kStore : cu < channel[0] + channel[1] ? kOnline : kApp;
      const Timestamp ts = At(day, rng);
      const double rate_off = discounted ? rng.Uniform(0.1, 0.3) : 0.0;
      char order_id[32];
      std::snprintf(order_id, sizeof order_id, "O%06d-%04d", index + 1, ++seq);
      const std::string store = ch == kStore ? (rng.Chance(0.9) ? "S" + std::to_string(t.home_store)
                                                                : "S" + std::to_string(rng.Int(1, c.stores)))
                                             : std::string("WEB");
      double order_amount = 0;
      for (int cat : lines) {
        const Category& k = kCategories[cat];
        const int variant = rng.Int(1, 4);
        const double unit = std::round(k.price * kTierPrice[tier] * (0.85 + 0.1 * variant) * 100.0) / 100.0;
        const int qty = k.food ? 1 + (rng.Chance(0.3 * (t.multi - 1.0) + 0.1) ? 1 : 0) : rng.Int(1, 2);
        const double gross = unit * qty, off = std::round(gross * rate_off * 100.0) / 100.0;
        const double amount = gross - off;
        order_amount += amount;
        if (day < T) {
          char sku[64];
          std::snprintf(sku, sizeof sku, "%s-%s-%d", k.key, kTiers[tier], variant);
          tx += order_id;
          tx += ',';
          tx += id;
          tx += ',';
          tx += FormatIsoTimestamp(ts);
          tx += ',';
          AppendNumber(tx, amount);
          tx += ',' + std::to_string(qty) + ',';
          AppendNumber(tx, off);
          tx += ',';
          tx += kChannelName[ch];
          tx += ',' + store + ',' + sku + ',' + k.key + ",0\n";
          ++out.transaction_rows;
          // A few lines come back; a bad experience starts with one more often.
          const double p_return = 0.012 + (is(ChurnCause::kExperience) && after(day) ? 0.08 : 0.0);
          const DayNumber back = day + rng.Int(2, 20);
          if (rng.Chance(p_return) && back < T && back < stop) {
            tx += std::string("R") + (order_id + 1) + ',' + id + ',' + FormatIsoTimestamp(At(back, rng)) + ",-";
            AppendNumber(tx, amount);
            tx += ",-" + std::to_string(qty) + ",0.00," + kChannelName[ch] + ',' + store + ',' + sku + ',' + k.key + ",1\n";
            ++out.transaction_rows;
          }
        }
      }
      if (day < T) {
        ++orders_before;
        last_before = day;
        if (day >= T - 365) spend_365 += order_amount;
        // What an order leaves in the event stream.
        if (ch == kStore && rng.Chance(0.85)) add_event(day, "visit");
        if (ch != kStore) {
          const int views = rng.Int(1, 3);
          for (int v = 0; v < views; ++v) add_event(day, "page_view");
          if (rng.Chance(0.7)) add_event(day, "cart_add");
        }
      } else {
        ++orders_in_horizon;
      }
    }
    // Store regulars drop by without buying now and then.
    if (t.channel[0] > 0.4 && rng.Chance(0.2 * rate)) add_event(day + rng.Int(1, 10), "visit");
    const double gap = t.interval * rng.Gamma(4.0) / 4.0 / (Season(c, day) * std::max(rate, 0.05));
    day += std::max(1, static_cast<int>(std::lround(gap)));
  }
  // Event streams that run on their own clocks, from the first purchase to the day they leave.
  const DayNumber active_end = std::min(stop, T);
  auto poisson_days = [&](DayNumber from, DayNumber to, double per_day, auto&& emit) {
    if (per_day <= 0 || from >= to) return;
    double d = from + rng.Exponential(1.0 / per_day);
    while (d < to) {
      emit(static_cast<DayNumber>(d));
      d += rng.Exponential(1.0 / per_day);
    }
  };
  if (t.login_rate > 0) {
    const DayNumber login_end = is(ChurnCause::kSilentLapse) ? std::min(active_end, cause_start) : active_end;
    poisson_days(first - 10, login_end, t.login_rate, [&](DayNumber d) {
      if (after(d) && is(ChurnCause::kCompetition) && !rng.Chance(0.3)) return;
      add_event(d, "app_login");
    });
  }
  if (online_minded) {
    poisson_days(first, active_end, 0.005 * noise, [&](DayNumber d) {
      add_event(d, "cart_add");
      add_event(d, "cart_abandon");
    });
  }
  if (t.login_rate > 0 || online_minded) poisson_days(first, active_end, 0.002 * noise, [&](DayNumber d) { add_event(d, "competitor_view"); });
  poisson_days(first, active_end, 0.4 / 365 * noise, [&](DayNumber d) { add_event(d, "service_contact", kNaN, ContactText(rng)); });
  poisson_days(first, active_end, 0.06 / 365 * noise, [&](DayNumber d) { add_event(d, "complaint", kNaN, ComplaintText(rng)); });
  poisson_days(first, active_end, 0.5 / 365, [&](DayNumber d) {
    const int r = NoiseRating(rng);
    add_event(d, "review", r, ReviewText(rng, r));
  });
  poisson_days(first, active_end, 0.01 / 365 * noise, [&](DayNumber d) { add_event(d, "unsubscribe"); });
  // The retailer's monthly coupon mailing reaches 40 % of members, gone or not.
  for (DayNumber m = c.start_day; m < T; m += 30) {
    if (m < first || !rng.Chance(0.4)) continue;
    add_event(m, "coupon_issued", rng.Chance(0.5) ? 5 : 10);
    double p_redeem = 0.08 + 0.5 * t.price_sensitivity;
    if (is(ChurnCause::kPrice) && after(m)) p_redeem = 0.85;
    const DayNumber r = m + rng.Int(1, 14);
    if (r < stop && rng.Chance(p_redeem)) add_event(r, "coupon_redeemed");
  }

  // The cause's own trace.
  if (leaves && !one_time) {
    const DayNumber cs = cause_start;
    switch (cause) {
      case ChurnCause::kPrice:
        if (tr_promo_views) {
          const int n = rng.Int(1, 3);
          for (int i = 0; i < n; ++i) add_event(cs + rng.Int(0, 14), "competitor_view");
        }
        if (tr_abandon) {
          const int n = rng.Int(1, 4);
          for (int i = 0; i < n; ++i) {
            const DayNumber d = cs + rng.Int(0, std::max(1, churn_day - cs));
            add_event(d, "cart_add");
            add_event(d, "cart_abandon");
          }
        }
        break;
      case ChurnCause::kExperience:
        if (tr_complaint) add_event(cs, "complaint", kNaN, ComplaintText(rng));
        if (tr_contacts) {
          const int n = rng.Int(2, 5);
          for (int i = 0; i < n; ++i) add_event(cs + rng.Int(-5, 20), "service_contact", kNaN, ContactText(rng));
        }
        if (tr_low_review) {
          const int r = rng.Int(1, 2);
          add_event(cs + rng.Int(0, 14), "review", r, ReviewText(rng, r));
        }
        break;
      case ChurnCause::kCompetition:
        if (tr_comp_views) poisson_days(cs, std::min(churn_day, T), 0.1, [&](DayNumber d) { add_event(d, "competitor_view"); });
        break;
      default:
        break;  // need shift shows in the orders; moved away and silent lapse leave nothing
    }
    if (tr_unsubscribe && (is(ChurnCause::kPrice) || is(ChurnCause::kExperience) || is(ChurnCause::kCompetition)))
      add_event(churn_day - rng.Int(0, 10), "unsubscribe");
  }

  if (orders_before == 0) {
    // First purchase on or after the cutoff: not a customer yet as far as the files go.
    out = CustomerRows{};
    return;
  }

  std::sort(events.begin(), events.end(), [](const EventRow& a, const EventRow& b) { return a.ts < b.ts; });
  std::string& ev = out.events;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventRow& e = events[i];
    char eid[48];
    std::snprintf(eid, sizeof eid, "E%06d-%05zu", index + 1, i + 1);
    ev += eid;
    ev += ',' + id + ',' + FormatIsoTimestamp(e.ts) + ',' + e.type + ',';
    if (!std::isnan(e.value)) ev += std::to_string(static_cast<int>(e.value));
    ev += ',';
    if (e.text != nullptr) AppendCsvField(ev, e.text);
    ev += '\n';
  }
  out.event_rows = static_cast<std::int64_t>(events.size());
  out.orders = orders_before;

  // customers.csv
  const double order_value = ExpectedOrderValue(t);
  const double annual = 365.0 / t.interval * order_value;
  const char* member_tier = annual > 900 ? "gold" : annual > 400 ? "silver" : "basic";
  static constexpr const char* kRegions[] = {"north", "south", "east", "west", "central"};
  const bool known_moved = is(ChurnCause::kMovedAway) && churn_day < T && rng.Chance(0.4);
  out.customer = id + ',' + FormatIsoDate(joined) + ',' + member_tier + ',' + kRegions[t.home_store % 5] + ',' +
                 std::to_string(rng.Int(1950, 2004)) + ',' + (rng.Chance(0.55) ? "F" : "M") + ',' +
                 (known_moved ? "moved" : "active") + '\n';

  // truth.csv
  out.active_at_cutoff = last_before >= T - c.horizon_days;
  out.churned = leaves && churn_day < end;
  out.cause = cause;
  const double p_true = TrueChurnProbability(cause, cause_start, churn_day, T, c.horizon_days, rate_per_day);
  const double value = static_cast<double>(c.value_days) / t.interval * order_value;
  ResponseTraits rt;
  rt.price_sensitivity = t.price_sensitivity;
  rt.value_rank = std::clamp(annual / 1500.0, 0.0, 1.0);
  rt.app_user = t.login_rate > 0;
  rt.days_gone = churn_day < T ? T - churn_day : -1;
  rt.persuadability = t.persuadability;
  const auto responses = ActionResponses(cause, rt);
  std::string& tr = out.truth;
  tr = id + ',' + FormatIsoDate(T) + ',' + (out.active_at_cutoff ? "1" : "0") + ',' + FormatIsoDate(first) + ',' +
       FormatIsoDate(last_before) + ',' + std::to_string(orders_before) + ',';
  AppendNumber(tr, spend_365);
  tr += ',' + std::string(out.churned ? "1" : "0") + ',' + (leaves && churn_day < end ? FormatIsoDate(churn_day) : "") + ',' +
        std::string(ChurnCauseKey(cause)) + ',' + (leaves && cause_start < end ? FormatIsoDate(cause_start) : "") + ',';
  char num[32];
  std::snprintf(num, sizeof num, "%.4f", p_true);
  tr += num;
  tr += ',' + std::to_string(orders_in_horizon) + ',';
  AppendNumber(tr, value);
  for (double r : responses) {
    std::snprintf(num, sizeof num, ",%.4f", r);
    tr += num;
  }
  tr += '\n';
}

std::string TruthHeader() {
  std::string h =
      "customer_id,cutoff,active_at_cutoff,first_purchase,last_purchase,orders,spend_365,churned,churn_date,cause,"
      "cause_start,p_churn,orders_in_horizon,value";
  for (const char* a : kActionKeys) h += std::string(",response_") + a;
  return h + "\n";
}

}  // namespace churnwatch::simulate_internal
