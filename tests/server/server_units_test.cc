// Pieces of the server without a process: serve.toml strictness, the intake decoder's
// per-line verdicts, and the webhook bodies and DingTalk's URL signature.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "churnwatch/server.h"
#include "server/intake_decoder.h"
#include "server/webhook_format.h"
#include "test_helpers.h"

#include <filesystem>

namespace churnwatch {
namespace {

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(ServeConfig, TyposAreErrorsWithFileAndLine) {
  auto ok = ParseServeConfig("[server]\nport = 9000\n[[webhook]]\nname = \"ops\"\nurl = \"https://x/y\"\nformat = \"slack\"\n",
                             "serve.toml");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->port, 9000);
  EXPECT_EQ(ok->bind, "127.0.0.1");  // loopback unless told otherwise
  ASSERT_EQ(ok->webhooks.size(), 1u);
  auto typo = ParseServeConfig("[server]\nprot = 9000\n", "serve.toml");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Has(typo.status().message(), "serve.toml:2")) << typo.status().message();
  EXPECT_TRUE(Has(typo.status().message(), "'prot'")) << typo.status().message();
  auto table = ParseServeConfig("[limitz]\n", "s.toml");
  EXPECT_TRUE(Has(table.status().message(), "limitz"));
  auto range = ParseServeConfig("[server]\nport = 70000\n", "s.toml");
  EXPECT_TRUE(Has(range.status().message(), "s.toml:2")) << range.status().message();
  auto format = ParseServeConfig("[[webhook]]\nname = \"a\"\nurl = \"http://x\"\nformat = \"wechat\"\n", "s.toml");
  EXPECT_TRUE(Has(format.status().message(), "wechat"));
  auto tls = ParseServeConfig("[server]\ntls_cert = \"c.pem\"\n", "s.toml");
  EXPECT_FALSE(tls.ok());
  auto syntax = ParseServeConfig("[server\n", "s.toml");
  EXPECT_TRUE(Has(syntax.status().message(), "s.toml:1")) << syntax.status().message();
}

TEST(IntakeDecoder, OneObjectOrNdjsonWithPerLineVerdicts) {
  auto one = server::DecodeOrders("{\n  \"order_id\": \"O1\",\n  \"customer_id\": \"C1\",\n  \"ts\": \"2011-12-09T12:50:00Z\",\n"
                                  "  \"amount\": -3.5\n}",
                                  100);
  ASSERT_EQ(one.size(), 1u);
  ASSERT_TRUE(one[0].row) << one[0].error;
  EXPECT_EQ(one[0].row->ts, ParseIsoDate("2011-12-09").value() * 86400LL + 12 * 3600 + 50 * 60);
  EXPECT_TRUE(one[0].row->is_return);  // negative amount
  EXPECT_EQ(one[0].row->quantity, 1);
  const std::string nd =
      "{\"order_id\":\"O2\",\"customer_id\":\"C1\",\"ts\":1323435000,\"amount\":5,\"channel\":\"online\"}\n"
      "{\"order_id\":\"O3\",\"customer_id\":\"C1\",\"ts\":\"yesterday\",\"amount\":5}\n"
      "not json\r\n"
      "{\"order_id\":\"O4\",\"ts\":\"2011-12-09\",\"amount\":5}\n"
      "{\"order_id\":\"O5\",\"customer_id\":\"C1\",\"ts\":\"2011-12-09\",\"amount\":5,\"channel\":\"fax\"}\n"
      "[1,2]\n";
  auto lines = server::DecodeOrders(nd, 100);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_TRUE(lines[0].row);
  EXPECT_EQ(lines[0].row->channel, Channel::kOnline);
  EXPECT_TRUE(Has(lines[1].error, "'ts'")) << lines[1].error;
  EXPECT_EQ(lines[2].error, "not valid JSON");
  EXPECT_TRUE(Has(lines[3].error, "'customer_id' is required")) << lines[3].error;
  EXPECT_TRUE(Has(lines[4].error, "fax")) << lines[4].error;
  EXPECT_TRUE(Has(lines[5].error, "object"));
  EXPECT_EQ(lines[5].line, 6);
  auto capped = server::DecodeOrders(nd, 2);
  EXPECT_TRUE(Has(capped[2].error, "more than 2 lines"));
  auto ev = server::DecodeEvents("{\"event_id\":\"E1\",\"customer_id\":\"C1\",\"ts\":\"2011-12-09\",\"type\":\"complaint\"}\n"
                                 "{\"event_id\":\"E2\",\"customer_id\":\"C1\",\"ts\":\"2011-12-09\",\"type\":\"tweet\"}",
                                 100);
  ASSERT_TRUE(ev[0].row);
  EXPECT_EQ(ev[0].row->type, EventType::kComplaint);
  EXPECT_TRUE(Has(ev[1].error, "tweet"));
  // The key is the row's content: the same row posted twice has the same key.
  auto again = server::DecodeOrders(nd, 100);
  EXPECT_EQ(again[0].row->key, lines[0].row->key);
  EXPECT_NE(one[0].row->key, lines[0].row->key);
  EXPECT_FALSE(server::ParseBusinessTime("2011-12-09T25:00:00"));
  EXPECT_FALSE(server::ParseBusinessTime("2011-13-09"));
}

