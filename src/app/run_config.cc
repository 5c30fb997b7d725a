// Reads a run config (include/churnwatch/app/run.h): the [run] [ingest] [model]
// [recommend] [report] tables here, the policy tables through ParsePolicyConfig.
#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>

#include <toml++/toml.h>

#include "churnwatch/features.h"
#include "churnwatch/app/run.h"
#include "churnwatch/types.h"
#include "churnwatch/toml_keys.h"

namespace churnwatch::app {

namespace {

class Reader {
 public:
  Reader(const toml::table& doc, std::string source, std::filesystem::path base)
      : doc_(doc), source_(std::move(source)), base_(std::move(base)) {}

  Status Error(const toml::node& n, const std::string& what) const {
    return Status::InvalidArgument(source_ + ":" + std::to_string(n.source().begin.line) + ": " + what);
  }

  const toml::node* Get(std::string_view table, std::string_view key) const {
    const toml::table* t = doc_[table].as_table();
    return t == nullptr ? nullptr : t->get(key);
  }

  Status Text(std::string_view table, std::string_view key, std::string& out) const {
    const toml::node* n = Get(table, key);
    if (n == nullptr) return Status::OK();
    if (!n->is_string()) return Error(*n, "[" + std::string(table) + "] " + std::string(key) + " must be a string");
    out = n->as_string()->get();
    return Status::OK();
  }

  Status Path(std::string_view table, std::string_view key, std::filesystem::path& out) const {
    std::string s;
    CW_RETURN_IF_ERROR(Text(table, key, s));
    if (!s.empty()) out = std::filesystem::path(s).is_absolute() ? std::filesystem::path(s) : base_ / s;
    return Status::OK();
  }

  Status Int(std::string_view table, std::string_view key, int lo, int hi, int& out) const {
    const toml::node* n = Get(table, key);
    if (n == nullptr) return Status::OK();
    auto v = n->value<std::int64_t>();
    if (!v || *v < lo || *v > hi)
      return Error(*n, "[" + std::string(table) + "] " + std::string(key) + " must be an integer in [" + std::to_string(lo) +
                           ", " + std::to_string(hi) + "]");
    out = static_cast<int>(*v);
    return Status::OK();
  }

  Status Date(std::string_view table, std::string_view key, std::optional<DayNumber>& out) const {
    std::string text;
    CW_RETURN_IF_ERROR(Text(table, key, text));
    if (text.empty()) return Status::OK();
    out = ParseIsoDate(text);
    if (!out)
      return Error(*Get(table, key), "[" + std::string(table) + "] " + std::string(key) + " must be a date YYYY-MM-DD, got \"" +
                                         text + "\"");
    return Status::OK();
  }

 private:
  const toml::table& doc_;
  std::string source_;
  std::filesystem::path base_;
};

}  // namespace

Result<RunConfig> LoadRunConfig(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("run config " + path.string() + " not found");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::string source = path.string();

  RunConfig c;
  c.config_path = path;
  CW_ASSIGN_OR_RETURN(c.policy, ParsePolicyConfig(text, source, kRunConfigTables));
  toml::table doc = toml::parse(text, source);  // already parsed once without error above
  // Every key is known: a typo such as `[modle]` or `fromat` is an error, not a default.
  for (std::string_view t : kRunConfigTables)
    if (const toml::node* n = doc.get(t); n != nullptr && !n->is_table())
      return Status::InvalidArgument(source + ":" + std::to_string(n->source().begin.line) + ": [" + std::string(t) +
                                     "] must be a table");
  if (const toml::table* t = doc["run"].as_table())
    CW_RETURN_IF_ERROR(config::CheckKeys(*t, source, "run", {"name", "db", "out_dir", "currency", "threads"}));
  if (const toml::table* t = doc["ingest"].as_table())
    CW_RETURN_IF_ERROR(config::CheckKeys(
        *t, source, "ingest", {"mapping", "transactions", "customers", "events", "rejects_dir", "max_rejected_share"}));
  if (const toml::table* t = doc["model"].as_table())
    CW_RETURN_IF_ERROR(config::CheckKeys(*t, source, "model",
                                         {"mode", "horizon_days", "format", "as_of", "test_cutoff", "valid_cutoff",
                                          "train_cutoffs", "train_every_days", "min_history_days"}));
  if (const toml::table* t = doc["report"].as_table())
    CW_RETURN_IF_ERROR(config::CheckKeys(*t, source, "report", {"file", "top_customers"}));
  if (const toml::table* t = doc["campaign"].as_table())
    CW_RETURN_IF_ERROR(
        config::CheckKeys(*t, source, "campaign", {"create", "control_share", "purchase_days", "margin"}));
  const std::filesystem::path base = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  Reader r(doc, source, base);

  CW_RETURN_IF_ERROR(r.Text("run", "name", c.name));
  CW_RETURN_IF_ERROR(r.Text("run", "db", c.db_url));
  if (c.db_url.rfind("sqlite:", 0) == 0) {
    // A relative SQLite path is relative to the config too.
    const std::filesystem::path p = c.db_url.substr(7);
    if (!p.empty() && p.is_relative() && r.Get("run", "db") != nullptr) c.db_url = "sqlite:" + (base / p).string();
  }
  CW_RETURN_IF_ERROR(r.Path("run", "out_dir", c.out_dir));
  CW_RETURN_IF_ERROR(r.Text("run", "currency", c.currency));
  // The currency is printed before every amount, in the report too: a symbol or code,
  // never markup.
  if (c.currency.size() > 16 || c.currency.find_first_of("<>&\"'`\\") != std::string::npos ||
      std::any_of(c.currency.begin(), c.currency.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20; }))
    return r.Error(*r.Get("run", "currency"),
                   "[run] currency must be a symbol or code of at most 16 bytes without < > & quotes or control "
                   "characters, e.g. \"¥\" or \"CNY \"");
  CW_RETURN_IF_ERROR(r.Int("run", "threads", 1, 256, c.threads));

