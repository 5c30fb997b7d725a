// Customer routes: the searchable list and the 360° view (api.h), plus the dashboard's KPIs
// and model figures, which summarise the same state.
#include <algorithm>
#include <cmath>

#include "churnwatch/playbook.h"
#include "churnwatch/policy.h"
#include "server/api.h"

namespace churnwatch::server {
namespace {

nlohmann::json Num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

// Personal fields are pseudonymised at ingest already; viewers do not even see the
// pseudonyms or the demographic fields.
nlohmann::json ProfileJson(const std::optional<Customer>& c, bool masked) {
  if (!c) return nullptr;
  auto hidden = [&](const std::string& v) -> nlohmann::json {
    if (v.empty()) return nullptr;
    return masked ? nlohmann::json("***") : nlohmann::json(v);
  };
  return {{"member_tier", c->member_tier},
          {"region", c->region},
          {"status", c->status},
          {"joined_at", c->joined_at ? nlohmann::json(FormatIsoDate(*c->joined_at)) : nlohmann::json(nullptr)},
          {"birth_year", masked || c->birth_year == 0 ? nlohmann::json(nullptr) : nlohmann::json(c->birth_year)},
          {"gender", hidden(c->gender)},
          {"phone_hash", hidden(c->phone_hash)},
          {"email_hash", hidden(c->email_hash)},
          {"name_hash", hidden(c->name_hash)},
          {"masked", masked}};
}

}  // namespace

ApiResult Health(ServerContext& ctx) {
  ApiResponse r;
  r.body = {{"status", "ok"},
            {"customers", ctx.book.size()},
            {"model_version", ctx.book.model_version()},
            {"as_of", FormatIsoDate(ctx.book.as_of())}};
  return r;
}

ApiResult ListCustomers(ServerContext& ctx, const Caller& who, const ApiRequest& req) {
  CW_ASSIGN_OR_RETURN(const std::int64_t limit, QueryInt(req, "limit", 50, 1, 1000));
  CW_ASSIGN_OR_RETURN(const std::int64_t offset, QueryInt(req, "offset", 0, 0, std::int64_t{1} << 40));
  const std::string zone = QueryText(req, "zone"), store = QueryText(req, "store"), segment = QueryText(req, "segment"),
                    reason = QueryText(req, "reason"), q = QueryText(req, "q");
  if (!zone.empty() && zone != "red" && zone != "yellow" && zone != "blue" && zone != "none")
    return Status::InvalidArgument("query parameter zone='" + zone + "' must be red, yellow, blue or none");
  if (!store.empty() && !who.SeesStore(store))
    return Status::PermissionDenied("store " + store + " is not one of this key's stores");
  std::vector<CustomerSummary> rows;
  ctx.book.ForEach([&](const CustomerSummary& s) {
    if (!who.SeesStore(s.store_id)) return;
    if (!zone.empty() && s.zone != zone) return;
    if (!store.empty() && s.store_id != store) return;
    if (!segment.empty() && s.segment != segment) return;
    if (!reason.empty() && s.reason != reason) return;
    if (!q.empty() && !s.customer_id.starts_with(q)) return;
    rows.push_back(s);
  });
  std::stable_sort(rows.begin(), rows.end(), [](const CustomerSummary& a, const CustomerSummary& b) {
    return (std::isnan(a.p_churn) ? -1 : a.p_churn) > (std::isnan(b.p_churn) ? -1 : b.p_churn);
  });
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = static_cast<std::size_t>(offset); i < rows.size() && items.size() < static_cast<std::size_t>(limit);
       ++i) {
    const auto& s = rows[i];
    items.push_back({{"customer_id", s.customer_id}, {"store_id", s.store_id}, {"zone", s.zone},
                     {"grade", s.grade},             {"segment", s.segment},   {"reason", s.reason},
                     {"p_churn", Num(s.p_churn)},    {"clv", Num(s.clv)}});
  }
  ApiResponse r;
  r.body = {{"total", rows.size()}, {"offset", offset}, {"limit", limit}, {"items", std::move(items)}};
  return r;
}

