// The model file: one JSON document holding every component. Boosters are embedded as
// base64 of XGBoost's Universal Binary JSON, so one registry document is a whole model.
#include <openssl/evp.h>

#include "churnwatch/json_text.h"
#include "churnwatch/models.h"
#include "churnwatch/model_json.h"
#include "models/tree_booster.h"

namespace churnwatch {

using nlohmann::json;

namespace {
double Num(const json& j) { return j.is_number() ? j.get<double>() : kNaN; }
}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return Status::DataError("model bytes are not base64 (length not a multiple of 4)");
  std::string out(3 * text.size() / 4 + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return Status::DataError("model bytes are not valid base64");
  // EVP_DecodeBlock counts the '=' padding as zero bytes; drop them.
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

json MetricSetToJson(const MetricSet& m) {
  json cal = json::array();
  for (const auto& b : m.calibration)
    cal.push_back({{"decile", b.decile},
                   {"rows", b.rows},
                   {"mean_predicted", JsonNumber(b.mean_predicted)},
                   {"observed_rate", JsonNumber(b.observed_rate)},
                   {"min_score", JsonNumber(b.min_score)},
                   {"max_score", JsonNumber(b.max_score)}});
  const auto& c = m.confusion;
  return {{"rows", m.rows},
          {"base_rate", JsonNumber(m.base_rate)},
          {"roc_auc", JsonNumber(m.roc_auc)},
          {"pr_auc", JsonNumber(m.pr_auc)},
          {"lift_top_decile", JsonNumber(m.lift_top_decile)},
          {"brier", JsonNumber(m.brier)},
          {"ece", JsonNumber(m.ece)},
          {"k", m.k},
          {"precision_at_k", JsonNumber(m.precision_at_k)},
          {"recall_at_k", JsonNumber(m.recall_at_k)},
          {"confusion",
           {{"threshold", JsonNumber(c.threshold)},
            {"tp", c.true_positive},
            {"fp", c.false_positive},
            {"tn", c.true_negative},
            {"fn", c.false_negative},
            {"precision", JsonNumber(c.precision())},
            {"recall", JsonNumber(c.recall())},
            {"f1", JsonNumber(c.f1())}}},
          {"calibration", cal}};
}

MetricSet MetricSetFromJson(const json& j) {
  MetricSet m;
  if (!j.is_object()) return m;
  m.rows = j.value("rows", std::int64_t{0});
  m.base_rate = Num(j.value("base_rate", json()));
  m.roc_auc = Num(j.value("roc_auc", json()));
  m.pr_auc = Num(j.value("pr_auc", json()));
  m.lift_top_decile = Num(j.value("lift_top_decile", json()));
  m.brier = Num(j.value("brier", json()));
  m.ece = Num(j.value("ece", json()));
  m.k = j.value("k", std::int64_t{0});
  m.precision_at_k = Num(j.value("precision_at_k", json()));
  m.recall_at_k = Num(j.value("recall_at_k", json()));
  if (j.contains("confusion")) {
    const auto& c = j["confusion"];
    m.confusion.threshold = Num(c.value("threshold", json()));
    m.confusion.true_positive = c.value("tp", std::int64_t{0});
    m.confusion.false_positive = c.value("fp", std::int64_t{0});
    m.confusion.true_negative = c.value("tn", std::int64_t{0});
    m.confusion.false_negative = c.value("fn", std::int64_t{0});
  }
  if (j.contains("calibration"))
    for (const auto& b : j["calibration"])
      m.calibration.push_back({b.value("decile", 0), b.value("rows", std::int64_t{0}),
                               Num(b.value("mean_predicted", json())), Num(b.value("observed_rate", json())),
                               Num(b.value("min_score", json())), Num(b.value("max_score", json()))});
  return m;
}

json ModelInfoToJson(const ModelInfo& info) {
  json cutoffs = json::array();
  for (DayNumber d : info.train_cutoffs) cutoffs.push_back(FormatIsoDate(d));
  json purged = json::object();
  for (const auto& [name, m] : info.purged_valid_metrics) purged[name] = MetricSetToJson(m);
  return {{"version", info.version},
          {"created_at", info.created_at},
          {"engine_version", info.engine_version},
          {"train_cutoffs", cutoffs},
          {"valid_cutoff", info.valid_cutoff ? json(FormatIsoDate(*info.valid_cutoff)) : json(nullptr)},
          {"horizon_days", info.horizon_days},
          {"data_fingerprint", info.data_fingerprint},
          {"train_rows", info.train_rows},
          {"valid_rows", info.valid_rows},
          {"best_iteration", info.best_iteration},
          {"valid_metrics", MetricSetToJson(info.valid_metrics)},
          {"purged", info.purged},
          {"purged_valid_metrics", purged},
          {"source", info.source}};
}

ModelInfo ModelInfoFromJson(const json& j) {
  ModelInfo info;
  info.version = j.value("version", "");
  info.created_at = j.value("created_at", "");
  info.engine_version = j.value("engine_version", "");
  if (j.contains("train_cutoffs"))
    for (const auto& c : j["train_cutoffs"])
      if (auto d = ParseIsoDate(c.get<std::string>())) info.train_cutoffs.push_back(*d);
  if (j.contains("valid_cutoff") && j["valid_cutoff"].is_string())
    info.valid_cutoff = ParseIsoDate(j["valid_cutoff"].get<std::string>());
  info.horizon_days = j.value("horizon_days", 90);
  info.data_fingerprint = j.value("data_fingerprint", "");
  info.train_rows = j.value("train_rows", std::int64_t{0});
  info.valid_rows = j.value("valid_rows", std::int64_t{0});
  info.best_iteration = j.value("best_iteration", 0);
  if (j.contains("valid_metrics")) info.valid_metrics = MetricSetFromJson(j["valid_metrics"]);
  info.purged = j.value("purged", false);
  // Absent in documents written before these metrics existed.
  if (j.contains("purged_valid_metrics") && j["purged_valid_metrics"].is_object())
    for (const auto& [name, m] : j["purged_valid_metrics"].items()) info.purged_valid_metrics[name] = MetricSetFromJson(m);
  info.source = j.value("source", "");
  return info;
}

Result<std::string> ChurnModel::ToJson() const {
  CW_ASSIGN_OR_RETURN(std::string trees, trees_->Save());
  json j;
  j["format"] = "churnwatch-model/1";
  j["info"] = ModelInfoToJson(info_);
  j["feature_names"] = feature_names_;
  j["trees_ubj_base64"] = Base64Encode(trees);
  if (survival_) {
    CW_ASSIGN_OR_RETURN(std::string surv, survival_->Save());
    j["survival_ubj_base64"] = Base64Encode(surv);
  }
  j["aft_sigma"] = aft_sigma_;
  j["logistic"] = {{"mean", logistic_.mean},     {"sd", logistic_.sd}, {"has_indicator", logistic_.has_indicator},
                   {"weights", logistic_.weights}, {"bias", logistic_.bias}, {"c", logistic_.c}};
  j["uses_bgnbd"] = uses_bgnbd_;
  j["stacker"] = stacker_;
  j["calibration"] = {{"method", calibration_.MethodName()},
                      {"a", calibration_.a},
                      {"b", calibration_.b},
                      {"x", calibration_.x},
                      {"y", calibration_.y}};
  j["threshold"] = threshold_;
  return JsonText(j);
}

Result<std::shared_ptr<const ChurnModel>> ChurnModel::FromJson(std::string_view text, int nthread) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::DataError("model document is not a JSON object");
  if (j.value("format", "") != "churnwatch-model/1")
    return Status::DataError("model document has format '" + j.value("format", "") +
                             "', expected 'churnwatch-model/1'");
  try {
    std::shared_ptr<ChurnModel> m(new ChurnModel());
    m->info_ = ModelInfoFromJson(j.at("info"));
    m->feature_names_ = j.at("feature_names").get<std::vector<std::string>>();
    CW_ASSIGN_OR_RETURN(std::string trees, Base64Decode(j.at("trees_ubj_base64").get<std::string>()));
    CW_ASSIGN_OR_RETURN(m->trees_, TreeBooster::Load(trees, nthread));
    if (m->trees_->num_features() != m->feature_names_.size())
      return Status::DataError("model document lists " + std::to_string(m->feature_names_.size()) +
                               " features but its trees expect " + std::to_string(m->trees_->num_features()));
    if (j.contains("survival_ubj_base64")) {
      CW_ASSIGN_OR_RETURN(std::string surv, Base64Decode(j.at("survival_ubj_base64").get<std::string>()));
      CW_ASSIGN_OR_RETURN(m->survival_, TreeBooster::Load(surv, nthread));
    }
    m->aft_sigma_ = j.value("aft_sigma", 1.2);
    const auto& lr = j.at("logistic");
    m->logistic_.mean = lr.at("mean").get<std::vector<double>>();
    m->logistic_.sd = lr.at("sd").get<std::vector<double>>();
    m->logistic_.has_indicator = lr.at("has_indicator").get<std::vector<std::uint8_t>>();
    m->logistic_.weights = lr.at("weights").get<std::vector<double>>();
    m->logistic_.bias = lr.at("bias").get<double>();
    m->logistic_.c = lr.value("c", 1.0);
    if (m->logistic_.mean.size() != m->feature_names_.size())
      return Status::DataError("model document's logistic part has the wrong number of features");
    m->uses_bgnbd_ = j.at("uses_bgnbd").get<bool>();
    m->stacker_ = j.at("stacker").get<std::vector<double>>();
    if (m->stacker_.size() != 4) return Status::DataError("model document's stacker must have 4 weights");
    const auto& cal = j.at("calibration");
    const auto method = cal.at("method").get<std::string>();
    m->calibration_.method = method == "isotonic" ? Calibration::Method::kIsotonic
                             : method == "none"   ? Calibration::Method::kNone
                                                  : Calibration::Method::kPlatt;
    m->calibration_.a = cal.at("a").get<double>();
    m->calibration_.b = cal.at("b").get<double>();
    m->calibration_.x = cal.at("x").get<std::vector<double>>();
    m->calibration_.y = cal.at("y").get<std::vector<double>>();
    m->threshold_ = j.at("threshold").get<double>();
    return std::shared_ptr<const ChurnModel>(std::move(m));
  } catch (const json::exception& e) {
    return Status::DataError(std::string("model document is incomplete: ") + e.what());
  }
}

}  // namespace churnwatch
