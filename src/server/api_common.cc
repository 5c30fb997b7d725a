// Shared pieces of the application functions (api.h): the caller's scope, the store pool,
// and request decoding helpers whose errors name the parameter.
#include <algorithm>
#include <charconv>
#include <chrono>

#include "server/api.h"

namespace churnwatch::server {

bool Caller::SeesStore(std::string_view store_id) const {
  if (role != Role::kManager) return true;
  return std::find(stores.begin(), stores.end(), store_id) != stores.end();
}

Result<std::unique_ptr<StorePool>> StorePool::Open(const std::string& url, int size) {
  auto pool = std::make_unique<StorePool>();
  for (int i = 0; i < size; ++i) {
    CW_ASSIGN_OR_RETURN(auto s, Store::Open(url));
    pool->free_.push_back(std::move(s));
  }
  return pool;
}

StorePool::Lease StorePool::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  auto s = std::move(free_.back());
  free_.pop_back();
  return Lease(*this, std::move(s));
}

StorePool::Lease::~Lease() {
  if (!s_) return;
  std::lock_guard lock(pool_.mu_);
  pool_.free_.push_back(std::move(s_));
  pool_.cv_.notify_one();
}

UnixSeconds ServerContext::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<std::int64_t> QueryInt(const ApiRequest& r, const std::string& name, std::int64_t def, std::int64_t lo,
                              std::int64_t hi) {
  const auto it = r.query.find(name);
  if (it == r.query.end() || it->second.empty()) return def;
  std::int64_t v = 0;
  const auto& t = it->second;
  const auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (res.ec != std::errc() || res.ptr != t.data() + t.size() || v < lo || v > hi)
    return Status::InvalidArgument("query parameter " + name + "='" + t + "' must be an integer within " +
                                   std::to_string(lo) + ".." + std::to_string(hi));
  return v;
}

std::string QueryText(const ApiRequest& r, const std::string& name) {
  const auto it = r.query.find(name);
  return it == r.query.end() ? std::string() : it->second;
}

Result<nlohmann::json> BodyObject(const ApiRequest& r) {
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("the body is not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("the body must be a JSON object");
  return j;
}

Result<std::string> TextField(const nlohmann::json& obj, const std::string& name, bool required, std::size_t max_len) {
  const auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    if (required) return Status::InvalidArgument("field '" + name + "' is required");
    return std::string();
  }
  if (!it->is_string()) return Status::InvalidArgument("field '" + name + "' must be a string");
  std::string v = it->get<std::string>();
  if (v.size() > max_len)
    return Status::InvalidArgument("field '" + name + "' is longer than " + std::to_string(max_len) + " bytes");
  return v;
}

nlohmann::json AlertJson(const AlertRecord& a) {
  return {{"alert_id", a.alert_id},     {"customer_id", a.customer_id}, {"store_id", a.store_id},
          {"zone", a.zone},             {"grade", a.grade},             {"kind", a.kind},
          {"rule", a.rule},             {"reason", a.reason},           {"message_en", a.message_en},
          {"message_zh", a.message_zh}, {"action", a.action},           {"state", std::string(AlertStateName(a.state))},
          {"assignee", a.assignee},     {"opened_at", a.opened_at},     {"due_at", a.due_at},
          {"updated_at", a.updated_at}, {"escalations", a.escalations}, {"run_id", a.run_id},
          {"source", a.source},         {"outcome", a.outcome},         {"closed_at", a.closed_at},
          {"closed_by", a.closed_by}};
}

}  // namespace churnwatch::server
