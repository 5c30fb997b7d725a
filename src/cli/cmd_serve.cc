// `churnwatch serve` (SPEC.md §14; docs/serve.md): the HTTP API. Thin shell: read the config,
// apply the flags that override it, run the server.
#include <iostream>

#include "churnwatch/server.h"
#include "cli/commands.h"

namespace churnwatch::cli {
namespace {

struct ServeFlags {
  std::string config;
  int port = -1;
  std::string bind;
};

}  // namespace

CommandRun RegisterServe(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("serve", "run the HTTP API (customers, alerts, runs, intake, webhooks) over the store; "
                                          "docs/serve.md");
  AddCommonOptions(sub, common);
  static ServeFlags f;
  sub->add_option("--config", f.config, "serve.toml: bind, port, store, limits, webhooks (examples/serve.toml)");
  sub->add_option("--port", f.port, "TCP port (overrides the config; default 8080, 0 = any free port)");
  sub->add_option("--bind", f.bind, "address to listen on (overrides the config; default 127.0.0.1)");
  return [&common, sub]() -> Status {
    ServeConfig config;
    if (!f.config.empty()) {
      CW_ASSIGN_OR_RETURN(config, LoadServeConfig(f.config));
    }
    if (sub->get_option("--db")->count() > 0 || f.config.empty()) config.db = common.db_url;
    if (f.port != -1) {
      if (f.port < 0 || f.port > 65535) return Status::InvalidArgument("--port " + std::to_string(f.port) + " must be 0..65535");
      config.port = f.port;
    }
    if (!f.bind.empty()) config.bind = f.bind;
    return RunServer(config);
  };
}

}  // namespace churnwatch::cli
