#pragma once
// Fast non-cryptographic fingerprints for ingest: a 64-bit hash (wyhash-style multiply-mix,
// written here because no Debian package ships a header-only one), the 128-bit RowKey made
// from two independently seeded 64-bit hashes, and a flat open-addressing set of 64-bit
// fingerprints (8 bytes per slot, so 10M rows cost ~128 MiB instead of the ~600 MiB of a
// node-based std::unordered_set).
//
// These are idempotency and duplicate keys, not security: nobody chooses our inputs to
// collide, and at 10^7 rows a 64-bit collision has probability ~3e-6 (documented in
// docs/ingest.md). Personal data never goes through these; it gets HMAC-SHA256 (pii.h).

#include <bit>
#include <cstdlib>
#include <new>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "churnwatch/platform.h"
#include "churnwatch/data_model.h"

namespace churnwatch::ingest {

namespace detail {
__extension__ typedef unsigned __int128 U128;  // GCC/Clang builtin; __extension__ keeps -Wpedantic quiet
inline std::uint64_t Mum(std::uint64_t a, std::uint64_t b) {
  U128 r = static_cast<U128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}
inline std::uint64_t Read64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
}  // namespace detail

/// 64-bit hash of `bytes` under `seed`.
inline std::uint64_t Hash64(std::string_view bytes, std::uint64_t seed) {
  constexpr std::uint64_t k0 = 0xa0761d6478bd642full, k1 = 0xe7037ed1a0b428dbull, k2 = 0x8ebc6af09c88c6e3ull;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  std::uint64_t h = seed ^ detail::Mum(seed ^ k0, n ^ k1);
  while (n >= 16) {
    h = detail::Mum(detail::Read64(p) ^ k1 ^ h, detail::Read64(p + 8) ^ k2);
    p += 16;
    n -= 16;
  }
  std::uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = detail::Read64(p);
    unsigned char tail[8] = {0};
    std::memcpy(tail, p + 8, n - 8);
    b = detail::Read64(tail);
  } else if (n > 0) {
    unsigned char tail[8] = {0};
    std::memcpy(tail, p, n);
    a = detail::Read64(tail);
  }
  h = detail::Mum(a ^ k1 ^ h, b ^ k2 ^ (bytes.size() << 3));
  return detail::Mum(h ^ k0, h ^ k2);
}

/// The 128-bit key of a canonical row's serialised content.
inline RowKey MakeRowKey(std::string_view canonical) {
  return RowKey{Hash64(canonical, 0x51a5e2f3c0ffee01ull), Hash64(canonical, 0x2b7e151628aed2a6ull)};
}

/// A set of 64-bit fingerprints with linear probing; grows at 70 % load. Zero is used as
/// the empty marker, so a fingerprint of 0 is stored as 1 (one more in 2^64 collision).
class FingerprintSet {
 public:
  FingerprintSet() = default;
  ~FingerprintSet() { std::free(slots_); }
  FingerprintSet(const FingerprintSet&) = delete;
  FingerprintSet& operator=(const FingerprintSet&) = delete;

  /// Inserts `fp`; returns false when it was already present.
  bool Insert(std::uint64_t fp) {
    if (fp == 0) fp = 1;
    if ((size_ + 1) * 10 > capacity_ * 7) Grow();
    std::size_t mask = capacity_ - 1;
    for (std::size_t i = static_cast<std::size_t>((fp * 0x9e3779b97f4a7c15ull) >> shift_);; i = (i + 1) & mask) {
      if (slots_[i] == fp) return false;
      if (slots_[i] == 0) {
        slots_[i] = fp;
        ++size_;
        return true;
      }
    }
  }
  std::size_t size() const { return size_; }

  /// Sizes the table for about `n` entries up front, sparing the rehashes (and the page
  /// faults of each new table) of growing step by step.
  void Reserve(std::size_t n) {
    std::size_t want = 1024;
    while (want * 7 < n * 10) want *= 2;
    if (want <= capacity_) return;
    std::uint64_t* old = slots_;
    std::size_t old_capacity = capacity_;
    capacity_ = want;
    slots_ = Allocate(capacity_);
    shift_ = 64 - std::countr_zero(capacity_);
    size_ = 0;
    for (std::size_t i = 0; i < old_capacity; ++i)
      if (old[i] != 0) Insert(old[i]);
    std::free(old);
  }

  /// Starts loading the cache line `fp` will probe, so a later Insert(fp) does not stall on
  /// memory (a random probe into a large table is a cache miss).
  void Prefetch(std::uint64_t fp) const {
    if (slots_ == nullptr) return;
    if (fp == 0) fp = 1;
    __builtin_prefetch(slots_ + static_cast<std::size_t>((fp * 0x9e3779b97f4a7c15ull) >> shift_));
  }

 private:
  // Probes land on random slots of a table of many MiB: on 4 KiB pages nearly every probe
  // is a TLB miss (expensive under virtualisation), so big tables ask for huge pages.
  static std::uint64_t* Allocate(std::size_t slots) {
    std::size_t bytes = slots * sizeof(std::uint64_t);
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    void* p = nullptr;
    if (bytes >= kHuge) {
      p = std::aligned_alloc(kHuge, bytes);
      if (p != nullptr) AdviseHugePages(p, bytes);
    } else {
      p = std::malloc(bytes);
    }
    if (p == nullptr) throw std::bad_alloc();
    std::memset(p, 0, bytes);
    return static_cast<std::uint64_t*>(p);
  }
  // Fibonacci hashing: a slot is the top bits of fp * 2^64/phi, shift_ = 64 - log2(capacity).
  void Grow() { Reserve(capacity_ == 0 ? 1 : capacity_ * 7 / 10 * 2); }
  std::uint64_t* slots_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  int shift_ = 54;
};

}  // namespace churnwatch::ingest
