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
  for (const char* zh : {"本报告使用的数据", "今日待办", "优先联系的客户", "预警分级", "首要原因", "价值 × 频次", "客户分群",
                         "模型质量", "风险金额"})
    EXPECT_NE(html.find(zh), std::string::npos) << zh;
  for (const char* id : {"id=\"data-quality\"", "id=\"today\"", "id=\"zones\"", "id=\"reasons\"", "id=\"matrix\"",
                         "id=\"segments\"", "id=\"model\"", "id=\"top\"", "id=\"rules\"", "id=\"actions\"",
                         "id=\"legend\""})
    EXPECT_NE(html.find(id), std::string::npos) << id;
  EXPECT_EQ(Count(html, "<svg"), 3u);  // matrix, ROC, calibration; bars are HTML so their labels wrap
}

TEST(Report, KeyNumbersAndEscaping) {
  const std::string html = RenderHtmlReport(testing::SampleReportData());
  EXPECT_NE(html.find(">12,345<"), std::string::npos);       // customers
  EXPECT_NE(html.find(">2,468<"), std::string::npos);        // alerts
  EXPECT_NE(html.find(">£98,765.43<"), std::string::npos);   // money at risk
  EXPECT_NE(html.find("AUC 0.812"), std::string::npos);
  EXPECT_NE(html.find(">93%<"), std::string::npos);          // chance of leaving as a percent
  EXPECT_NE(html.find("C-17850"), std::string::npos);
  EXPECT_NE(html.find("sample &lt;data&gt; &amp; co"), std::string::npos);
  EXPECT_EQ(html.find("sample <data>"), std::string::npos);
  // Matrix cells: the counts 10..90 all appear as cell text.
  for (int n = 10; n <= 90; n += 10)
    EXPECT_NE(html.find("class=\"cell\">" + std::to_string(n) + "<"), std::string::npos) << n;
}

// Issue 16, "what a manager reads": the data read first, then what to do today, whom to
// contact and what the colours mean; every statistic only in the model section at the end.
TEST(Report, ManagerPageFirstStatisticsInTheModelSection) {
  const std::string html = RenderHtmlReport(testing::SampleReportData());
  const auto pos = [&](const char* id) { return html.find(std::string("<section id=\"") + id + "\""); };
  ASSERT_NE(pos("data-quality"), std::string::npos);
  EXPECT_EQ(html.find("<section"), pos("data-quality"));
  EXPECT_LT(pos("data-quality"), pos("today"));
  EXPECT_LT(pos("today"), pos("top"));
  EXPECT_LT(pos("top"), pos("zones"));
  EXPECT_LT(pos("zones"), pos("model"));
  EXPECT_EQ(html.find("<section", pos("model") + 1), std::string::npos);  // the model section is last
  const std::string before_model = html.substr(0, pos("model"));
  for (const char* stat : {"p̄", "p_churn", "PR-AUC", "ROC-AUC", "Brier", "ECE", "a/(a+b)", "P(alive)", "BG/NBD"})
    EXPECT_EQ(before_model.find(stat), std::string::npos) << stat << " before the model section";
  for (const char* stat : {"PR-AUC", "Brier", "ECE"}) EXPECT_NE(html.find(stat, pos("model")), std::string::npos) << stat;
  // What to do, why, what it is worth: the lead sentence quotes the run's own numbers.
  const auto lead = html.find("id=\"today-lead\"");
  ASSERT_NE(lead, std::string::npos);
  const std::string today = html.substr(lead, html.find("</p>", lead) - lead);
  for (const char* n : {"321", "£9,876.50", "£10,000.00", "£4,321.09", "£98,765.43"})
    EXPECT_NE(today.find(n), std::string::npos) << n;
}

