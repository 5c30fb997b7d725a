// `churnwatch campaign create | report | import` (docs/campaign.md): parse flags, call one
// use case of include/churnwatch/campaign_app.h, print its outcome.
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "churnwatch/campaign_app.h"
#include "churnwatch/report.h"
#include "cli/commands.h"

namespace churnwatch::cli {

namespace {

Result<DayNumber> StartDay(const std::string& text, std::string_view flag) {
  if (text.empty()) return DayOf(static_cast<Timestamp>(std::time(nullptr)));
  const auto day = ParseIsoDate(text);
  if (!day) return Status::InvalidArgument(std::string(flag) + ": '" + text + "' is not a date (YYYY-MM-DD)");
  return *day;
}

nlohmann::json CreateJson(const CampaignCreateOutcome& o) {
  nlohmann::json strata = nlohmann::json::object();
  for (const auto& [k, v] : o.strata) strata[k] = {{"treated", v.first}, {"control", v.second}};
  return {{"campaign_id", o.spec.campaign_id},
          {"start", FormatIsoDate(o.spec.start_day)},
          {"targets", o.targets},
          {"treated", o.treated},
          {"control", o.control},
          {"control_share", o.spec.control_share},
          {"treated_cost", o.treated_cost},
          {"strata", strata},
          {"treated_file", o.treated_file.string()}};
}

void PrintCreate(const CampaignCreateOutcome& o) {
  std::cout << "campaign " << o.spec.campaign_id << " starting " << FormatIsoDate(o.spec.start_day) << ": "
            << FormatCount(o.targets) << " targets, " << FormatCount(o.treated) << " treated, " << FormatCount(o.control)
            << " held back as control (" << std::lround(100 * o.spec.control_share) << " % by stratum)\n";
  for (const auto& [k, v] : o.strata)
    std::cout << "  stratum " << (k == "|" ? "(none)" : k) << ": " << v.first << " treated, " << v.second << " control\n";
  if (!o.treated_file.empty())
    std::cout << "  delivery list (treated only; never contact the control group): " << o.treated_file.string() << "\n";
}

std::string Percent(double v, bool binary) {
  char buf[64];
  if (std::isnan(v)) return "n/a";
  if (binary)
    std::snprintf(buf, sizeof buf, "%.2f%%", 100 * v);
  else
    std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::string Uplift(const UpliftEstimate& e, bool binary) {
  char buf[160];
  if (std::isnan(e.uplift)) return "n/a";
  const double k = binary ? 100 : 1;
  const char* unit = binary ? " pp" : "";
  if (std::isnan(e.ci_low))
    std::snprintf(buf, sizeof buf, "%+.2f%s", k * e.uplift, unit);
  else
    std::snprintf(buf, sizeof buf, binary ? "%+.2f%s [%.2f, %.2f], p = %.2g" : "%+.4f%s [%.4f, %.4f], p = %.2g",
                  k * e.uplift, unit, k * e.ci_low, k * e.ci_high, e.p_value);
  return buf;
}

void PrintReport(const CampaignReport& r) {
  std::cout << "campaign " << r.spec.campaign_id << " (" << r.spec.name << ") from " << FormatIsoDate(r.spec.start_day)
            << ": " << FormatCount(r.treated) << " treated, " << FormatCount(r.control) << " control; orders to "
            << FormatIsoDate(r.data_last_day) << "\n";
  for (const auto& w : r.warnings) std::cout << "  warning: " << w << "\n";
  for (const auto& g : r.money) {
    std::string name = g.level == "campaign" ? "all" : g.action;
    if (g.level == "cause_tier")
      name += " / cause " + (g.cause.empty() ? std::string("-") : g.cause) + " / tier " +
              (g.value_tier.empty() ? std::string("-") : g.value_tier);
    std::cout << "  " << name << " (" << g.n_treated << " vs " << g.n_control << ")";
    if (!std::isnan(g.net))
      std::cout << ": incremental " << g.revenue_metric << " " << FormatMoney(g.incremental_revenue, "") << " − cost "
                << FormatMoney(g.cost, "") << " = " << FormatMoney(g.net, "");
    std::cout << "\n";
    for (const auto& row : r.rows) {
      if (row.level != g.level || row.action != g.action || row.cause != g.cause || row.value_tier != g.value_tier)
        continue;
      const auto& e = row.estimate;
      std::cout << "    " << row.metric << ": " << Percent(e.treated_mean, row.binary) << " vs "
                << Percent(e.control_mean, row.binary) << ", " << Uplift(e, row.binary)
                << (e.warning.empty() ? "" : "  (" + e.warning + ")") << "\n";
    }
  }
}

}  // namespace

CommandRun RegisterCampaign(CLI::App& app, CommonOptions& common) {
  auto* sub = app.add_subcommand("campaign", "campaigns with a control group: create, report, import");
  sub->require_subcommand(1);

  // create
  auto* create = sub->add_subcommand("create", "assign a control group and export the treated list");
  AddCommonOptions(create, common);
  struct CreateFlags {
    CampaignCreateRequest req;
    std::string start, actions, list;
    std::vector<std::string> zones, reasons, segments, tiers;
    std::string action, channel;
    double cost = 0;
    std::string out;
  };
  auto cf = std::make_shared<CreateFlags>();
  create->add_option("--id", cf->req.spec.campaign_id, "campaign id (letters, digits, - _ .)")->required();
  create->add_option("--name", cf->req.spec.name, "a name for people");
  create->add_option("--start", cf->start, "first delivery day YYYY-MM-DD (default: today)");
  create->add_option("--control-share", cf->req.spec.control_share, "share held back as control")->capture_default_str();
  create->add_option("--purchase-days", cf->req.spec.purchase_window_days, "purchase window in days")->capture_default_str();
  create->add_option("--horizon-days", cf->req.spec.winback_days, "win-back window H in days")->capture_default_str();
  create->add_option("--margin", cf->req.spec.margin_rate, "share of revenue that is margin")->capture_default_str();
  create->add_option("--actions", cf->actions, "a `run` action list (actions.csv)");
  create->add_option("--zone", cf->zones, "select zones (red, yellow, blue, none)")->delimiter(',');
  create->add_option("--reason", cf->reasons, "select by first reason (price, experience, ...)")->delimiter(',');
  create->add_option("--segment", cf->segments, "select RFM segments (needs `churnwatch score`)")->delimiter(',');
  create->add_option("--value-tier", cf->tiers, "select value tiers (high, mid, low)")->delimiter(',');
  create->add_option("--list", cf->list, "select the customers listed in this file");
  create->add_option("--action", cf->action, "the action for a selection");
  create->add_option("--channel", cf->channel, "the channel for a selection");
  create->add_option("--cost", cf->cost, "cost per treated customer for a selection");
  create->add_option("--out", cf->out, "treated list CSV (default: <id>-treated.csv)");

  // report
  auto* report = sub->add_subcommand("report", "treated vs control: rates, revenue, uplift with 95 % interval");
  AddCommonOptions(report, common);
  auto rf = std::make_shared<CampaignReportRequest>();
  std::shared_ptr<std::string> report_json_out = std::make_shared<std::string>();
  report->add_option("--id", rf->campaign_id, "campaign id")->required();
  report->add_option("--out", rf->csv_out, "write the report as CSV");
  report->add_option("--json-out", *report_json_out, "write the report as JSON to a file");

  // import
  auto* import = sub->add_subcommand("import", "load an experiment run elsewhere (Hillstrom) as a campaign");
  AddCommonOptions(import, common);
  auto imf = std::make_shared<CampaignImportRequest>();
  auto import_start = std::make_shared<std::string>();
  import->add_option("--format", imf->format, "file format")->capture_default_str();
  import->add_option("--file", imf->file, "the experiment's file")->required();
  import->add_option("--id", imf->campaign_id, "campaign id")->required();
  import->add_option("--start", *import_start, "the experiment's start day YYYY-MM-DD (default: today)");

  return [=, &common]() -> Status {
    if (create->parsed()) {
      CampaignCreateRequest req = cf->req;
      req.db_url = common.db_url;
      CW_ASSIGN_OR_RETURN(req.spec.start_day, StartDay(cf->start, "--start"));
      req.actions = cf->actions;
      const bool selecting = !cf->zones.empty() || !cf->reasons.empty() || !cf->segments.empty() || !cf->tiers.empty() ||
                             !cf->list.empty() || !cf->action.empty();
      if (selecting) req.selection = CampaignSelection{cf->zones, cf->reasons, cf->segments, cf->tiers, cf->list,
                                                       cf->action, cf->channel, cf->cost};
      req.spec.source = !cf->actions.empty() ? "actions:" + cf->actions : "selection";
      req.treated_csv = cf->out.empty() ? std::filesystem::path(req.spec.campaign_id + "-treated.csv")
                                        : std::filesystem::path(cf->out);
      CW_ASSIGN_OR_RETURN(CampaignCreateOutcome o, RunCampaignCreate(req));
      if (common.json)
        CW_RETURN_IF_ERROR(PrintJson(CreateJson(o)));
      else
        PrintCreate(o);
      return Status::OK();
    }
    if (report->parsed()) {
      CampaignReportRequest req = *rf;
      req.db_url = common.db_url;
      req.json_out = *report_json_out;
      CW_ASSIGN_OR_RETURN(CampaignReport r, RunCampaignReport(req));
      if (common.json)
        CW_RETURN_IF_ERROR(PrintJson(nlohmann::json::parse(CampaignReportJson(r))));
      else
        PrintReport(r);
      return Status::OK();
    }
    CampaignImportRequest req = *imf;
    req.db_url = common.db_url;
    CW_ASSIGN_OR_RETURN(req.start_day, StartDay(*import_start, "--start"));
    CW_ASSIGN_OR_RETURN(CampaignCreateOutcome o, RunCampaignImport(req));
    if (common.json)
      CW_RETURN_IF_ERROR(PrintJson(CreateJson(o)));
    else
      PrintCreate(o);
    return Status::OK();
  };
}

}  // namespace churnwatch::cli