TEST(WebhookFormat, DingTalkSignatureMatchesTheDocumentedAlgorithm) {
  // Expected value computed independently with Python's hmac/base64/urllib for
  // timestamp 1700000000000 and secret "SECtest" (DingTalk custom robot docs: sign =
  // urlencode(base64(HmacSHA256(secret, timestamp + "\n" + secret)))).
  const std::string url = server::DingTalkSignedUrl("https://oapi.dingtalk.com/robot/send?access_token=T", "SECtest",
                                                     1700000000000);
  EXPECT_EQ(url, "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign=aZLLrriXgn05YbwaGR7knYsLeJADjr9NwLaNNKpxh4g%3D");
  EXPECT_EQ(server::DingTalkSignedUrl("https://x/y", "", 5), "https://x/y");
}

TEST(WebhookFormat, EachReceiverGetsItsShapeWithWhatAManagerNeeds) {
  server::AlertMessage m;
  m.alert.alert_id = 7;
  m.alert.customer_id = "C42";
  m.alert.store_id = "S01";
  m.alert.zone = "red";
  m.alert.grade = "R1";
  m.alert.due_at = 1700000000;
  m.reason_en = "No purchase for 95 days.";
  m.reason_zh = "已 95 天未购买。";
  m.action_en = "Call the customer";
  m.action_zh = "致电客户";
  m.link = "https://cw.example/v1/customers/C42";
  const auto wecom = nlohmann::json::parse(server::RenderWebhookBody("wecom", m));
  EXPECT_EQ(wecom["msgtype"], "markdown");
  const std::string w = wecom["markdown"]["content"];
  for (const char* part : {"C42", "红色", "已 95 天未购买。", "致电客户", "2023-11-14 22:13", "https://cw.example/v1/customers/C42"})
    EXPECT_TRUE(Has(w, part)) << part << " in " << w;
  const auto ding = nlohmann::json::parse(server::RenderWebhookBody("dingtalk", m));
  EXPECT_EQ(ding["msgtype"], "markdown");
  EXPECT_TRUE(ding["markdown"].contains("title"));
  EXPECT_TRUE(Has(ding["markdown"]["text"], "C42"));
  const auto slack = nlohmann::json::parse(server::RenderWebhookBody("slack", m));
  const std::string s = slack["text"];
  for (const char* part : {"C42", "red", "No purchase for 95 days.", "Call the customer", "<https://cw.example/v1/customers/C42|"})
    EXPECT_TRUE(Has(s, part)) << part << " in " << s;
  const auto json = nlohmann::json::parse(server::RenderWebhookBody("json", m));
  EXPECT_EQ(json["alert_id"], 7);
  EXPECT_EQ(json["link"], m.link);
}

}  // namespace
}  // namespace churnwatch

namespace churnwatch {
namespace {

// Every fuzz seed and every crasher the fuzzer ever found decodes without crashing and
// gives each line a row or a reason.
TEST(IntakeDecoder, FuzzFixturesDecode) {
  int files = 0;
  for (const char* sub : {"tests/server/fuzz/corpus", "tests/server/fuzz/crashers"}) {
    const auto dir = testing::SourceFile(sub);
    if (!std::filesystem::exists(dir)) continue;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      if (!f.is_regular_file() || f.path().filename() == ".gitkeep") continue;
      ++files;
      const std::string body = testing::ReadFile(f.path());
      for (const auto& o : server::DecodeOrders(body, 1000)) EXPECT_TRUE(o.row || !o.error.empty()) << f.path();
      for (const auto& e : server::DecodeEvents(body, 1000)) EXPECT_TRUE(e.row || !e.error.empty()) << f.path();
    }
  }
  EXPECT_GE(files, 3);
}

}  // namespace
}  // namespace churnwatch
