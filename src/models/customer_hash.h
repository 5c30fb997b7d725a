#pragma once
// A stable hash of a customer id, for the splits that must not depend on row order or on
// the run: the two halves of a validation cutoff (stacker / calibration), the BG/NBD fit
// sample, and the held-out part of an already-labelled table.

#include <cstdint>
#include <string_view>

namespace churnwatch {

/// FNV-1a (64-bit) of the id's bytes. Part of the model's reproducibility: changing it
/// changes which customers fall in which split, so trained models would differ.
inline std::uint64_t HashCustomerId(std::string_view id) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace churnwatch
