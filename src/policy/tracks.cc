// Lifecycle tracks of a scored customer (include/churnwatch/tracks.h).
#include <cmath>

#include "churnwatch/tracks.h"

namespace churnwatch {

std::string_view TrackName(Track t) {
  switch (t) {
    case Track::kRetain: return "retain";
    case Track::kOnboard: return "onboard";
    case Track::kWinBack: return "winback";
    case Track::kNone: break;
  }
  return "none";
}

std::string_view TrackNameZh(Track t) {
  switch (t) {
    case Track::kRetain: return "挽留";
    case Track::kOnboard: return "新客培育";
    case Track::kWinBack: return "挽回";
    case Track::kNone: break;
  }
  return "无";
}

int WinBackWindowDays(const TrackConfig& config, int horizon_days) {
  return config.winback_days > 0 ? config.winback_days : 2 * horizon_days;
}

Track AssignTrack(const TrackConfig& config, int horizon_days, double recency_days, double tenure_days,
                  double purchase_days_365) {
  if (std::isnan(recency_days)) return Track::kNone;
  if (recency_days > horizon_days)
    return recency_days <= WinBackWindowDays(config, horizon_days) ? Track::kWinBack : Track::kNone;
  // NaN compares false: a missing tenure or day count never makes a customer new.
  const bool one_day = purchase_days_365 <= 1 && tenure_days < 365;
  const bool recent_start = tenure_days < config.new_customer_days;
  return one_day || recent_start ? Track::kOnboard : Track::kRetain;
}

}  // namespace churnwatch
