// serve.toml (server.h): strict, like every config here — a typo is an error naming the
// file, the line and the key, never a silently ignored setting.
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "churnwatch/server.h"

namespace churnwatch {
namespace {

class ConfigReader {
 public:
  explicit ConfigReader(std::string source) : source_(std::move(source)) {}

  Status Error(const toml::node& n, const std::string& what) const {
    return Status::InvalidArgument(source_ + ":" + std::to_string(n.source().begin.line) + ": " + what);
  }

  /// Unknown keys of a table are errors listing the known ones.
  Status OnlyKeys(const toml::table& t, std::string_view where, const std::set<std::string_view>& known) const {
    for (const auto& [k, v] : t) {
      if (known.count(k.str())) continue;
      std::string list;
      for (auto n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      return Error(v, "unknown key '" + std::string(k.str()) + "' in " + std::string(where) + " (known: " + list + ")");
    }
    return Status::OK();
  }

  Status Text(const toml::table& t, std::string_view where, std::string_view key, std::string& out) const {
    const toml::node* n = t.get(key);
    if (!n) return Status::OK();
    if (!n->is_string()) return Error(*n, std::string(where) + " " + std::string(key) + " must be a string");
    out = n->as_string()->get();
    return Status::OK();
  }

  Status Int(const toml::table& t, std::string_view where, std::string_view key, std::int64_t lo, std::int64_t hi,
             std::int64_t& out) const {
    const toml::node* n = t.get(key);
    if (!n) return Status::OK();
    if (!n->is_integer()) return Error(*n, std::string(where) + " " + std::string(key) + " must be an integer");
    const std::int64_t v = n->as_integer()->get();
    if (v < lo || v > hi)
      return Error(*n, std::string(where) + " " + std::string(key) + " = " + std::to_string(v) + " must be within " +
                           std::to_string(lo) + ".." + std::to_string(hi));
    out = v;
    return Status::OK();
  }

  Status Number(const toml::table& t, std::string_view where, std::string_view key, double lo, double hi,
                double& out) const {
    const toml::node* n = t.get(key);
    if (!n) return Status::OK();
    double v;
    if (n->is_integer())
      v = static_cast<double>(n->as_integer()->get());
    else if (n->is_floating_point())
      v = n->as_floating_point()->get();
    else
      return Error(*n, std::string(where) + " " + std::string(key) + " must be a number");
    if (!(v >= lo && v <= hi))
      return Error(*n, std::string(where) + " " + std::string(key) + " must be within " + std::to_string(lo) + ".." +
                           std::to_string(hi));
    out = v;
    return Status::OK();
  }

  Status List(const toml::table& t, std::string_view where, std::string_view key, std::vector<std::string>& out) const {
    const toml::node* n = t.get(key);
    if (!n) return Status::OK();
    const toml::array* a = n->as_array();
    if (!a) return Error(*n, std::string(where) + " " + std::string(key) + " must be a list of strings");
    out.clear();
    for (const auto& e : *a) {
      if (!e.is_string()) return Error(e, std::string(where) + " " + std::string(key) + " must be a list of strings");
      out.push_back(e.as_string()->get());
    }
    return Status::OK();
  }

 private:
  std::string source_;
};

}  // namespace

Result<ServeConfig> ParseServeConfig(std::string_view toml_text, std::string_view source) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(std::string(source) + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  ServeConfig c;
  c.source = std::string(source);
  ConfigReader r(c.source);
  CW_RETURN_IF_ERROR(r.OnlyKeys(doc, "the file", {"server", "limits", "scoring", "webhooks", "webhook"}));
  auto table = [&](std::string_view name, const toml::table*& out) -> Status {
    out = nullptr;
    const toml::node* n = doc.get(name);
    if (!n) return Status::OK();
    out = n->as_table();
    if (!out) return r.Error(*n, "[" + std::string(name) + "] must be a table");
    return Status::OK();
  };
  const toml::table* t = nullptr;
  CW_RETURN_IF_ERROR(table("server", t));
  if (t) {
    CW_RETURN_IF_ERROR(r.OnlyKeys(*t, "[server]", {"bind", "port", "db", "public_url", "tls_cert", "tls_key", "threads"}));
    std::int64_t port = c.port, threads = c.threads;
    std::string cert, key;
    CW_RETURN_IF_ERROR(r.Text(*t, "[server]", "bind", c.bind));
    CW_RETURN_IF_ERROR(r.Int(*t, "[server]", "port", 0, 65535, port));
    CW_RETURN_IF_ERROR(r.Text(*t, "[server]", "db", c.db));
    CW_RETURN_IF_ERROR(r.Text(*t, "[server]", "public_url", c.public_url));
    CW_RETURN_IF_ERROR(r.Text(*t, "[server]", "tls_cert", cert));
    CW_RETURN_IF_ERROR(r.Text(*t, "[server]", "tls_key", key));
    CW_RETURN_IF_ERROR(r.Int(*t, "[server]", "threads", 1, 256, threads));
    if (cert.empty() != key.empty())
      return r.Error(*t, "[server] tls_cert and tls_key go together (both or neither)");
    c.port = static_cast<int>(port);
    c.threads = static_cast<int>(threads);
    c.tls_cert = cert;
    c.tls_key = key;
  }
  CW_RETURN_IF_ERROR(table("limits", t));
  if (t) {
    CW_RETURN_IF_ERROR(r.OnlyKeys(*t, "[limits]", {"max_body_bytes", "max_lines", "rate_per_second", "rate_burst"}));
    CW_RETURN_IF_ERROR(r.Int(*t, "[limits]", "max_body_bytes", 1024, std::int64_t{1} << 30, c.max_body_bytes));
    CW_RETURN_IF_ERROR(r.Int(*t, "[limits]", "max_lines", 1, 10'000'000, c.max_lines));
    CW_RETURN_IF_ERROR(r.Number(*t, "[limits]", "rate_per_second", 0.001, 1e9, c.rate_per_second));
    CW_RETURN_IF_ERROR(r.Number(*t, "[limits]", "rate_burst", 1, 1e9, c.rate_burst));
  }
  CW_RETURN_IF_ERROR(table("scoring", t));
  if (t) {
    CW_RETURN_IF_ERROR(r.OnlyKeys(*t, "[scoring]", {"policy", "as_of"}));
    CW_RETURN_IF_ERROR(r.Text(*t, "[scoring]", "policy", c.policy));
    CW_RETURN_IF_ERROR(r.Text(*t, "[scoring]", "as_of", c.as_of));
  }
  CW_RETURN_IF_ERROR(table("webhooks", t));
  if (t) {
    CW_RETURN_IF_ERROR(r.OnlyKeys(*t, "[webhooks]", {"max_attempts", "backoff_seconds", "timeout_seconds"}));
    std::int64_t attempts = c.webhook_max_attempts;
    CW_RETURN_IF_ERROR(r.Int(*t, "[webhooks]", "max_attempts", 1, 100, attempts));
    c.webhook_max_attempts = static_cast<int>(attempts);
    CW_RETURN_IF_ERROR(r.Number(*t, "[webhooks]", "backoff_seconds", 0.01, 86400, c.webhook_backoff_seconds));
    CW_RETURN_IF_ERROR(r.Number(*t, "[webhooks]", "timeout_seconds", 0.1, 600, c.webhook_timeout_seconds));
  }
  if (const toml::node* n = doc.get("webhook")) {
    const toml::array* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) return r.Error(*n, "[[webhook]] must be an array of tables");
    std::set<std::string> names;
    for (const auto& e : *arr) {
      const toml::table& w = *e.as_table();
      CW_RETURN_IF_ERROR(r.OnlyKeys(w, "[[webhook]]", {"name", "url", "format", "secret", "zones", "stores"}));
      WebhookConfig h;
      CW_RETURN_IF_ERROR(r.Text(w, "[[webhook]]", "name", h.name));
      CW_RETURN_IF_ERROR(r.Text(w, "[[webhook]]", "url", h.url));
      CW_RETURN_IF_ERROR(r.Text(w, "[[webhook]]", "format", h.format));
      CW_RETURN_IF_ERROR(r.Text(w, "[[webhook]]", "secret", h.secret));
      CW_RETURN_IF_ERROR(r.List(w, "[[webhook]]", "zones", h.zones));
      CW_RETURN_IF_ERROR(r.List(w, "[[webhook]]", "stores", h.stores));
      if (h.name.empty() || h.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
        return r.Error(w, "[[webhook]] name '" + h.name + "' must be non-empty: a-z, 0-9, '_' or '-'");
      if (!names.insert(h.name).second) return r.Error(w, "[[webhook]] name '" + h.name + "' is used twice");
      if (!h.url.starts_with("http://") && !h.url.starts_with("https://"))
        return r.Error(w, "[[webhook]] " + h.name + ": url must start with http:// or https://");
      if (h.format != "wecom" && h.format != "dingtalk" && h.format != "slack" && h.format != "json")
        return r.Error(w, "[[webhook]] " + h.name + ": format '" + h.format + "' must be wecom, dingtalk, slack or json");
      for (const auto& z : h.zones)
        if (z != "red" && z != "yellow" && z != "blue")
          return r.Error(w, "[[webhook]] " + h.name + ": zone '" + z + "' must be red, yellow or blue");
      c.webhooks.push_back(std::move(h));
    }
  }
  return c;
}

Result<ServeConfig> LoadServeConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path.string() + ": config file not found");
  std::stringstream text;
  text << in.rdbuf();
  return ParseServeConfig(text.str(), path.string());
}

}  // namespace churnwatch