  CW_RETURN_IF_ERROR(r.Path("ingest", "mapping", c.mapping));
  CW_RETURN_IF_ERROR(r.Path("ingest", "transactions", c.transactions));
  CW_RETURN_IF_ERROR(r.Path("ingest", "customers", c.customers));
  CW_RETURN_IF_ERROR(r.Path("ingest", "events", c.events));
  CW_RETURN_IF_ERROR(r.Path("ingest", "rejects_dir", c.rejects_dir));
  if (const toml::node* n = r.Get("ingest", "max_rejected_share")) {
    const auto v = n->value<double>();
    if (!v || !(*v >= 0 && *v <= 1))
      return r.Error(*n, "[ingest] max_rejected_share must be a number in [0, 1] (a share: 0.05 = 5 %)");
    c.max_rejected_share = *v;
  }
  const bool has_inputs = !c.transactions.empty() || !c.customers.empty() || !c.events.empty();
  if (has_inputs && c.mapping.empty())
    return Status::InvalidArgument(source + ": [ingest] names input files but no mapping");

  std::string mode = "train";
  CW_RETURN_IF_ERROR(r.Text("model", "mode", mode));
  if (mode != "train" && mode != "champion")
    return r.Error(*r.Get("model", "mode"), "[model] mode must be \"train\" or \"champion\", got \"" + mode + "\"");
  c.model_mode = mode == "train" ? RunModelMode::kTrain : RunModelMode::kChampion;
  if (const toml::node* f = r.Get("model", "format")) {
    if (!f->is_string()) return r.Error(*f, "[model] format must be a string");
    auto h = HorizonForFormat(f->as_string()->get());
    if (!h.ok()) return r.Error(*f, "[model] " + h.status().message());
    c.horizon_days = *h;
  }
  CW_RETURN_IF_ERROR(r.Int("model", "horizon_days", 1, 3650, c.horizon_days));
  CW_RETURN_IF_ERROR(r.Date("model", "as_of", c.as_of));
  CW_RETURN_IF_ERROR(r.Date("model", "test_cutoff", c.test_cutoff));
  CW_RETURN_IF_ERROR(r.Date("model", "valid_cutoff", c.valid_cutoff));
  CW_RETURN_IF_ERROR(r.Int("model", "train_every_days", 1, 3650, c.train_every_days));
  CW_RETURN_IF_ERROR(r.Int("model", "min_history_days", 0, 3650, c.min_history_days));
  if (const toml::node* t = r.Get("model", "train_cutoffs")) {
    const toml::array* a = t->as_array();
    if (a == nullptr) return r.Error(*t, "[model] train_cutoffs must be a list of dates");
    for (const toml::node& d : *a) {
      const auto s = d.value<std::string>();
      const auto day = s ? ParseIsoDate(*s) : std::nullopt;
      if (!day) return r.Error(d, "[model] train_cutoffs must hold dates YYYY-MM-DD");
      c.train_cutoffs.push_back(*day);
    }
  }

  CW_RETURN_IF_ERROR(r.Path("recommend", "product_names", c.product_names));
  CW_RETURN_IF_ERROR(r.Text("report", "file", c.report_file));
  {
    // The report goes inside the output folder: a file name, or a path below it.
    const std::filesystem::path f(c.report_file);
    bool inside = !c.report_file.empty() && f.is_relative() && !f.has_root_name();
    for (const auto& part : f) inside = inside && part != "..";
    if (!inside)
      return r.Error(*r.Get("report", "file"), "[report] file must be a relative path inside the output folder, got \"" +
                                                   c.report_file + "\"");
  }
  CW_RETURN_IF_ERROR(r.Int("report", "top_customers", 0, 10000, c.top_customers));
  if (const toml::node* n = r.Get("campaign", "create")) {
    if (!n->is_boolean()) return r.Error(*n, "[campaign] create must be true or false");
    c.campaign_create = n->as_boolean()->get();
  }
  for (auto [key, out, lo, hi] : {std::tuple{"control_share", &c.campaign_control_share, 0.01, 0.9},
                                  std::tuple{"margin", &c.campaign_margin, 1e-9, 1.0}}) {
    const toml::node* n = r.Get("campaign", key);
    if (n == nullptr) continue;
    auto v = n->value<double>();
    if (!v || !(*v >= lo && *v <= hi))
      return r.Error(*n, "[campaign] " + std::string(key) + " must be a number in [" + (lo < 1e-6 ? std::string("0") : std::to_string(lo).substr(0, 4)) + ", " + std::to_string(hi).substr(0, 3) + "]");
    *out = *v;
  }
  CW_RETURN_IF_ERROR(r.Int("campaign", "purchase_days", 1, 3650, c.campaign_purchase_days));
  return c;
}

}  // namespace churnwatch::app
