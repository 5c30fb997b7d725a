#pragma once
/// \file platform.h
/// The few calls into the operating system and OpenSSL that several stages make, in one
/// place: huge-page advice for large arrays, and digests as hex.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace churnwatch {

/// The huge page size the advice below aligns to (x86-64 and arm64 transparent huge pages).
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

/// Asks the kernel to back the whole huge pages inside [data, data + bytes) with huge pages
/// (madvise MADV_HUGEPAGE): for large arrays touched at random or streamed once, where 4 KiB
/// pages cost a TLB miss per probe. Advice only: ignored where unsupported, never fails.
void AdviseHugePages(void* data, std::size_t bytes);

/// Lowercase hexadecimal of `bytes` (two digits per byte).
std::string HexLower(std::span<const unsigned char> bytes);

/// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace churnwatch
