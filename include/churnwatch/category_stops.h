#pragma once
/// \file category_stops.h
/// Need-shift evidence read per category from one customer's purchase history: a main
/// category the customer bought regularly and then stopped, while other categories go on
/// ("stopped buying cat food in March after 14 months; still buys litter").
///
/// A category has stopped at cutoff T when, over the purchases dated in [T − lookback, T):
///   - it was bought on at least `min_days` distinct days (an established habit);
///   - its last purchase is at least max(`min_quiet_days`, `gap_multiple` × its mean gap
///     between purchase days) before T; and
///   - the customer bought another category on a later day than that last purchase (the
///     customer is still buying, just not this).
/// Among stopped categories the one with the largest share of the customer's spend in the
/// window is reported. Reads only rows dated before T. Pure function; thread-safe.

#include <cstdint>
#include <optional>

#include "churnwatch/features.h"

namespace churnwatch {

struct CategoryStopOptions {
  int lookback_days = 365;
  int min_days = 3;
  int min_quiet_days = 30;
  double gap_multiple = 2.0;
};

struct CategoryStop {
  std::uint32_t category = 0;     ///< dictionary code (RetailColumns::categories[code − 1])
  DayNumber first_day = 0;        ///< first purchase of it in the window
  DayNumber last_day = 0;         ///< last purchase of it
  int purchase_days = 0;          ///< distinct days it was bought
  double spend_share = 0;         ///< its share of the customer's purchase amount in the window
  std::uint32_t still_bought = 0; ///< the category bought most recently after `last_day`
};

std::optional<CategoryStop> FindCategoryStop(const RetailColumns& columns, CustomerIdx customer, DayNumber cutoff,
                                             const CategoryStopOptions& options = {});

}  // namespace churnwatch
