// docs/openapi.yaml against the server's route table: the same operations (method and path)
// in both directions, and the same least role for each, so the published contract cannot
// drift from what the server does.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

#include "server/routes.h"
#include "test_helpers.h"

namespace churnwatch {
namespace {

TEST(OpenApi, DocumentsExactlyTheRoutesWithTheirRoles) {
  const std::string yaml = testing::ReadFile(testing::SourceFile("docs/openapi.yaml"));
  ASSERT_FALSE(yaml.empty());
  std::map<std::string, std::string> documented;  // "GET /v1/x" -> min role
  std::istringstream in(yaml);
  std::string line, path, op;
  bool in_paths = false;
  const std::regex path_re("^  (/[^:]+):$"), method_re("^    (get|post|delete|put|patch):$"),
      role_re("^      x-min-role: (\\w+)$");
  std::smatch m;
  while (std::getline(in, line)) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (!in_paths) continue;
    if (!line.empty() && line[0] != ' ') break;
    if (std::regex_match(line, m, path_re)) {
      path = m[1];
    } else if (std::regex_match(line, m, method_re)) {
      std::string method = m[1];
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      op = method + " " + path;
      EXPECT_FALSE(documented.count(op)) << op << " documented twice";
      documented[op] = "";
    } else if (std::regex_match(line, m, role_re)) {
      documented[op] = m[1];
    }
  }
  std::map<std::string, std::string> served;
  for (const auto& r : server::Routes())
    served[r.method + " " + r.pattern] = r.min_role ? std::string(RoleName(*r.min_role)) : "none";
  for (const auto& [op_name, role] : served) {
    ASSERT_TRUE(documented.count(op_name)) << op_name << " is served but not in docs/openapi.yaml";
    EXPECT_EQ(documented[op_name], role) << op_name << ": x-min-role";
  }
  for (const auto& [op_name, role] : documented)
    EXPECT_TRUE(served.count(op_name)) << op_name << " is in docs/openapi.yaml but not served";
  EXPECT_EQ(served.size(), 21u);
}

TEST(OpenApi, RoutesMatchPathsAndFillParameters) {
  std::map<std::string, std::string> p;
  EXPECT_TRUE(server::MatchRoute("/v1/alerts/{alert_id}/close", "/v1/alerts/42/close", p));
  EXPECT_EQ(p["alert_id"], "42");
  EXPECT_FALSE(server::MatchRoute("/v1/alerts/{alert_id}/close", "/v1/alerts//close", p));
  EXPECT_FALSE(server::MatchRoute("/v1/alerts/{alert_id}", "/v1/alerts/42/close", p));
  EXPECT_FALSE(server::MatchRoute("/v1/alerts", "/v1/alertsx", p));
}

}  // namespace
}  // namespace churnwatch
