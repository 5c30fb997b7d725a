// `churnwatch simulate`: writes a simulated pet-store chain with a known truth
// (docs/simulate.md) — flags in, one library call (SimulateWorld), a summary out.
#include <chrono>
#include <cstdio>
#include <memory>

#include "churnwatch/simulate.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct SimulateFlags {
  std::string config;
  std::string out;
  int customers = 0;   // 0: the config's (default 20,000)
  long long seed = -1; // -1: the config's (default 1)
};

Status Run(const SimulateFlags& f, const CommonOptions& common) {
  const auto start = std::chrono::steady_clock::now();
  WorldConfig config;
  if (!f.config.empty()) {
    CW_ASSIGN_OR_RETURN(config, LoadWorldConfig(f.config));
  }
  if (f.customers != 0) {
    if (f.customers < 1) return Status::InvalidArgument("--customers must be at least 1, got " + std::to_string(f.customers));
    config.customers = f.customers;
  }
  if (f.seed != -1) {
    if (f.seed < 0) return Status::InvalidArgument("--seed must be ≥ 0, got " + std::to_string(f.seed));
    config.seed = static_cast<std::uint64_t>(f.seed);
  }
  CW_ASSIGN_OR_RETURN(SimulateOutcome o, SimulateWorld(config, f.out));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json by_cause = nlohmann::json::object();
  for (int k = 1; k < kChurnCauseCount; ++k)
    by_cause[std::string(ChurnCauseKey(static_cast<ChurnCause>(k)))] = o.churners_by_cause[static_cast<std::size_t>(k)];
  if (common.json) {
    PrintJson({{"out", o.out_dir.string()},
               {"seed", config.seed},
               {"cutoff", FormatIsoDate(o.cutoff)},
               {"horizon_days", o.horizon_days},
               {"customers", o.customers},
               {"orders", o.orders},
               {"transactions", o.transactions},
               {"events", o.events},
               {"active_at_cutoff", o.active_at_cutoff},
               {"churners", o.churners_active},
               {"churners_by_cause", by_cause},
               {"budget", o.budget},
               {"run_config", (o.out_dir / "run.toml").string()},
               {"seconds", seconds}});
    return Status::OK();
  }
  std::printf("simulated %s customers (seed %llu) in %.1f s: %s orders, %s transaction rows, %s events\n",
              FormatCount(o.customers).c_str(), static_cast<unsigned long long>(config.seed), seconds,
              FormatCount(o.orders).c_str(), FormatCount(o.transactions).c_str(), FormatCount(o.events).c_str());
  std::printf("cutoff %s: %s active customers, %s of them leave within %d days (",
              FormatIsoDate(o.cutoff).c_str(), FormatCount(o.active_at_cutoff).c_str(),
              FormatCount(o.churners_active).c_str(), o.horizon_days);
  bool first = true;
  for (auto it = by_cause.begin(); it != by_cause.end(); ++it, first = false)
    std::printf("%s%s %lld", first ? "" : ", ", it.key().c_str(), it.value().get<long long>());
  std::printf(")\nwrote %s/{transactions,customers,events,truth}.csv, mapping.toml, run.toml\n", o.out_dir.string().c_str());
  std::printf("next: churnwatch run --config %s/run.toml\n", o.out_dir.string().c_str());
  return Status::OK();
}

}  // namespace

CommandRun RegisterSimulate(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("simulate", "Write a simulated pet-store chain with a known truth (docs/simulate.md)");
  AddCommonOptions(sub, common);
  auto flags = std::make_shared<SimulateFlags>();
  sub->add_option("--out", flags->out, "output folder (created if missing)")->required();
  sub->add_option("--customers", flags->customers, "number of customers (default 20000, or the config's)");
  sub->add_option("--seed", flags->seed, "random seed: the same seed and config give the same files (default 1)");
  sub->add_option("--config", flags->config, "world config TOML ([world], [causes], [behaviour]; docs/simulate.md)");
  return [flags, &common] { return Run(*flags, common); };
}

}  // namespace churnwatch::cli
