// The campaign use cases (campaign_app.h): open the store, call the stage, write files.
#include <fstream>

#include "churnwatch/campaign_app.h"
#include "churnwatch/campaign_learn.h"

namespace churnwatch {

namespace {
Status WriteWhole(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;
  tmp += ".partial";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Status::IOError("cannot write " + path.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot write " + path.string() + ": " + ec.message());
  return Status::OK();
}
}  // namespace

Result<CampaignCreateOutcome> RunCampaignCreate(const CampaignCreateRequest& request) {
  if (request.actions.empty() == !request.selection.has_value())
    return Status::InvalidArgument("campaign create: give either --actions FILE or a selection (--zone, --reason, "
                                   "--segment, --value-tier, --list with --action), not both and not neither");
  CW_RETURN_IF_ERROR(ValidateCampaignSpec(request.spec));
  std::vector<CampaignTarget> targets;
  if (!request.actions.empty()) {
    CW_ASSIGN_OR_RETURN(targets, ReadActionList(request.actions));
    if (targets.empty()) return Status::InvalidArgument(request.actions.string() + ": the action list has no rows");
  }
  CW_ASSIGN_OR_RETURN(auto store, Store::Open(request.db_url));
  if (request.selection) {
    CW_ASSIGN_OR_RETURN(targets, SelectTargets(*store, *request.selection));
  }
  return CreateCampaign(*store, request.spec, targets, request.treated_csv);
}

Result<CampaignReport> RunCampaignReport(const CampaignReportRequest& request) {
  CW_ASSIGN_OR_RETURN(auto store, Store::OpenExisting(request.db_url));
  CW_ASSIGN_OR_RETURN(CampaignReport report, ReportCampaign(*store, request.campaign_id));
  if (request.record_measured) CW_RETURN_IF_ERROR(RecordMeasuredUplift(*store, report));
  if (!request.csv_out.empty()) CW_RETURN_IF_ERROR(WriteWhole(request.csv_out, CampaignReportCsv(report)));
  if (!request.json_out.empty()) CW_RETURN_IF_ERROR(WriteWhole(request.json_out, CampaignReportJson(report) + "\n"));
  return report;
}

Result<CampaignCreateOutcome> RunCampaignImport(const CampaignImportRequest& request) {
  if (request.format != "hillstrom")
    return Status::InvalidArgument("campaign import: unknown --format '" + request.format + "' (known: hillstrom)");
  if (request.campaign_id.empty()) return Status::InvalidArgument("campaign import: --id is required");
  CW_ASSIGN_OR_RETURN(auto store, Store::Open(request.db_url));
  return ImportHillstrom(*store, request.file, request.campaign_id, request.start_day);
}

}  // namespace churnwatch
