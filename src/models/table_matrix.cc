// FeatureTable (columns) -> DenseMatrix (rows) for XGBoost and liblinear, and the data
// fingerprint stored with each model.
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "churnwatch/platform.h"
#include "churnwatch/models.h"

namespace churnwatch {

Result<DenseMatrix> MatrixFromTable(const FeatureTable& table, std::span<const std::string> feature_order,
                                    std::span<const std::size_t> rows) {
  std::vector<const std::vector<double>*> cols;
  std::string missing;
  for (const auto& name : feature_order) {
    const auto idx = table.FeatureIndex(name);
    if (!idx) {
      missing += (missing.empty() ? "" : ", ") + name;
      continue;
    }
    cols.push_back(&table.columns[*idx]);
  }
  if (!missing.empty()) return Status::InvalidArgument("feature table lacks the model's features: " + missing);
  DenseMatrix m;
  m.cols = feature_order.size();
  m.rows = rows.empty() ? table.num_rows() : rows.size();
  m.values.resize(m.rows * m.cols);
  // Blocks of rows, so the row-major destination block stays in cache while every column
  // is read sequentially (a plain column-by-column pass strides through all of memory).
  constexpr std::size_t kBlock = 256;
  for (std::size_t r0 = 0; r0 < m.rows; r0 += kBlock) {
    const std::size_t r1 = std::min(m.rows, r0 + kBlock);
    for (std::size_t c = 0; c < m.cols; ++c) {
      const double* col = cols[c]->data();
      float* dst = m.values.data() + c;
      if (rows.empty()) {
        for (std::size_t r = r0; r < r1; ++r) dst[r * m.cols] = static_cast<float>(col[r]);
      } else {
        for (std::size_t r = r0; r < r1; ++r) dst[r * m.cols] = static_cast<float>(col[rows[r]]);
      }
    }
  }
  return m;
}

std::string FingerprintTable(const FeatureTable& table) {
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  auto put = [&](const void* p, std::size_t n) { EVP_DigestUpdate(ctx.get(), p, n); };
  for (const auto& id : table.customer_ids) put(id.data(), id.size() + 1);  // include the NUL as separator
  put(table.cutoffs.data(), table.cutoffs.size() * sizeof(DayNumber));
  put(table.labels.data(), table.labels.size() * sizeof(ChurnLabel));
  for (std::size_t f = 0; f < table.names.size(); ++f) {
    put(table.names[f].data(), table.names[f].size() + 1);
    put(table.columns[f].data(), table.columns[f].size() * sizeof(double));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  return HexLower(std::span<const unsigned char>(digest, len));
}

}  // namespace churnwatch
