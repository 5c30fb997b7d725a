// Checks the HTML report on a hand-made ReportData: self-contained (no external resource),
// both languages present for every heading, numbers formatted with separators, text
// escaped, every section and chart present, and the file written where asked.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "churnwatch/report.h"
#include "report_sample.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

std::size_t Count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(Report, NumberFormatting) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
  EXPECT_EQ(FormatCount(-4321), "-4,321");
  EXPECT_EQ(FormatMoney(98765.43, "£"), "£98,765.43");
  EXPECT_EQ(FormatMoney(0.005, ""), "0.01");
  EXPECT_EQ(FormatMoney(-12.5, "$"), "-$12.50");
  EXPECT_EQ(FormatMoney(999.999, ""), "1,000.00");
}

TEST(Report, SelfContainedAndBilingual) {
  const std::string html = RenderHtmlReport(testing::SampleReportData());
  // Nothing is fetched: no external scripts, stylesheets, images or fonts.
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // Every English span has its Chinese twin.
  EXPECT_EQ(Count(html, "<span lang=\"en\">"), Count(html, "<span lang=\"zh\">"));
  EXPECT_EQ(Count(html, "<text lang=\"en\""), Count(html, "<text lang=\"zh\""));
  for (const char* zh : {"预警分级", "流失原因", "价值 × 频次矩阵", "RFM 客群", "模型质量", "高风险客户", "风险金额"})
    EXPECT_NE(html.find(zh), std::string::npos) << zh;
  for (const char* id : {"id=\"zones\"", "id=\"reasons\"", "id=\"matrix\"", "id=\"segments\"", "id=\"quality\"",
                         "id=\"top\"", "id=\"rules\"", "id=\"actions\""})
    EXPECT_NE(html.find(id), std::string::npos) << id;
  EXPECT_GE(Count(html, "<svg"), 8u);  // zones, grades, reasons, matrix, segments, ROC, calibration, lift, ...
}

TEST(Report, KeyNumbersAndEscaping) {
  const std::string html = RenderHtmlReport(testing::SampleReportData());
  EXPECT_NE(html.find(">12,345<"), std::string::npos);       // customers
  EXPECT_NE(html.find(">2,468<"), std::string::npos);        // alerts
  EXPECT_NE(html.find(">£98,765.43<"), std::string::npos);   // money at risk
  EXPECT_NE(html.find("AUC 0.812"), std::string::npos);
  EXPECT_NE(html.find("C-17850"), std::string::npos);
  EXPECT_NE(html.find("sample &lt;data&gt; &amp; co"), std::string::npos);
  EXPECT_EQ(html.find("sample <data>"), std::string::npos);
  // Matrix cells: the counts 10..90 all appear as cell text.
  for (int n = 10; n <= 90; n += 10)
    EXPECT_NE(html.find("class=\"cell\">" + std::to_string(n) + "<"), std::string::npos) << n;
}

TEST(Report, UnavailableModelQualitySaysWhy) {
  ReportData d = testing::SampleReportData();
  d.quality.available = false;
  d.quality.note = {"No labelled test cutoff yet.", "暂无可评估的测试截点。"};
  const std::string html = RenderHtmlReport(d);
  EXPECT_NE(html.find("No labelled test cutoff yet."), std::string::npos);
  EXPECT_NE(html.find("暂无可评估的测试截点。"), std::string::npos);
}

TEST(Report, BgNbdNoteShowsUnderModelQualityOnlyWhenGiven) {
  ReportData d = testing::SampleReportData();
  EXPECT_EQ(RenderHtmlReport(d).find("id=\"bgnbd-note\""), std::string::npos);
  d.bgnbd_note = {"BG/NBD note: the fit sees almost no dropout <1 %.", "BG/NBD 提示：几乎看不到流失。"};
  const std::string html = RenderHtmlReport(d);
  const auto note = html.find("id=\"bgnbd-note\"");
  ASSERT_NE(note, std::string::npos);
  EXPECT_GT(note, html.find("id=\"quality\""));  // inside or after the model quality section
  EXPECT_LT(note, html.find("id=\"rules\""));
  EXPECT_NE(html.find("almost no dropout &lt;1 %."), std::string::npos);
  EXPECT_NE(html.find("几乎看不到流失"), std::string::npos);
}

TEST(Report, WritesTheFileAndReportsIoErrors) {
  testing::TempDir dir;
  const auto path = dir / "nested/report.html";
  ASSERT_TRUE(WriteHtmlReport(testing::SampleReportData(), path).ok());
  EXPECT_EQ(testing::ReadFile(path), RenderHtmlReport(testing::SampleReportData()));
  testing::WriteFile(dir / "file", "x");
  Status s = WriteHtmlReport(testing::SampleReportData(), dir / "file/report.html");
  EXPECT_EQ(s.code(), StatusCode::kIOError);
}

}  // namespace
}  // namespace churnwatch
