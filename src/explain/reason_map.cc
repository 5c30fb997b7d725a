// Feature -> reason category mapping (include/churnwatch/explain.h).
#include <toml++/toml.h>

#include <array>
#include <string>

#include "churnwatch/explain.h"
#include "churnwatch/feature_catalog.h"
#include "churnwatch/toml_keys.h"

namespace churnwatch {
namespace {

/// Name keywords for features outside the catalogue (e.g. one-hot columns of a labelled
/// table), checked in this order; the first match wins.
struct Keyword {
  std::string_view needle;
  ReasonCategory category;
};
constexpr std::array<Keyword, 20> kKeywords = {{
    {"discount", ReasonCategory::kPrice},         {"promo", ReasonCategory::kPrice},
    {"coupon", ReasonCategory::kPrice},           {"price", ReasonCategory::kPrice},
    {"charges", ReasonCategory::kPrice},          {"payment", ReasonCategory::kPrice},
    {"complain", ReasonCategory::kExperience},    {"review", ReasonCategory::kExperience},
    {"support", ReasonCategory::kExperience},     {"service", ReasonCategory::kExperience},
    {"return", ReasonCategory::kExperience},      {"competitor", ReasonCategory::kCompetition},
    {"contract", ReasonCategory::kCompetition},   {"channel", ReasonCategory::kCompetition},
    {"category", ReasonCategory::kNeedShift},     {"recency", ReasonCategory::kDisengagement},
    {"frequency", ReasonCategory::kDisengagement}, {"login", ReasonCategory::kDisengagement},
    {"monetary", ReasonCategory::kValueDecline},  {"aov", ReasonCategory::kValueDecline},
}};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view ReasonKey(ReasonCategory c) { return ReasonCategoryKey(c); }

std::optional<ReasonCategory> ParseReasonKey(std::string_view key) {
  for (int i = 0; i < kReasonCategoryCount; ++i) {
    const auto c = static_cast<ReasonCategory>(i);
    if (ReasonCategoryKey(c) == key) return c;
  }
  return std::nullopt;
}

ReasonMap ReasonMap::Defaults(std::span<const std::string> features) {
  ReasonMap map;
  for (const auto& name : features) {
    if (const FeatureSpec* spec = FindFeature(name)) {
      // Tenure is context, not a reason a retailer can act on.
      map.categories_.push_back(name == "tenure_days" ? std::nullopt : std::optional(spec->reason));
      continue;
    }
    std::optional<ReasonCategory> category;
    const std::string lower = Lower(name);
    for (const auto& k : kKeywords) {
      if (lower.find(k.needle) != std::string::npos) {
        category = k.category;
        break;
      }
    }
    map.categories_.push_back(category);
  }
  return map;
}

Result<ReasonMap> ReasonMap::Load(const std::filesystem::path& path, std::span<const std::string> features) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound(path.string() + ": reason mapping file not found");
  toml::table doc;
  try {
    doc = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(path.string() + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  CW_RETURN_IF_ERROR(config::CheckKeys(doc, path.string(), "", {"reasons"}));
  ReasonMap map = Defaults(features);
  const toml::table* reasons = doc["reasons"].as_table();
  if (reasons == nullptr) return Status::InvalidArgument(path.string() + ": no [reasons] table");
  for (const auto& [key, node] : *reasons) {
    const auto value = node.value<std::string>();
    const int line = static_cast<int>(node.source().begin.line);
    if (!value)
      return Status::InvalidArgument(path.string() + ":" + std::to_string(line) + ": reasons." +
                                     std::string(key.str()) + " must be a string");
    std::optional<ReasonCategory> category;
    if (*value != "none") {
      category = ParseReasonKey(*value);
      if (!category)
        return Status::InvalidArgument(path.string() + ":" + std::to_string(line) + ": reasons." +
                                       std::string(key.str()) + " = \"" + *value +
                                       "\" is not a reason (price, experience, competition, need_shift, "
                                       "disengagement, value_decline, none)");
    }
    for (std::size_t f = 0; f < features.size(); ++f)
      if (features[f] == key.str()) map.categories_[f] = category;
  }
  return map;
}

}  // namespace churnwatch
