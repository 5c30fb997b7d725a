// `churnwatch keys create|list|revoke`: API keys for `churnwatch serve` (docs/serve.md).
// The key itself is printed once, at creation; the store keeps only its SHA-256.
#include <chrono>
#include <iostream>

#include "churnwatch/service_store.h"
#include "churnwatch/store.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct KeysOptions {
  std::string action, key_id, role, stores, label;
};

UnixSeconds Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::vector<std::string> SplitList(const std::string& csv) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= csv.size() && !csv.empty()) {
    std::size_t end = csv.find(',', start);
    if (end == std::string::npos) end = csv.size();
    out.push_back(csv.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

nlohmann::json KeyJson(const ApiKeyRecord& k) {
  return {{"key_id", k.key_id},         {"role", std::string(RoleName(k.role))}, {"stores", k.stores},
          {"label", k.label},           {"created_at", k.created_at},            {"revoked", k.revoked_at != 0}};
}

}  // namespace

CommandRun RegisterKeys(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("keys", "manage the API keys of churnwatch serve: keys create --role viewer|manager|admin "
                                         "[--stores A,B] [--label TEXT], keys list, keys revoke KEY_ID");
  AddCommonOptions(sub, common);
  static KeysOptions o;
  sub->add_option("action", o.action, "create, list or revoke")->required()->check(CLI::IsMember({"create", "list", "revoke"}));
  sub->add_option("key_id", o.key_id, "the key id to revoke (keys list shows them)");
  sub->add_option("--role", o.role, "viewer (masked personal data), manager (own stores only) or admin");
  sub->add_option("--stores", o.stores, "comma-separated store ids a manager key may see");
  sub->add_option("--label", o.label, "a note shown by keys list (whose key it is)");
  return [&common]() -> Status {
    CW_ASSIGN_OR_RETURN(auto store, Store::Open(common.db_url));
    if (o.action == "create") {
      if (!o.key_id.empty()) return Status::InvalidArgument("keys create takes no key id (did you mean keys revoke?)");
      const auto role = ParseRole(o.role);
      if (!role) return Status::InvalidArgument("--role '" + o.role + "' must be viewer, manager or admin");
      CW_ASSIGN_OR_RETURN(NewApiKey key, CreateApiKey(*store, *role, SplitList(o.stores), o.label, Now()));
      if (common.json) {
        nlohmann::json j = KeyJson(key.record);
        j["key"] = key.secret;
        CW_RETURN_IF_ERROR(PrintJson(j));
      } else {
        std::cout << "created " << RoleName(key.record.role) << " key " << key.record.key_id << "\n"
                  << key.secret << "\n"
                  << "(shown once: only its SHA-256 is stored; send it as the header 'Authorization: Bearer KEY')\n";
      }
      return Status::OK();
    }
    if (!o.role.empty() || !o.stores.empty() || !o.label.empty())
      return Status::InvalidArgument("--role, --stores and --label belong to keys create");
    if (o.action == "list") {
      CW_ASSIGN_OR_RETURN(auto keys, ListApiKeys(*store));
      if (common.json) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& k : keys) arr.push_back(KeyJson(k));
        CW_RETURN_IF_ERROR(PrintJson({{"keys", arr}}));
      } else {
        for (const auto& k : keys) {
          std::string stores;
          for (const auto& s : k.stores) stores += (stores.empty() ? "" : ",") + s;
          std::cout << k.key_id << "  " << RoleName(k.role) << "  stores=" << (stores.empty() ? "*" : stores) << "  "
                    << (k.revoked_at ? "revoked" : "active") << "  " << k.label << "\n";
        }
      }
      return Status::OK();
    }
    if (o.key_id.empty()) return Status::InvalidArgument("keys revoke needs the key id (keys list shows them)");
    CW_RETURN_IF_ERROR(RevokeApiKey(*store, o.key_id, Now()));
    if (common.json)
      CW_RETURN_IF_ERROR(PrintJson({{"key_id", o.key_id}, {"revoked", true}}));
    else
      std::cout << "revoked " << o.key_id << "\n";
    return Status::OK();
  };
}

}  // namespace churnwatch::cli
