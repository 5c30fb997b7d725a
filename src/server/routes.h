#pragma once
// The route table: method, path pattern ({name} segments), the least role allowed, and the
// application function. Routes hold no logic. docs/openapi.yaml is checked against this
// table by tests/server/openapi_test.cc.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/api.h"

namespace churnwatch::server {

struct Route {
  std::string method;   ///< GET, POST, DELETE
  std::string pattern;  ///< e.g. /v1/alerts/{alert_id}/close
  std::optional<Role> min_role;  ///< nullopt: no key needed (health); roles are ordered viewer < manager < admin
  std::function<ApiResult(ServerContext&, const Caller&, const ApiRequest&)> run;
};

const std::vector<Route>& Routes();

/// Matches `path` against `pattern`, filling {name} parameters; false when it does not fit.
bool MatchRoute(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params);

}  // namespace churnwatch::server
