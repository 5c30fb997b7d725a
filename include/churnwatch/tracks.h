#pragma once
/// \file tracks.h
/// Which list a scored customer belongs on. A churn warning needs an established buying
/// pattern to break; a customer who has bought once, or only just started, has none, and
/// a customer already gone past the horizon needs winning back, not keeping:
///   - win-back: the last purchase is more than H days ago and at most `winback_days`
///     (default 2·H) ago, i.e. H < recency_days ≤ window. Checked first.
///   - onboarding ("new"): one purchase day in the look-back year and no purchase before
///     it (purchase_days_365 ≤ 1 and tenure_days < 365), or a first purchase fewer than
///     `new_customer_days` days before the cutoff (tenure_days < new_customer_days).
///     Never a churn warning (never red): ranked by the chance of a second purchase.
///   - retain: everybody else with recency ≤ H, the churn early-warning list.
///   - none: recency beyond the win-back window (or missing).

#include <cstdint>
#include <string_view>

namespace churnwatch {

enum class Track : std::uint8_t { kNone = 0, kRetain, kOnboard, kWinBack };

std::string_view TrackName(Track t);    ///< "none", "retain", "onboard", "winback"
std::string_view TrackNameZh(Track t);  ///< "无", "挽留", "新客培育", "挽回"

struct TrackConfig {
  int new_customer_days = 30;  ///< first purchase fewer than this many days before T → onboarding
  int winback_days = 0;        ///< end of the win-back window in days since the last purchase; 0 = 2·H
};

/// The window end in days: `winback_days`, or 2·H when it is 0.
int WinBackWindowDays(const TrackConfig& config, int horizon_days);

/// The track of one customer from its features at the cutoff (rules in the file comment).
/// NaN recency gives kNone; NaN tenure or purchase days count as "not new".
Track AssignTrack(const TrackConfig& config, int horizon_days, double recency_days, double tenure_days,
                  double purchase_days_365);

}  // namespace churnwatch