TEST(Report, LegendSaysWhatEachZoneAndGradeMeansWithTheConfiguredThresholds) {
  ReportData d = testing::SampleReportData();
  d.zone_config.red_min_p = 0.8;
  d.zone_config.yellow_split_p = 0.6;
  d.zone_config.blue_min_recency_days = 45;
  d.zone_config.red_sla_hours = 12;
  const std::string html = RenderHtmlReport(d);
  const auto begin = html.find("id=\"legend\"");
  ASSERT_NE(begin, std::string::npos);
  const std::string legend = html.substr(begin, html.find("</dl>", begin) - begin);
  for (const char* term : {"R1 R2 R3", "Y1", "Y2", "Y3", "Y4", "B1 B2", ">red<", ">yellow<", ">blue<", ">none<", "红色"})
    EXPECT_NE(legend.find(term), std::string::npos) << term;
  EXPECT_NE(legend.find("chance of leaving 80% or more"), std::string::npos);
  EXPECT_NE(legend.find("within 12 hours"), std::string::npos);
  EXPECT_NE(legend.find("silent for 45 days"), std::string::npos);
  EXPECT_NE(legend.find("低于 60%"), std::string::npos);
}

TEST(Report, GradesAreShownInTheGivenOrderAndLongLabelsAreNotSvgText) {
  const std::string html = RenderHtmlReport(testing::SampleReportData());
  const auto grades = html.find("id=\"grades\"");
  ASSERT_NE(grades, std::string::npos);
  std::size_t last = grades;
  for (const char* g : {">R1<", ">R2<", ">Y3<", ">Y4<", ">B1<", ">B2<"}) {
    const auto at = html.find(g, grades);
    ASSERT_NE(at, std::string::npos) << g;
    EXPECT_GT(at, last) << g;
    last = at;
  }
  // The label that SVG cut to "ology, compensation and service fix" is HTML text now.
  const auto label = html.find("Service recovery: apology, compensation and service fix");
  ASSERT_NE(label, std::string::npos);
  EXPECT_EQ(html.rfind("<text", label), html.rfind("<text", html.find("id=\"actions\"")));
}

TEST(Report, DataQualitySectionShowsWhatTheRunRead) {
  ReportData d = testing::SampleReportData();
  std::string html = RenderHtmlReport(d);
  const auto begin = html.find("id=\"data-quality\"");
  ASSERT_NE(begin, std::string::npos);
  std::string dq = html.substr(begin, html.find("</section>", begin) - begin);
  for (const char* n : {">38,776<", ">17,813<", "20,780 (54%)", ">20,771<", ">9<", ">183<", ">374<", "bad_number",
                        "amount or number not readable", "金额或数字无法识别", "cancelled_orders", "till_2024.csv.rejects.csv",
                        "4,321"})
    EXPECT_NE(dq.find(n), std::string::npos) << n;
  EXPECT_NE(dq.find("id=\"dq-warning\""), std::string::npos);  // 54% rejected

  d.data_quality.rows_rejected = 40;  // 0.1 %: no warning
  html = RenderHtmlReport(d);
  EXPECT_EQ(html.find("id=\"dq-warning\""), std::string::npos);

  d.data_quality = {};
  d.data_quality.store_customers = 12;
  d.data_quality.store_transactions = 345;
  html = RenderHtmlReport(d);
  EXPECT_NE(html.find("This run loaded no new files"), std::string::npos);
  EXPECT_NE(html.find("345 purchase lines of 12 customers"), std::string::npos);
}

TEST(Report, NamesAndCodesAreMarkedAsNotTranslated) {
  const std::string html = RenderHtmlReport(testing::SampleReportData());
  for (const char* code : {"C-17850", "MEMBER-2024-0000012345678", "22423 REGENCY CAKESTAND 3 TIER", "repeated_complaints",
                           "m-test-1", "bad_number", "cancelled_orders"})
    EXPECT_NE(html.find(std::string("translate=\"no\">") + code), std::string::npos) << code;
  EXPECT_NE(html.find("90 天内投诉两次及以上"), std::string::npos);  // the rule's message, not only its name
}

TEST(Report, CurrencyIsEscapedEverywhere) {
  ReportData d = testing::SampleReportData();
  d.currency = "<i>";
  const std::string html = RenderHtmlReport(d);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("&lt;i&gt;98,765.43"), std::string::npos);
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
  EXPECT_GT(note, html.find("id=\"model\""));  // in the model section, the last one
  EXPECT_EQ(html.find("<section", note), std::string::npos);
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
