#pragma once
/// Shared test helpers (STYLE.md §13): temp directories, the shared data sets, and seeded
/// synthetic customers, transactions and events.

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "churnwatch/data_model.h"

namespace churnwatch::testing {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Path of a file under the project's shared data sets (`../shared/data/<relative>` beside
/// the source tree, or `$CHURNWATCH_SHARED_DATA/<relative>`), or nullopt if absent. A
/// user's clone has no shared data, so tests that need it skip with a clear message.
std::optional<std::filesystem::path> SharedDataFile(const std::string& relative);

/// Path inside the source tree (examples/, tests/fixtures/ ...).
std::filesystem::path SourceFile(const std::string& relative);

/// Writes `text` to `path` (creating parent directories); fails the test on error.
void WriteFile(const std::filesystem::path& path, const std::string& text);
std::string ReadFile(const std::filesystem::path& path);

/// Seeded synthetic retail data: deterministic for a seed, plausible shapes (repeat buyers
/// with their own purchase rate, some who stop buying, returns, discounts, channels,
/// categories, events such as logins, complaints and reviews).
struct SyntheticRetail {
  std::vector<Transaction> transactions;  ///< sorted by ts
  std::vector<Customer> customers;
  std::vector<Event> events;
};
struct SyntheticOptions {
  std::uint64_t seed = 42;
  int customers = 1000;
  DayNumber first_day = 14975;  ///< 2011-01-01
  int days = 365;
  bool with_events = true;
};
SyntheticRetail MakeSyntheticRetail(const SyntheticOptions& options);

}  // namespace churnwatch::testing

/// Skips the current test when a shared data file is missing, saying which and why.
#define CW_REQUIRE_SHARED_DATA(var, relative)                                                      \
  auto var##_opt = ::churnwatch::testing::SharedDataFile(relative);                                \
  if (!var##_opt) GTEST_SKIP() << "shared data set " << (relative)                                 \
                               << " not found (tests read ../shared/data beside the clone, or "     \
                                  "$CHURNWATCH_SHARED_DATA); skipping";                            \
  const std::filesystem::path var = *var##_opt
