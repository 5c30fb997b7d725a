// Stacked feature tables over many cutoffs. Two passes over customer chunks: the first
// only decides eligibility (cheap: a binary search and a short backward scan) so every row's
// final position is known; the second computes rows straight into the output columns.
// Chunks are fixed-size and positions are fixed before the second pass, so the table is
// bit-for-bit the same for any thread count.
#include <algorithm>
#include <string>

#include "churnwatch/feature_catalog.h"
#include "churnwatch/features.h"
#include "features/huge_vector.h"
#include "features/kernel.h"
#include "churnwatch/thread_pool.h"
#include "features/segments_internal.h"

namespace churnwatch {
namespace {

using features_internal::kNumFeatures;

Status CheckOptions(std::span<const DayNumber> cutoffs, const FeatureOptions& o) {
  if (cutoffs.empty()) return Status::InvalidArgument("no cutoff given: pass --as-of DATE or --cutoffs LIST");
  CW_RETURN_IF_ERROR(ValidateHorizonDays(o.horizon_days));
  if (o.lookback_days < 1 || o.lookback_days > 3650)
    return Status::InvalidArgument("lookback_days = " + std::to_string(o.lookback_days) + " is outside 1..3650");
  if (o.threads < 1) return Status::InvalidArgument("threads = " + std::to_string(o.threads) + " must be at least 1");
  return Status::OK();
}

// `customers` is the list of customer indices to consider (all, or a subset).
Result<FeatureTable> Build(const RetailColumns& cols, std::span<const CustomerIdx> customers,
                           std::span<const DayNumber> cutoffs_in, const FeatureOptions& opt) {
  CW_RETURN_IF_ERROR(CheckOptions(cutoffs_in, opt));
  std::vector<DayNumber> cutoffs(cutoffs_in.begin(), cutoffs_in.end());
  std::sort(cutoffs.begin(), cutoffs.end());
  cutoffs.erase(std::unique(cutoffs.begin(), cutoffs.end()), cutoffs.end());
  const std::size_t K = cutoffs.size();
  const std::size_t n = customers.size();
  const std::size_t chunks = (n + features_internal::kChunk - 1) / features_internal::kChunk;

  // Pass 1: eligible rows per (chunk, cutoff); one walk over each customer's rows for all
  // cutoffs (the cursor only moves forward).
  std::vector<std::uint64_t> counts(chunks * K, 0);
  CW_RETURN_IF_ERROR(ParallelForChunks(n, features_internal::kChunk, opt.threads, [&](std::size_t begin, std::size_t end) {
    const std::size_t chunk = begin / features_internal::kChunk;
    for (std::size_t i = begin; i < end; ++i) {
      features_internal::CustomerCursor at(cols, customers[i]);
      for (std::size_t k = 0; k < K; ++k) {
        at.Advance(cutoffs[k]);
        if (at.Eligible(opt)) ++counts[chunk * K + k];
      }
    }
  }));
  // Row layout: cutoff-major, then chunk, then customer order inside the chunk.
  std::vector<std::uint64_t> start(chunks * K, 0);
  std::uint64_t total = 0;
  for (std::size_t k = 0; k < K; ++k)
    for (std::size_t ch = 0; ch < chunks; ++ch) {
      start[ch * K + k] = total;
      total += counts[ch * K + k];
    }

  FeatureTable table;
  table.horizon_days = opt.horizon_days;
  table.lookback_days = opt.lookback_days;
  for (const auto& spec : FeatureCatalogue()) table.names.emplace_back(spec.name);
  table.columns.resize(kNumFeatures);
  // Allocating a column zero-fills it, and on a fresh allocation that is the page faults:
  // the big part of the cost of a large table. Columns are allocated by the workers so the
  // faults are taken on all threads, not serially on this one.
  {
    using features_internal::ResizeHuge;
    constexpr std::size_t kRowColumns = 7;
    CW_RETURN_IF_ERROR(ParallelFor(kRowColumns + kNumFeatures, opt.threads, [&](std::size_t j) {
      switch (j) {
        case 0: ResizeHuge(table.customer_ids, total); break;
        case 1: ResizeHuge(table.cutoffs, total); break;
        case 2: ResizeHuge(table.labels, total); break;
        case 3: ResizeHuge(table.churn_kinds, total); break;
        case 4: ResizeHuge(table.churn_spans, total); break;
        case 5: ResizeHuge(table.days_to_next_purchase, total); break;
        case 6: ResizeHuge(table.observed_days, total); break;
        default: ResizeHuge(table.columns[j - kRowColumns], total); break;
      }
    }));
  }

  // Pass 2: the chunk is walked in blocks of kBlock customers; each block goes through the
  // cutoffs in order, and for every cutoff its eligible rows are computed into a small
  // row-major buffer and written out as one contiguous run per column. A block's rows of
  // one cutoff are consecutive in the table (cutoff-major, customer order inside the
  // chunk), so every column is written sequentially and only one write stream is open per
  // column. The block's transactions (a few hundred customers) stay in cache across its
  // cutoffs, and each customer's cursor only moves forward, as in pass 1.
  CW_RETURN_IF_ERROR(ParallelForChunks(n, features_internal::kChunk, opt.threads, [&](std::size_t begin, std::size_t end) {
    const std::size_t chunk = begin / features_internal::kChunk;
    std::vector<std::uint64_t> next(start.begin() + static_cast<std::ptrdiff_t>(chunk * K),
                                    start.begin() + static_cast<std::ptrdiff_t>(chunk * K + K));
    features_internal::KernelScratch scratch(cols);
    constexpr std::size_t kBlock = 256;   // customers walked through all cutoffs together
    constexpr std::size_t kBuffer = 64;   // rows; 64 x 59 doubles = 30 KiB
    std::vector<double> values(kBuffer * kNumFeatures);
    std::vector<CustomerIdx> who(kBuffer);
    std::vector<features_internal::RowOutcome> outcomes(kBuffer);
    std::vector<features_internal::CustomerCursor> cursors;
    cursors.reserve(kBlock);
    std::size_t buffered = 0;
    // Writes the buffered rows of cutoff k to rows next[k] .. next[k] + buffered.
    auto flush = [&](std::size_t k) {
      const std::uint64_t first = next[k];
      for (std::size_t r = 0; r < buffered; ++r) {
        const std::uint64_t row = first + r;
        table.customer_ids[row] = cols.customer_ids[who[r]];
        table.cutoffs[row] = cutoffs[k];
        table.labels[row] = outcomes[r].label;
        table.churn_kinds[row] = outcomes[r].kind;
        table.churn_spans[row] = outcomes[r].span;
        table.days_to_next_purchase[row] = outcomes[r].next_days;
        table.observed_days[row] = outcomes[r].observed_days;
      }
      for (int f = 0; f < kNumFeatures; ++f) {
        double* const out = table.columns[f].data() + first;
        const double* in = values.data() + f;
        for (std::size_t r = 0; r < buffered; ++r, in += kNumFeatures) out[r] = *in;
      }
      next[k] += buffered;
      buffered = 0;
    };
    for (std::size_t block = begin; block < end; block += kBlock) {
      cursors.clear();
      for (std::size_t i = block; i < std::min(end, block + kBlock); ++i) cursors.emplace_back(cols, customers[i]);
      for (std::size_t k = 0; k < K; ++k) {
        for (auto& at : cursors) {
          at.Advance(cutoffs[k]);
          if (!at.Eligible(opt)) continue;
          at.Prepare();
          features_internal::ComputeRow(at, opt, scratch, values.data() + buffered * kNumFeatures, outcomes[buffered]);
          who[buffered] = at.c;
          if (++buffered == kBuffer) flush(k);
        }
        flush(k);
      }
    }
  }));
  return table;
}

}  // namespace

Result<FeatureTable> BuildFeatureTable(const RetailColumns& columns, std::span<const DayNumber> cutoffs,
                                       const FeatureOptions& options) {
  std::vector<CustomerIdx> all(columns.num_customers());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<CustomerIdx>(i);
  CW_ASSIGN_OR_RETURN(FeatureTable table, Build(columns, all, cutoffs, options));
  if (options.segments) CW_RETURN_IF_ERROR(features_internal::ComputeSegments(table, nullptr, options.threads));
  return table;
}

Result<FeatureTable> BuildFeatureTableFor(const RetailColumns& columns, std::span<const CustomerIdx> customers,
                                          std::span<const DayNumber> cutoffs, const FeatureOptions& options,
                                          const FeatureTable* segment_reference) {
  std::vector<CustomerIdx> sorted(customers.begin(), customers.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  for (CustomerIdx c : sorted)
    if (c >= columns.num_customers())
      return Status::NotFound("customer index " + std::to_string(c) + " is not in the table (" +
                              std::to_string(columns.num_customers()) + " customers)");
  CW_ASSIGN_OR_RETURN(FeatureTable table, Build(columns, sorted, cutoffs, options));
  if (options.segments)
    CW_RETURN_IF_ERROR(features_internal::ComputeSegments(table, segment_reference, options.threads));
  return table;
}

}  // namespace churnwatch
