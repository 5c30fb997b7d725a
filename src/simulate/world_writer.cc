// Writes a simulated world (include/churnwatch/simulate.h): customers are simulated in
// fixed blocks (in parallel; each block's rows depend only on its customers' numbers), and
// the blocks are appended in order, so the files are the same bytes for any thread count.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "churnwatch/thread_pool.h"
#include "simulate/world_internal.h"

namespace churnwatch {

std::string_view ChurnCauseKey(ChurnCause cause) {
  switch (cause) {
    case ChurnCause::kNone: return "none";
    case ChurnCause::kPrice: return "price";
    case ChurnCause::kExperience: return "experience";
    case ChurnCause::kCompetition: return "competition";
    case ChurnCause::kNeedShift: return "need_shift";
    case ChurnCause::kMovedAway: return "moved_away";
    case ChurnCause::kSilentLapse: return "silent_lapse";
  }
  return "none";
}

namespace {

using simulate_internal::CustomerRows;

class OutFile {
 public:
  Status Open(const std::filesystem::path& path, const std::string& header) {
    path_ = path;
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) return Status::IOError("cannot write " + path.string());
    out_ << header;
    return Status::OK();
  }
  void Append(const std::string& text) { out_ << text; }
  Status Close() {
    out_.close();
    if (!out_) return Status::IOError("cannot write " + path_.string());
    return Status::OK();
  }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

Status WriteText(const std::filesystem::path& path, const std::string& text) {
  OutFile f;
  CW_RETURN_IF_ERROR(f.Open(path, text));
  return f.Close();
}

std::string MappingToml() {
  return R"(# Mapping of a world written by `churnwatch simulate` (the canonical format, docs/ingest.md).
# The simulated customers carry no phone, e-mail or name, so no pseudonymisation key is needed.
version = 1

[defaults]
delimiter = ","
header = true
decimal = "."
date_format = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]

[transactions]
[transactions.fields]
order_id = "order_id"
customer_id = "customer_id"
ts = "ts"
amount = "amount"
quantity = "quantity"
discount = "discount"
channel = "channel"
store_id = "store_id"
sku = "sku"
category = "category"
is_return = "is_return"

[transactions.returns]
negative_quantity = true
negative_amount = true

[customers]
[customers.fields]
customer_id = "customer_id"
joined_at = { column = "joined_at", format = "%Y-%m-%d" }
member_tier = "member_tier"
region = "region"
birth_year = "birth_year"
gender = "gender"
status = "status"

[events]
[events.fields]
event_id = "event_id"
customer_id = "customer_id"
ts = "ts"
type = "type"
value = "value"
text = "text"
)";
}

std::string RunToml(const WorldConfig& c, double budget) {
  char budget_text[64];
  std::snprintf(budget_text, sizeof budget_text, "%.2f", budget);
  std::string s = "# Run config of a world written by `churnwatch simulate --seed " + std::to_string(c.seed) +
                  "` (docs/simulate.md).\n# truth.csv refers to the cutoff " + FormatIsoDate(c.cutoff()) +
                  " (as_of below) and the " + std::to_string(c.horizon_days) +
                  " days from it. Relative paths are relative to this file.\n"
                  "#   churnwatch run --config run.toml\n"
                  "#   churnwatch grade --truth truth.csv --plan out/actions.csv --customers out/customers.csv\n\n"
                  "[run]\nname = \"Simulated pet-store chain (seed " + std::to_string(c.seed) + ")\"\n"
                  "db = \"sqlite:out/churnwatch.db\"\nout_dir = \"out\"\ncurrency = \"$\"\nthreads = 2\n\n"
                  "[ingest]\nmapping = \"mapping.toml\"\ntransactions = \"transactions.csv\"\ncustomers = \"customers.csv\"\n"
                  "events = \"events.csv\"\n\n"
                  "[model]\nhorizon_days = " + std::to_string(c.horizon_days) + "\nas_of = \"" + FormatIsoDate(c.cutoff()) +
                  "\"\n\n[budget]\ntotal = " + budget_text + "\n";
  return s;
}

}  // namespace

Result<SimulateOutcome> SimulateWorld(const WorldConfig& config, const std::filesystem::path& out_dir, int threads) {
  if (config.customers < 1) return Status::InvalidArgument("--customers must be at least 1");
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IOError("cannot create " + out_dir.string() + ": " + ec.message());

  OutFile tx, cu, ev, tr;
  CW_RETURN_IF_ERROR(tx.Open(out_dir / "transactions.csv",
                             "order_id,customer_id,ts,amount,quantity,discount,channel,store_id,sku,category,is_return\n"));
  CW_RETURN_IF_ERROR(cu.Open(out_dir / "customers.csv", "customer_id,joined_at,member_tier,region,birth_year,gender,status\n"));
  CW_RETURN_IF_ERROR(ev.Open(out_dir / "events.csv", "event_id,customer_id,ts,type,value,text\n"));
  CW_RETURN_IF_ERROR(tr.Open(out_dir / "truth.csv", simulate_internal::TruthHeader()));

  SimulateOutcome o;
  o.out_dir = out_dir;
  o.cutoff = config.cutoff();
  o.horizon_days = config.horizon_days;
  // Blocks of a fixed size, simulated in parallel, appended in order.
  constexpr int kBlock = 2048;
  if (threads <= 0) threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
  std::vector<CustomerRows> rows;
  for (int begin = 0; begin < config.customers; begin += kBlock) {
    const int n = std::min(kBlock, config.customers - begin);
    rows.assign(static_cast<std::size_t>(n), CustomerRows{});
    const std::size_t chunks = (static_cast<std::size_t>(n) + 63) / 64;
    CW_RETURN_IF_ERROR(ParallelFor(chunks, threads, [&](std::size_t k) {
      const std::size_t b = k * 64, e = std::min(static_cast<std::size_t>(n), b + 64);
      for (std::size_t i = b; i < e; ++i) simulate_internal::SimulateCustomer(config, begin + static_cast<int>(i), rows[i]);
    }));
    for (const CustomerRows& r : rows) {
      if (r.customer.empty()) continue;
      tx.Append(r.transactions);
      ev.Append(r.events);
      cu.Append(r.customer);
      tr.Append(r.truth);
      ++o.customers;
      o.transactions += r.transaction_rows;
      o.orders += r.orders;
      o.events += r.event_rows;
      if (r.active_at_cutoff) {
        ++o.active_at_cutoff;
        if (r.churned) {
          ++o.churners_active;
          ++o.churners_by_cause[static_cast<std::size_t>(r.cause)];
        }
      }
    }
  }
  CW_RETURN_IF_ERROR(tx.Close());
  CW_RETURN_IF_ERROR(cu.Close());
  CW_RETURN_IF_ERROR(ev.Close());
  CW_RETURN_IF_ERROR(tr.Close());
  o.budget = config.budget_per_customer * config.customers;
  CW_RETURN_IF_ERROR(WriteText(out_dir / "mapping.toml", MappingToml()));
  CW_RETURN_IF_ERROR(WriteText(out_dir / "run.toml", RunToml(config, o.budget)));
  return o;
}

}  // namespace churnwatch
