// The feature catalogue and docs/features.md agree: every catalogue feature has a table row
// in the doc with the same group, unit, reason category and definition (so the user guide
// never drifts from `churnwatch features --list`).
#include <gtest/gtest.h>

#include <string>

#include "churnwatch/feature_catalog.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

TEST(CatalogueDoc, EveryFeatureIsDocumentedWithItsDefinition) {
  const std::string doc = testing::ReadFile(testing::SourceFile("docs/features.md"));
  ASSERT_FALSE(doc.empty()) << "docs/features.md is missing";
  for (const auto& f : FeatureCatalogue()) {
    std::string definition(f.definition);
    for (std::size_t p = definition.find('|'); p != std::string::npos; p = definition.find('|', p + 2))
      definition.replace(p, 1, "\\|");
    const std::string row = "| `" + std::string(f.name) + "` | " + std::string(FeatureGroupName(f.group)) + " | " +
                            std::string(f.unit) + " | " + std::string(ReasonCategoryKey(f.reason)) + " | " + definition + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/features.md lacks the row\n" << row;
  }
}

}  // namespace
}  // namespace churnwatch
