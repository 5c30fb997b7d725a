// `churnwatch retrain` (docs/campaign.md, "Retraining"): parse flags, call RunRetrain
// (include/churnwatch/retrain.h), print what happened to the champion and the drift.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "churnwatch/retrain.h"
#include "cli/commands.h"

namespace churnwatch::cli {

namespace {
nlohmann::json QualityJson(const ModelQuality& q) {
  auto num = [](double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); };
  return {{"version", q.version}, {"roc_auc", num(q.roc_auc)}, {"ece", num(q.ece)}};
}
}  // namespace

CommandRun RegisterRetrain(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("retrain", "train a challenger; promote it only if it beats the champion; drift");
  AddCommonOptions(sub, common);
  auto req = std::make_shared<RetrainRequest>();
  sub->add_option("--horizon-days", req->horizon_days, "H (default: the champion's, else 90)");
  sub->add_option("--threads", req->threads, "worker threads")->capture_default_str();
  sub->add_option("--min-auc-gain", req->rule.min_auc_gain, "ROC-AUC the challenger must gain")->capture_default_str();
  sub->add_option("--max-ece-increase", req->rule.max_ece_increase, "calibration error it may lose")
      ->capture_default_str();
  return [req, &common]() -> Status {
    RetrainRequest r = *req;
    r.db_url = common.db_url;
    CW_ASSIGN_OR_RETURN(RetrainOutcome o, RunRetrain(r));
    if (common.json) {
      nlohmann::json items = nlohmann::json::array();
      for (const auto& it : o.drift.items)
        items.push_back({{"name", it.name}, {"psi", std::isnan(it.psi) ? nlohmann::json(nullptr) : nlohmann::json(it.psi)},
                         {"level", it.level}});
      return PrintJson({{"promoted", o.decision.promote},
                 {"decision", o.decision.reason},
                 {"challenger", QualityJson(o.challenger)},
                 {"champion", o.champion ? QualityJson(*o.champion) : nlohmann::json(nullptr)},
                 {"champion_after", o.champion_after},
                 {"test_cutoff", o.test_cutoff},
                 {"valid_cutoff", o.valid_cutoff},
                 {"train_cutoffs", o.train_cutoffs},
                 {"drift", {{"reference", o.drift.reference_label}, {"current", o.drift.current_label},
                            {"items", items}, {"warnings", o.drift.warnings}}}});
    }
    std::cout << "retrain: compared on the latest matured cutoff " << o.test_cutoff << "\n  " << o.decision.reason
              << "\n  champion now: " << o.champion_after << "\n  drift " << o.drift.reference_label << " → "
              << o.drift.current_label << ":";
    int shown = 0;
    for (const auto& it : o.drift.items) {
      if (shown++ == 6) break;
      std::printf(" %s %.3f (%s);", it.name.c_str(), it.psi, it.level.c_str());
    }
    std::cout << "\n";
    for (const auto& w : o.drift.warnings) std::cout << "  warning: " << w << "\n";
    return Status::OK();
  };
}

}  // namespace churnwatch::cli
