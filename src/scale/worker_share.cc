// Each worker's share of the customers, summed over the collective (scale.h): the check
// that no customer is lost or counted twice when the data is split by bucket.
#include "churnwatch/scale.h"

namespace churnwatch::scale {

std::string WorkerShare::Line() const {
  return "worker " + std::to_string(rank) + "/" + std::to_string(workers) + ": buckets [" + std::to_string(buckets.begin) +
         ", " + std::to_string(buckets.end) + ") customers " + std::to_string(customers) + " transactions " +
         std::to_string(transactions) + " events " + std::to_string(events) + " id_checksum " + std::to_string(id_checksum);
}

Result<WorkerShare> ShareOf(Collective& collective, const RetailColumns& columns, BucketRange owned,
                            std::uint32_t bucket_count) {
  WorkerShare s;
  s.rank = collective.rank();
  s.workers = collective.world_size();
  s.buckets = owned;
  s.customers = columns.num_customers();
  s.transactions = columns.num_transactions();
  s.events = columns.num_events();
  for (const auto& id : columns.customer_ids) s.id_checksum += Fnv1a64(id);
  std::uint64_t sums[] = {s.customers, s.transactions, s.events, s.id_checksum};
  CW_RETURN_IF_ERROR(collective.SumUInt64(sums));
  s.total_customers = sums[0];
  s.total_transactions = sums[1];
  s.total_events = sums[2];
  s.total_id_checksum = sums[3];
  std::vector<std::uint64_t> owners(bucket_count, 0);
  for (std::uint32_t b = owned.begin; b < owned.end && b < bucket_count; ++b) owners[b] = 1;
  CW_RETURN_IF_ERROR(collective.SumUInt64(owners));
  for (std::uint32_t b = 0; b < bucket_count; ++b)
    if (owners[b] != 1)
      return Status::Internal("distributed training: bucket " + std::to_string(b) + " is owned by " +
                              std::to_string(owners[b]) + " workers, not one");
  return s;
}

}  // namespace churnwatch::scale