ApiResult CustomerView(ServerContext& ctx, const Caller& who, const std::string& customer_id) {
  auto entry = ctx.book.Find(customer_id);
  if (!entry) return Status::NotFound("customer " + customer_id + " does not exist");
  if (!who.SeesStore(entry->home_store))
    return Status::PermissionDenied("customer " + customer_id + " belongs to a store outside this key's stores");
  ApiResponse r;
  r.audit_customer = customer_id;
  nlohmann::json j = {{"customer_id", customer_id},
                      {"store_id", entry->home_store},
                      {"profile", ProfileJson(entry->history.profile, who.Masked())}};
  const auto& names = ctx.book.feature_names();
  if (entry->score && entry->score->eligible) {
    const CustomerScore& s = *entry->score;
    const auto medians = ctx.book.SegmentMedians(s.segment.segment);
    nlohmann::json feats = nlohmann::json::array();
    for (std::size_t f = 0; f < names.size() && f < s.features.size(); ++f)
      feats.push_back({{"name", names[f]}, {"value", Num(s.features[f])}, {"segment_median", Num(medians[f])}});
    j["as_of"] = FormatIsoDate(s.as_of);
    j["features"] = std::move(feats);
    j["score"] = {{"p_churn", Num(s.scored.p_churn)},
                  {"expected_days_to_churn", Num(s.scored.expected_days_to_churn)},
                  {"p_alive", Num(s.scored.p_alive)},
                  {"clv", Num(s.scored.clv)},
                  {"value_tier", std::string(TierName(s.segment.value_tier))},
                  {"frequency_tier", std::string(TierName(s.segment.frequency_tier))},
                  {"segment", std::string(RfmSegmentName(s.segment.segment))},
                  {"lifecycle_stage", std::string(LifecycleStageName(s.segment.lifecycle))},
                  {"zone", std::string(ZoneName(s.zone.zone))},
                  {"grade", s.zone.grade},
                  {"model_version", s.scored.model_version}};
    nlohmann::json reasons = nlohmann::json::array();
    for (int k = 0; k < s.scored.reason_count; ++k) {
      const Reason& rs = s.scored.reasons[static_cast<std::size_t>(k)];
      reasons.push_back({{"reason", std::string(PlaybookReasonKey(rs.category))},
                         {"feature", rs.top_feature},
                         {"contribution", Num(rs.contribution)},
                         {"sentence_en", rs.sentence_en},
                         {"sentence_zh", rs.sentence_zh}});
    }
    j["reasons"] = std::move(reasons);
    if (s.action && !s.action->action.empty())
      j["recommended_action"] = {{"action", s.action->action},
                                 {"label_en", s.action->action_label_en},
                                 {"label_zh", s.action->action_label_zh},
                                 {"channel", s.action->channel},
                                 {"cost", Num(s.action->cost)},
                                 {"expected_benefit", Num(s.action->expected_benefit)},
                                 {"deadline", FormatIsoTimestamp(s.action->deadline)}};
    else
      j["recommended_action"] = nullptr;
  } else {
    j["as_of"] = nullptr;
    j["features"] = nlohmann::json::array();
    j["score"] = nullptr;
    j["reasons"] = nlohmann::json::array();
    j["recommended_action"] = nullptr;
  }
  // Timeline, newest first: purchases and returns, events, and the alert log.
  struct Item {
    std::int64_t ts;
    nlohmann::json j;
  };
  std::vector<Item> items;
  for (const auto& t : entry->history.transactions)
    items.push_back({t.ts,
                     {{"at", FormatIsoTimestamp(t.ts)},
                      {"type", t.is_return ? "return" : "purchase"},
                      {"order_id", t.order_id},
                      {"amount", Num(t.amount)},
                      {"store_id", t.store_id},
                      {"category", t.category}}});
  for (const auto& e : entry->history.events)
    items.push_back({e.ts,
                     {{"at", FormatIsoTimestamp(e.ts)},
                      {"type", std::string(EventTypeName(e.type))},
                      {"value", Num(e.value)},
                      {"text", who.Masked() ? std::string() : e.text}}});
  {
    auto store = ctx.stores.Acquire();
    CW_ASSIGN_OR_RETURN(auto log, AlertLogOfCustomer(*store, customer_id));
    for (const auto& l : log)
      items.push_back({l.at / kSecondsPerDay * kSecondsPerDay,
                       {{"at_unix", l.at},
                        {"type", "alert_" + l.what},
                        {"alert_id", l.alert_id},
                        {"actor", l.actor},
                        {"detail", l.detail}}});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.ts > b.ts; });
  nlohmann::json timeline = nlohmann::json::array();
  for (std::size_t i = 0; i < items.size() && i < 200; ++i) timeline.push_back(std::move(items[i].j));
  j["timeline"] = std::move(timeline);
  j["timeline_total"] = items.size();
  r.body = std::move(j);
  return r;
}

