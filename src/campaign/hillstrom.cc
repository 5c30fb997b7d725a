// Hillstrom's e-mail experiment as a campaign (campaign_import.h).
#include <charconv>
#include <cstdio>
#include <ctime>

#include "churnwatch/campaign_import.h"
#include "churnwatch/csv_reader.h"

namespace churnwatch {

namespace {

constexpr std::string_view kHillstromHeader[] = {"recency", "history_segment", "history", "mens",  "womens",     "zip_code",
                                                 "newbie",  "channel",         "segment", "visit", "conversion", "spend"};

Result<double> HillstromNumber(const std::string& where, std::string_view field, std::string_view name) {
  double v = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (ec != std::errc() || end != field.data() + field.size() || field.empty())
    return Status::InvalidArgument(where + "field " + std::string(name) + ": '" + std::string(field) +
                                   "' is not a number");
  return v;
}

}  // namespace

Result<HillstromData> ReadHillstrom(const std::filesystem::path& path) {
  CW_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path.string(), CsvDialect{}));
  CsvRecord rec;
  CW_ASSIGN_OR_RETURN(bool any, reader->Next(rec));
  if (!any) return Status::InvalidArgument(path.string() + ": empty file");
  bool header_ok = rec.fields.size() == std::size(kHillstromHeader);
  for (std::size_t i = 0; header_ok && i < rec.fields.size(); ++i) header_ok = rec.fields[i] == kHillstromHeader[i];
  if (!header_ok)
    return Status::InvalidArgument(path.string() + ":1: not the Hillstrom header (recency,history_segment,history,...)");
  HillstromData d;
  d.feature_names = {"recency",       "history",        "mens",        "womens",     "newbie",     "zip_urban",
                     "zip_suburban", "zip_rural",      "channel_phone", "channel_web", "channel_multichannel"};
  d.features.cols = d.feature_names.size();
  for (;;) {
    CW_ASSIGN_OR_RETURN(bool more, reader->Next(rec));
    if (!more) break;
    const std::string where = path.string() + ":" + std::to_string(rec.line) + ": ";
    if (rec.fields.size() != std::size(kHillstromHeader))
      return Status::InvalidArgument(where + "has " + std::to_string(rec.fields.size()) + " fields, expected 12");
    double v[12] = {};
    for (int i : {0, 2, 3, 4, 6, 9, 10, 11}) {
      CW_ASSIGN_OR_RETURN(v[i], HillstromNumber(where, rec.fields[i], kHillstromHeader[i]));
    }
    const std::string_view zip = rec.fields[5], channel = rec.fields[7], segment = rec.fields[8];
    // "Surburban" is the original file's spelling.
    const int zip_i = zip == "Urban" ? 0 : zip == "Surburban" ? 1 : zip == "Rural" ? 2 : -1;
    const int ch_i = channel == "Phone" ? 0 : channel == "Web" ? 1 : channel == "Multichannel" ? 2 : -1;
    if (zip_i < 0) return Status::InvalidArgument(where + "field zip_code: unknown value '" + std::string(zip) + "'");
    if (ch_i < 0) return Status::InvalidArgument(where + "field channel: unknown value '" + std::string(channel) + "'");
    std::string arm;
    if (segment == "Mens E-Mail")
      arm = "mens_email";
    else if (segment == "Womens E-Mail")
      arm = "womens_email";
    else if (segment != "No E-Mail")
      return Status::InvalidArgument(where + "field segment: unknown arm '" + std::string(segment) + "'");
    const float row[] = {static_cast<float>(v[0]), static_cast<float>(v[2]), static_cast<float>(v[3]),
                         static_cast<float>(v[4]), static_cast<float>(v[6]), zip_i == 0 ? 1.f : 0.f,
                         zip_i == 1 ? 1.f : 0.f,   zip_i == 2 ? 1.f : 0.f,   ch_i == 0 ? 1.f : 0.f,
                         ch_i == 1 ? 1.f : 0.f,    ch_i == 2 ? 1.f : 0.f};
    d.features.values.insert(d.features.values.end(), std::begin(row), std::end(row));
    ++d.features.rows;
    d.arm.push_back(std::move(arm));
    d.visit.push_back(static_cast<float>(v[9]));
    d.conversion.push_back(static_cast<float>(v[10]));
    d.spend.push_back(v[11]);
    d.value_tier.emplace_back(v[2] >= 500 ? "high" : v[2] >= 100 ? "mid" : "low");
  }
  if (d.features.rows == 0) return Status::InvalidArgument(path.string() + ": no data rows");
  return d;
}

Result<CampaignCreateOutcome> ImportHillstrom(Store& store, const std::filesystem::path& path,
                                              const std::string& campaign_id, DayNumber start_day) {
  CW_ASSIGN_OR_RETURN(HillstromData d, ReadHillstrom(path));
  CampaignCreateOutcome out;
  out.spec.campaign_id = campaign_id;
  out.spec.name = "Hillstrom MineThatData e-mail test (2008)";
  out.spec.start_day = start_day;
  // The experiment's own split: one third each; the control share is recorded, not drawn.
  out.spec.control_share = 1.0 / 3.0;
  out.spec.purchase_window_days = 14;  // Hillstrom tracked two weeks after the e-mail
  out.spec.winback_days = 14;
  out.spec.margin_rate = 1.0;
  out.spec.source = "import:hillstrom " + path.filename().string();
  out.spec.observed_metrics = {"visit", "conversion", "spend"};
  out.spec.observed_binary = {true, true, false};
  out.spec.primary_metric = "conversion";
  CW_RETURN_IF_ERROR(ValidateCampaignSpec(out.spec));
  out.spec.created_at = FormatIsoTimestamp(static_cast<Timestamp>(std::time(nullptr)));
  std::vector<CampaignAssignmentRow> rows;
  rows.reserve(d.features.rows);
  char id[32];
  char observed[64];
  for (std::size_t i = 0; i < d.features.rows; ++i) {
    std::snprintf(id, sizeof id, "H%05zu", i + 1);
    std::snprintf(observed, sizeof observed, "%g,%g,%.17g", d.visit[i], d.conversion[i], d.spend[i]);
    const bool control = d.arm[i].empty();
    rows.push_back({id, control, d.arm[i], control ? "" : "email", "", "", d.value_tier[i], 0.0, observed});
    auto& stratum = out.strata["|" + d.value_tier[i]];
    (control ? stratum.second : stratum.first) += 1;
    (control ? out.control : out.treated) += 1;
  }
  out.targets = static_cast<std::int64_t>(rows.size());
  CW_RETURN_IF_ERROR(store.CreateCampaign(campaign_id, out.spec.ToJson(), rows));
  return out;
}

}  // namespace churnwatch
