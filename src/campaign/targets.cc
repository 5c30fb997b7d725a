// Where a campaign's targets come from (campaign.h): a `run` action list, or a selection
// of the customers a `run` / `score` stored.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "churnwatch/campaign.h"
#include "churnwatch/csv_reader.h"

namespace churnwatch {

namespace {

std::string FirstOf(std::string_view joined) {
  const auto bar = joined.find('|');
  return std::string(joined.substr(0, bar));
}

// Column index by header name, or -1.
int ColumnIndex(const std::vector<std::string>& header, std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

std::string FieldAt(const CsvRecord& r, int col) {
  return col >= 0 && static_cast<std::size_t>(col) < r.fields.size() ? std::string(r.fields[col]) : std::string();
}

Result<std::unique_ptr<CsvReader>> OpenWithHeader(const std::filesystem::path& path, std::vector<std::string>& header) {
  CW_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(path.string(), CsvDialect{}));
  CsvRecord rec;
  CW_ASSIGN_OR_RETURN(bool any, reader->Next(rec));
  if (!any) return Status::InvalidArgument(path.string() + ": empty file (expected a header line)");
  for (auto f : rec.fields) header.emplace_back(f);
  return reader;
}

Result<std::vector<std::string>> ReadCustomerList(const std::filesystem::path& path) {
  std::vector<std::string> header;
  CW_ASSIGN_OR_RETURN(auto reader, OpenWithHeader(path, header));
  // A CSV with a customer_id column, or a plain list whose first line is already an id.
  int col = ColumnIndex(header, "customer_id");
  std::vector<std::string> ids;
  std::unordered_map<std::string, std::int64_t> first_line;
  if (col < 0) {
    col = 0;
    if (!header.empty() && !header[0].empty()) {
      ids.push_back(header[0]);
      first_line[header[0]] = 1;
    }
  }
  CsvRecord rec;
  for (;;) {
    CW_ASSIGN_OR_RETURN(bool more, reader->Next(rec));
    if (!more) break;
    std::string id = FieldAt(rec, col);
    if (id.empty())
      return Status::InvalidArgument(path.string() + ":" + std::to_string(rec.line) + ": field customer_id is empty");
    if (auto [it, fresh] = first_line.emplace(id, rec.line); !fresh)
      return Status::InvalidArgument(path.string() + ":" + std::to_string(rec.line) + ": customer '" + id +
                                     "' is listed twice (first on line " + std::to_string(it->second) + ")");
    ids.push_back(std::move(id));
  }
  return ids;
}

bool Allowed(const std::vector<std::string>& filter, const std::string& value) {
  return filter.empty() || std::find(filter.begin(), filter.end(), value) != filter.end();
}

const ResultColumn* Column(const ResultTable& t, std::string_view name) {
  for (const auto& c : t.columns)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace

Result<std::vector<CampaignTarget>> ReadActionList(const std::filesystem::path& path) {
  std::vector<std::string> header;
  CW_ASSIGN_OR_RETURN(auto reader, OpenWithHeader(path, header));
  const int id_col = ColumnIndex(header, "customer_id");
  const int action_col = ColumnIndex(header, "action");
  for (auto [col, name] : {std::pair{id_col, "customer_id"}, std::pair{action_col, "action"}})
    if (col < 0) return Status::InvalidArgument(path.string() + ":1: no column '" + name + "' in the header");
  const int zone_col = ColumnIndex(header, "zone"), tier_col = ColumnIndex(header, "value_tier");
  const int reasons_col = ColumnIndex(header, "reasons"), channel_col = ColumnIndex(header, "channel");
  const int cost_col = ColumnIndex(header, "action_cost");

  std::vector<CampaignTarget> out;
  std::unordered_map<std::string, std::int64_t> seen;
  CsvRecord rec;
  for (;;) {
    CW_ASSIGN_OR_RETURN(bool more, reader->Next(rec));
    if (!more) break;
    const std::string where = path.string() + ":" + std::to_string(rec.line) + ": ";
    if (rec.fields.size() != header.size())
      return Status::InvalidArgument(where + "has " + std::to_string(rec.fields.size()) + " fields, the header " +
                                     std::to_string(header.size()));
    CampaignTarget t;
    t.customer_id = FieldAt(rec, id_col);
    t.action = FieldAt(rec, action_col);
    if (t.customer_id.empty()) return Status::InvalidArgument(where + "field customer_id is empty");
    if (t.action.empty()) return Status::InvalidArgument(where + "field action is empty");
    t.zone = FieldAt(rec, zone_col);
    t.value_tier = FieldAt(rec, tier_col);
    t.cause = FirstOf(FieldAt(rec, reasons_col));
    t.channel = FieldAt(rec, channel_col);
    const std::string cost = FieldAt(rec, cost_col);
    if (!cost.empty()) {
      const auto [end, ec] = std::from_chars(cost.data(), cost.data() + cost.size(), t.cost);
      if (ec != std::errc() || end != cost.data() + cost.size() || !std::isfinite(t.cost) || t.cost < 0)
        return Status::InvalidArgument(where + "field action_cost: '" + cost + "' is not a cost (a number >= 0)");
    }
    if (auto [it, fresh] = seen.emplace(t.customer_id, rec.line); !fresh)
      return Status::InvalidArgument(where + "customer '" + t.customer_id + "' is listed twice (first on line " +
                                     std::to_string(it->second) + ")");
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<CampaignTarget>> SelectTargets(Store& store, const CampaignSelection& sel) {
  if (sel.action.empty()) return Status::InvalidArgument("campaign selection: --action is required");
  if (!(sel.cost >= 0) || !std::isfinite(sel.cost))
    return Status::InvalidArgument("campaign selection: --cost must be a number >= 0");
  static const std::set<std::string> kZones = {"red", "yellow", "blue", "none"};
  for (const auto& z : sel.zones)
    if (!kZones.count(z)) return Status::InvalidArgument("campaign selection: unknown zone '" + z + "' (red, yellow, blue, none)");
  static const std::set<std::string> kTiers = {"high", "mid", "low"};
  for (const auto& t : sel.value_tiers)
    if (!kTiers.count(t)) return Status::InvalidArgument("campaign selection: unknown value tier '" + t + "' (high, mid, low)");

  // `score` stores segments; `run` does not, so a segment filter needs the scores table.
  const std::string table_name = sel.segments.empty() ? "run_customers" : "scores";
  auto table = store.ReadResultTable(table_name);
  if (!table.ok() && table.status().code() == StatusCode::kNotFound && sel.segments.empty())
    table = store.ReadResultTable("scores");
  if (!table.ok()) {
    if (table.status().code() == StatusCode::kNotFound)
      return Status::NotFound("no scored customers to select from: run `churnwatch run`" +
                              std::string(sel.segments.empty() ? " or `churnwatch score`" : "") +
                              (sel.segments.empty() ? "" : " (a segment filter needs `churnwatch score`, which stores segments)") +
                              " first");
    return table.status();
  }
  const ResultColumn* ids = Column(*table, "customer_id");
  const ResultColumn* zone = Column(*table, "zone");
  const ResultColumn* tier = Column(*table, "value_tier");
  const ResultColumn* reason = Column(*table, "reason_1");
  const ResultColumn* segment = Column(*table, "segment");
  if (!ids || !ids->is_text) return Status::DataError("stored scores have no customer_id column");

  std::unordered_set<std::string> listed;
  if (!sel.list.empty()) {
    CW_ASSIGN_OR_RETURN(auto list, ReadCustomerList(sel.list));
    listed.insert(list.begin(), list.end());
  }
  auto text = [](const ResultColumn* c, std::size_t i) { return c && c->is_text ? c->texts[i] : std::string(); };
  std::vector<CampaignTarget> out;
  for (std::size_t i = 0; i < ids->texts.size(); ++i) {
    CampaignTarget t{ids->texts[i], sel.action, sel.channel, text(reason, i), text(zone, i), text(tier, i), sel.cost};
    if (!sel.list.empty() && !listed.count(t.customer_id)) continue;
    if (!Allowed(sel.zones, t.zone) || !Allowed(sel.reasons, t.cause) || !Allowed(sel.value_tiers, t.value_tier) ||
        !Allowed(sel.segments, text(segment, i)))
      continue;
    out.push_back(std::move(t));
  }
  if (out.empty()) return Status::DataError("campaign selection: no stored customer matches the filters");
  return out;
}

}  // namespace churnwatch
