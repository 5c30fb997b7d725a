// Checks the error vocabulary: each code maps to a distinct exit code and HTTP status,
// and Result/CW_ASSIGN_OR_RETURN propagate failures.
#include <gtest/gtest.h>

#include <set>

#include "churnwatch/status.h"

namespace churnwatch {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd number " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  CW_ASSIGN_OR_RETURN(int h, Half(x));
  CW_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Status, CodesMapToDistinctExitCodes) {
  std::set<int> exits;
  for (auto c : {StatusCode::kInvalidArgument, StatusCode::kNotFound, StatusCode::kDataError, StatusCode::kIOError,
                 StatusCode::kUnavailable, StatusCode::kPermissionDenied, StatusCode::kInternal,
                 StatusCode::kConflict}) {
    EXPECT_NE(ExitCodeFor(c), 0);
    exits.insert(ExitCodeFor(c));
  }
  EXPECT_EQ(exits.size(), 8u);
  EXPECT_EQ(HttpStatusFor(StatusCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnavailable), 503);
}

TEST(Status, ResultPropagatesTheFirstFailure) {
  EXPECT_EQ(*Quarter(12), 3);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "odd number 3");
  EXPECT_EQ(r.status().WithContext("quarter").ToString(), "invalid_argument: quarter: odd number 3");
}

}  // namespace
}  // namespace churnwatch
