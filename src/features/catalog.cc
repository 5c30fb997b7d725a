// The feature catalogue, generated from feature_list.h so it always matches the columns.
#include "churnwatch/feature_catalog.h"

#include <array>

#include "features/feature_list.h"

namespace churnwatch {

std::string_view FeatureGroupName(FeatureGroup g) {
  switch (g) {
    case FeatureGroup::kBehaviour: return "behaviour";
    case FeatureGroup::kValue: return "value";
    case FeatureGroup::kEmotion: return "emotion";
  }
  return "?";
}

std::string_view ReasonCategoryKey(ReasonCategory c) {
  switch (c) {
    case ReasonCategory::kPrice: return "price";
    case ReasonCategory::kExperience: return "experience";
    case ReasonCategory::kCompetition: return "competition";
    case ReasonCategory::kNeedShift: return "need_shift";
    case ReasonCategory::kDisengagement: return "disengagement";
    case ReasonCategory::kValueDecline: return "value_decline";
  }
  return "?";
}

namespace {
constexpr std::array<FeatureSpec, features_internal::kNumFeatures> kCatalogue = {{
#define CW_FEATURE_SPEC(id, name, group, unit, reason, def) \
  FeatureSpec{name, FeatureGroup::group, unit, ReasonCategory::reason, def},
    CW_FEATURE_LIST(CW_FEATURE_SPEC)
#undef CW_FEATURE_SPEC
}};
}  // namespace

std::span<const FeatureSpec> FeatureCatalogue() { return kCatalogue; }

const FeatureSpec* FindFeature(std::string_view name) {
  for (const auto& f : kCatalogue)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace churnwatch
