// The champion / challenger rule (retrain.h).
#include <cmath>
#include <cstdio>

#include "churnwatch/retrain.h"

namespace churnwatch {

PromotionDecision DecidePromotion(const std::optional<ModelQuality>& champion, const ModelQuality& challenger,
                                  const PromotionRule& rule) {
  char buf[400];
  if (!champion) return {true, "promoted " + challenger.version + ": there was no champion"};
  if (std::isnan(challenger.roc_auc) || std::isnan(challenger.ece))
    return {false, "kept the champion " + champion->version + ": the challenger " + challenger.version +
                       " could not be evaluated"};
  if (std::isnan(champion->roc_auc) || std::isnan(champion->ece))
    return {true, "promoted " + challenger.version + ": the champion " + champion->version +
                      " could not be evaluated on the comparison cutoff"};
  const bool ranks = challenger.roc_auc > champion->roc_auc + rule.min_auc_gain;
  const bool calibrated = challenger.ece <= champion->ece + rule.max_ece_increase;
  if (ranks && calibrated) {
    std::snprintf(buf, sizeof buf, "promoted %s over %s: ROC-AUC %.4f vs %.4f, ECE %.4f vs %.4f",
                  challenger.version.c_str(), champion->version.c_str(), challenger.roc_auc, champion->roc_auc,
                  challenger.ece, champion->ece);
    return {true, buf};
  }
  std::snprintf(buf, sizeof buf, "kept the champion %s: the challenger %s %s (ROC-AUC %.4f vs %.4f, ECE %.4f vs %.4f)",
                champion->version.c_str(), challenger.version.c_str(),
                !ranks ? "does not rank better" : "is worse calibrated", challenger.roc_auc, champion->roc_auc,
                challenger.ece, champion->ece);
  return {false, buf};
}

}  // namespace churnwatch
