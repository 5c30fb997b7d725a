// Checks zone and grade assignment at every boundary of the default thresholds
// (docs/policy.md), the precedence of blue (lapsed) over red/yellow, missing inputs, and
// SLA deadlines per zone.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "churnwatch/policy.h"

namespace churnwatch {
namespace {

std::string Grade(double p, const char* tier, double recency = 10) {
  ZoneConfig c;
  auto z = AssignZone(c, p, tier, recency);
  return std::string(ZoneName(z.zone)) + ":" + z.grade;
}

TEST(Zones, RedBoundaryAndGradesByValueTier) {
  EXPECT_EQ(Grade(0.7, "high"), "red:R1");
  EXPECT_EQ(Grade(0.7, "mid"), "red:R2");
  EXPECT_EQ(Grade(0.7, "low"), "red:R3");
  EXPECT_EQ(Grade(1.0, "high"), "red:R1");
  EXPECT_EQ(Grade(std::nextafter(0.7, 0.0), "high"), "yellow:Y1");  // just below red
}

TEST(Zones, YellowBandsAndGrades) {
  // Upper band [0.55, 0.7), lower band [0.4, 0.55).
  EXPECT_EQ(Grade(0.55, "high"), "yellow:Y1");
  EXPECT_EQ(Grade(0.5499, "high"), "yellow:Y2");
  EXPECT_EQ(Grade(0.69, "mid"), "yellow:Y2");
  EXPECT_EQ(Grade(0.54, "mid"), "yellow:Y3");
  EXPECT_EQ(Grade(0.60, "low"), "yellow:Y3");
  EXPECT_EQ(Grade(0.4, "low"), "yellow:Y4");
  EXPECT_EQ(Grade(0.4, "high"), "yellow:Y2");
}

TEST(Zones, BelowYellowIsNone) {
  EXPECT_EQ(Grade(std::nextafter(0.4, 0.0), "high"), "none:");
  EXPECT_EQ(Grade(0.0, "low"), "none:");
  EXPECT_EQ(Grade(std::nan(""), "high"), "none:");  // unscored and not lapsed
}

TEST(Zones, BlueForLapsedCustomersTakesPrecedence) {
  EXPECT_EQ(Grade(0.9, "high", 60), "blue:B1");
  EXPECT_EQ(Grade(0.1, "mid", 60), "blue:B2");
  EXPECT_EQ(Grade(0.5, "low", 200), "blue:B2");
  EXPECT_EQ(Grade(std::nan(""), "high", 61), "blue:B1");
  EXPECT_EQ(Grade(0.9, "high", 59.99), "red:R1");          // one step before the boundary
  EXPECT_EQ(Grade(0.9, "high", std::nan("")), "red:R1");   // unknown recency is not lapsed
}

TEST(Zones, UnknownTierIsTreatedAsLow) {
  EXPECT_EQ(ValueTierIndex("high"), 0);
  EXPECT_EQ(ValueTierIndex("mid"), 1);
  EXPECT_EQ(ValueTierIndex("low"), 2);
  EXPECT_EQ(ValueTierIndex(""), 2);
  EXPECT_EQ(Grade(0.8, ""), "red:R3");
}

TEST(Zones, ConfiguredThresholdsMoveTheBoundaries) {
  ZoneConfig c;
  c.red_min_p = 0.5;
  c.yellow_min_p = 0.2;
  c.yellow_split_p = 0.3;
  c.blue_min_recency_days = 1000;
  EXPECT_EQ(AssignZone(c, 0.5, "mid", 500).grade, "R2");
  EXPECT_EQ(AssignZone(c, 0.3, "mid", 500).grade, "Y2");
  EXPECT_EQ(AssignZone(c, 0.29, "mid", 500).grade, "Y3");
  EXPECT_EQ(AssignZone(c, 0.19, "mid", 500).zone, Zone::kNone);
}

TEST(Zones, SlaDeadlines) {
  ZoneConfig c;
  const Timestamp t0 = 1'000'000;
  EXPECT_EQ(SlaDeadline(c, Zone::kRed, t0), t0 + 24 * 3600);
  EXPECT_EQ(SlaDeadline(c, Zone::kYellow, t0), t0 + 72 * 3600);
  EXPECT_EQ(SlaDeadline(c, Zone::kBlue, t0), t0 + 7 * 24 * 3600);
  c.red_sla_hours = 4;
  EXPECT_EQ(SlaDeadline(c, Zone::kRed, t0), t0 + 4 * 3600);
  EXPECT_EQ(ZoneName(Zone::kYellow), "yellow");
  EXPECT_EQ(ZoneNameZh(Zone::kRed), "红");
}

}  // namespace
}  // namespace churnwatch