ApiResult Kpis(ServerContext& ctx, const Caller& who) {
  std::int64_t customers = 0, scored = 0, red = 0, yellow = 0, blue = 0;
  double at_risk = 0, p_sum = 0;
  ctx.book.ForEach([&](const CustomerSummary& s) {
    if (!who.SeesStore(s.store_id)) return;
    ++customers;
    if (s.segment.empty()) return;
    ++scored;
    p_sum += std::isnan(s.p_churn) ? 0 : s.p_churn;
    if (s.zone == "red") ++red;
    if (s.zone == "yellow") ++yellow;
    if (s.zone == "blue") ++blue;
    if ((s.zone == "red" || s.zone == "yellow") && std::isfinite(s.p_churn) && std::isfinite(s.clv))
      at_risk += s.p_churn * s.clv;
  });
  AlertFilter f;
  f.include_closed = true;
  f.limit = 1'000'000;
  f.stores = who.role == Role::kManager ? who.stores : std::vector<std::string>{};
  std::vector<AlertRecord> alerts;
  {
    auto store = ctx.stores.Acquire();
    CW_ASSIGN_OR_RETURN(alerts, ListAlerts(*store, f));
  }
  const UnixSeconds now = ctx.Now();
  std::int64_t open = 0, overdue = 0, closed = 0, won = 0;
  for (const auto& a : alerts) {
    if (a.state == AlertState::kClosed) {
      ++closed;
      if (a.outcome == "won_back") ++won;
    } else {
      ++open;
      if (a.due_at < now) ++overdue;
    }
  }
  ApiResponse r;
  r.body = {{"customers", customers},
            {"scored_customers", scored},
            {"mean_p_churn", scored ? nlohmann::json(p_sum / static_cast<double>(scored)) : nlohmann::json(nullptr)},
            {"zones", {{"red", red}, {"yellow", yellow}, {"blue", blue}}},
            {"revenue_at_risk", at_risk},
            {"alerts", {{"open", open}, {"overdue", overdue}, {"closed", closed}, {"won_back", won}}},
            {"win_back_rate", closed ? nlohmann::json(static_cast<double>(won) / static_cast<double>(closed))
                                     : nlohmann::json(nullptr)},
            {"as_of", FormatIsoDate(ctx.book.as_of())}};
  return r;
}

ApiResult ModelFigures(ServerContext& ctx) {
  const std::string version = ctx.book.model_version();
  if (version.empty()) return Status::NotFound("no champion model: train one with churnwatch train");
  auto store = ctx.stores.Acquire();
  CW_ASSIGN_OR_RETURN(auto doc, store->GetDocument("models", version));
  ApiResponse r;
  nlohmann::json model = doc ? nlohmann::json::parse(*doc, nullptr, false) : nlohmann::json(nullptr);
  if (model.is_discarded()) model = nullptr;
  r.body = {{"champion", version}, {"model", std::move(model)}};
  return r;
}

}  // namespace churnwatch::server
