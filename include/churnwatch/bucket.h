#pragma once
/// \file bucket.h
/// Customer buckets: the one partitioning key every scaled-out part of churnwatch shares
/// (store partitions, training and scoring workers, Kafka partitions). A customer's bucket
/// is computed once, when its rows are loaded, and stored beside them.
///
///   bucket(id) = Mix64(Fnv1a64(id's bytes)) mod B
///
/// Fnv1a64 is FNV-1a, 64-bit (offset basis 14695981039346656037, prime 1099511628211);
/// Mix64 is SplitMix64's finaliser (Steele, Lea, Flood 2014; the constants of
/// `java.util.SplittableRandom`'s mix64). Both are fixed forever: changing either moves
/// customers between buckets, i.e. between partitions and workers. The SQL function
/// `churnwatch_bucket(text, integer)` in a PostgreSQL store computes the same value.
/// B is fixed per store (its `store_settings` row `bucket_count`, 1024 by default).

#include <cstdint>
#include <string_view>

namespace churnwatch {

inline constexpr std::uint32_t kDefaultBucketCount = 1024;

/// FNV-1a over the bytes of `s`.
constexpr std::uint64_t Fnv1a64(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

/// SplitMix64's finaliser: a bijection on 64-bit integers whose every output bit depends
/// on every input bit, so `mod B` of it is balanced even for sequential ids.
constexpr std::uint64_t Mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// The bucket of a customer id (empty or missing ids hash the empty string). `buckets` > 0.
constexpr std::uint32_t CustomerBucket(std::string_view customer_id, std::uint32_t buckets) {
  return static_cast<std::uint32_t>(Mix64(Fnv1a64(customer_id)) % buckets);
}

/// A half-open range of buckets [begin, end).
struct BucketRange {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  constexpr bool Contains(std::uint32_t b) const { return b >= begin && b < end; }
  constexpr std::uint32_t size() const { return end > begin ? end - begin : 0; }
  friend constexpr bool operator==(const BucketRange&, const BucketRange&) = default;
};

/// The buckets worker `rank` of `workers` owns: contiguous ranges, bucket b belongs to
/// worker floor(b · workers / buckets), so every bucket has exactly one owner and ranges
/// differ in size by at most one. Contiguous ranges keep a worker's scan inside few
/// store partitions. Requires 0 <= rank < workers <= buckets.
constexpr BucketRange OwnedBuckets(std::uint32_t rank, std::uint32_t workers, std::uint32_t buckets) {
  // Smallest b with b·workers >= rank·buckets, i.e. ceil(rank·buckets / workers).
  auto first = [&](std::uint64_t r) {
    return static_cast<std::uint32_t>((r * buckets + workers - 1) / workers);
  };
  return {first(rank), first(rank + 1ull)};
}

}  // namespace churnwatch
