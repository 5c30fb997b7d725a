// Zones, grades and SLA deadlines (include/churnwatch/policy.h). Pure functions of a
// customer's calibrated p_churn, value tier and recency, so the same customer lands in the
// same zone in a batch run, in the server and in a test.
#include <cmath>
#include <string>

#include "churnwatch/policy.h"

namespace churnwatch {

std::string_view ZoneName(Zone z) {
  switch (z) {
    case Zone::kRed: return "red";
    case Zone::kYellow: return "yellow";
    case Zone::kBlue: return "blue";
    case Zone::kNone: break;
  }
  return "none";
}

std::string_view ZoneNameZh(Zone z) {
  switch (z) {
    case Zone::kRed: return "红";
    case Zone::kYellow: return "黄";
    case Zone::kBlue: return "蓝";
    case Zone::kNone: break;
  }
  return "无";
}

int ValueTierIndex(std::string_view value_tier) {
  if (value_tier == "high") return 0;
  if (value_tier == "mid") return 1;
  return 2;
}

int ZoneConfig::SlaHours(Zone z) const {
  switch (z) {
    case Zone::kRed: return red_sla_hours;
    case Zone::kYellow: return yellow_sla_hours;
    case Zone::kBlue: return blue_sla_hours;
    case Zone::kNone: break;
  }
  return 0;
}

ZoneAssignment AssignZone(const ZoneConfig& config, double p_churn, std::string_view value_tier,
                          double recency_days) {
  const int tier = ValueTierIndex(value_tier);
  ZoneAssignment out;
  if (!std::isnan(recency_days) && recency_days >= config.blue_min_recency_days) {
    out.zone = Zone::kBlue;
    out.grade = tier == 0 ? "B1" : "B2";
    return out;
  }
  // NaN compares false everywhere below, so an unscored customer stays in "none".
  if (p_churn >= config.red_min_p) {
    out.zone = Zone::kRed;
    out.grade = "R" + std::to_string(1 + tier);
  } else if (p_churn >= config.yellow_min_p) {
    const int band = p_churn >= config.yellow_split_p ? 0 : 1;
    out.zone = Zone::kYellow;
    out.grade = "Y" + std::to_string(1 + tier + band);
  }
  return out;
}

Timestamp SlaDeadline(const ZoneConfig& config, Zone z, Timestamp raised_at) {
  return raised_at + static_cast<Timestamp>(config.SlaHours(z)) * 3600;
}

}  // namespace churnwatch
