// Webhook bodies (webhook_format.h).
#include "server/webhook_format.h"

#include <openssl/evp.h>
#include <cctype>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "churnwatch/types.h"

namespace churnwatch::server {
namespace {

std::string ZoneZh(const std::string& z) {
  if (z == "red") return "红色";
  if (z == "yellow") return "黄色";
  if (z == "blue") return "蓝色";
  return z;
}

std::string Deadline(UnixSeconds t) { return FormatIsoTimestamp(t).substr(0, 16) + " UTC"; }

std::string Base64(const unsigned char* p, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

std::string UrlEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string ZhText(const AlertMessage& m) {
  const auto& a = m.alert;
  return "### 流失预警 " + ZoneZh(a.zone) + (a.grade.empty() ? "" : " " + a.grade) + "\n" + "> 客户:" + a.customer_id +
         (a.store_id.empty() ? "" : "(门店 " + a.store_id + ")") + "\n" + "> 原因:" +
         (m.reason_zh.empty() ? a.reason : m.reason_zh) + "\n" + "> 建议:" + (m.action_zh.empty() ? a.action : m.action_zh) +
         "\n" + "> 截止:" + Deadline(a.due_at) + "\n" + (m.link.empty() ? "" : "[查看客户 360°](" + m.link + ")");
}

std::string EnText(const AlertMessage& m) {
  const auto& a = m.alert;
  return "*Churn alert: " + a.zone + (a.grade.empty() ? "" : " " + a.grade) + "* customer " + a.customer_id +
         (a.store_id.empty() ? "" : " (store " + a.store_id + ")") + "\nWhy: " + (m.reason_en.empty() ? a.reason : m.reason_en) +
         "\nDo: " + (m.action_en.empty() ? a.action : m.action_en) + "\nBy: " + Deadline(a.due_at) +
         (m.link.empty() ? "" : "\n<" + m.link + "|Open the 360° view>");
}

}  // namespace

std::string RenderWebhookBody(const std::string& format, const AlertMessage& m) {
  if (format == "wecom") return nlohmann::json{{"msgtype", "markdown"}, {"markdown", {{"content", ZhText(m)}}}}.dump();
  if (format == "dingtalk")
    return nlohmann::json{{"msgtype", "markdown"},
                          {"markdown", {{"title", "流失预警 " + m.alert.customer_id}, {"text", ZhText(m)}}}}
        .dump();
  if (format == "slack") return nlohmann::json{{"text", EnText(m)}}.dump();
  const auto& a = m.alert;
  return nlohmann::json{{"event", "churn_alert"},
                        {"alert_id", a.alert_id},
                        {"customer_id", a.customer_id},
                        {"store_id", a.store_id},
                        {"zone", a.zone},
                        {"grade", a.grade},
                        {"kind", a.kind},
                        {"rule", a.rule},
                        {"reason", a.reason},
                        {"reason_en", m.reason_en},
                        {"reason_zh", m.reason_zh},
                        {"action", a.action},
                        {"action_en", m.action_en},
                        {"action_zh", m.action_zh},
                        {"due_at", a.due_at},
                        {"deadline", Deadline(a.due_at)},
                        {"link", m.link}}
      .dump();
}

std::string DingTalkSignedUrl(const std::string& url, const std::string& secret, std::int64_t timestamp_ms) {
  if (secret.empty()) return url;
  const std::string to_sign = std::to_string(timestamp_ms) + "\n" + secret;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(to_sign.data()),
       to_sign.size(), mac, &n);
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "timestamp=" + std::to_string(timestamp_ms) +
         "&sign=" + UrlEncode(Base64(mac, n));
}

}  // namespace churnwatch::server
