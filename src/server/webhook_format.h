#pragma once
// Webhook messages: what a store manager reads on a phone — customer, zone, the reason in
// one sentence, the recommended action, the deadline and a link to the 360° view — in the
// body each receiver expects:
//  - wecom:    企业微信群机器人 {"msgtype":"markdown","markdown":{"content":...}}
//  - dingtalk: 钉钉自定义机器人 {"msgtype":"markdown","markdown":{"title":...,"text":...}};
//              with a secret, the URL gains &timestamp=MS&sign=BASE64(HMAC-SHA256(secret,
//              "MS\nsecret")), URL-encoded, computed at each attempt (DingTalk refuses
//              signatures older than an hour)
//  - slack:    incoming webhook {"text": ...} (mrkdwn)
//  - json:     the alert as one object, for anything else

#include <string>

#include "churnwatch/server.h"
#include "churnwatch/service_store.h"

namespace churnwatch::server {

struct AlertMessage {
  AlertRecord alert;
  std::string reason_en, reason_zh;    ///< the reason sentence
  std::string action_en, action_zh;    ///< the recommended action's label
  std::string link;                    ///< the 360° view
};

/// The request body for `format` ("wecom", "dingtalk", "slack", "json").
std::string RenderWebhookBody(const std::string& format, const AlertMessage& m);

/// DingTalk's signed URL for `url` at `timestamp_ms` (unchanged when `secret` is empty).
std::string DingTalkSignedUrl(const std::string& url, const std::string& secret, std::int64_t timestamp_ms);

}  // namespace churnwatch::server
