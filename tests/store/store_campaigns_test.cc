// Checks the campaign tables on both backends: a campaign and its assignments read back
// exactly as written (ordered by customer id), an id is written once, a repeated customer
// or a malformed id is refused with a message naming it, and an unknown id is NotFound.
#include <gtest/gtest.h>

#include "churnwatch/store.h"
#include "store_test_util.h"

namespace churnwatch {
namespace {

class StoreCampaignsTest : public ::testing::TestWithParam<std::string> {};

std::vector<CampaignAssignmentRow> Rows() {
  std::vector<CampaignAssignmentRow> rows;
  rows.push_back({"C2", false, "coupon", "sms", "price", "red", "high", 5.5, ""});
  rows.push_back({"C1", true, "coupon", "sms", "", "yellow", "low", 5.5, ""});
  rows.push_back({"C3", true, "", "", "", "", "", 0, "1,0,12.5"});
  return rows;
}

TEST_P(StoreCampaignsTest, CampaignRoundTripsAndIsWrittenOnce) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = Store::Open(db->url());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const auto rows = Rows();
  ASSERT_TRUE((*s)->CreateCampaign("spring-2026", R"({"name":"spring"})", rows).ok());
  auto spec = (*s)->GetCampaign("spring-2026");
  ASSERT_TRUE(spec.ok());
  ASSERT_TRUE(spec->has_value());
  EXPECT_EQ(**spec, R"({"name":"spring"})");
  auto back = (*s)->ReadCampaignAssignments("spring-2026");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ((*back)[0].customer_id, "C1");
  EXPECT_TRUE((*back)[0].control);
  EXPECT_EQ((*back)[0].cause, "");
  EXPECT_EQ((*back)[1].customer_id, "C2");
  EXPECT_FALSE((*back)[1].control);
  EXPECT_EQ((*back)[1].action, "coupon");
  EXPECT_EQ((*back)[1].channel, "sms");
  EXPECT_EQ((*back)[1].cause, "price");
  EXPECT_EQ((*back)[1].zone, "red");
  EXPECT_EQ((*back)[1].value_tier, "high");
  EXPECT_DOUBLE_EQ((*back)[1].cost, 5.5);
  EXPECT_EQ((*back)[2].observed, "1,0,12.5");

  const Status again = (*s)->CreateCampaign("spring-2026", "{}", rows);
  EXPECT_EQ(again.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(again.message().find("already exists"), std::string::npos) << again.message();
  auto ids = (*s)->ListCampaigns();
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<std::string>{"spring-2026"});
}

TEST_P(StoreCampaignsTest, RefusesRepeatedCustomersBadIdsAndUnknownCampaigns) {
  CW_OPEN_TEST_DATABASE(db, GetParam());
  auto s = Store::Open(db->url());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto rows = Rows();
  rows.push_back(rows[0]);
  const Status dup = (*s)->CreateCampaign("c1", "{}", rows);
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.message().find("'C2' twice"), std::string::npos) << dup.message();
  // Nothing of the refused campaign remains.
  auto spec = (*s)->GetCampaign("c1");
  ASSERT_TRUE(spec.ok());
  EXPECT_FALSE(spec->has_value());

  const Status bad = (*s)->CreateCampaign("a b", "{}", Rows());
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("'a b'"), std::string::npos);

  auto unknown = (*s)->ReadCampaignAssignments("nope");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreCampaignsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace churnwatch
