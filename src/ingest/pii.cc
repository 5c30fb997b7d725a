// Pseudonymisation of personal fields (SPEC.md §3, §12): HMAC-SHA256 under a secret key,
// after normalising so that the same person's contact data always gets the same digest.
#include "ingest/pii.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "churnwatch/platform.h"
#include "ingest/value_parsers.h"

namespace churnwatch {

std::string HmacSha256Hex(std::string_view key, std::string_view normalised) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(normalised.data()),
           normalised.size(), digest, &len) == nullptr)
    throw InternalError("HMAC-SHA256 failed in OpenSSL");
  return HexLower(std::span<const unsigned char>(digest, len));
}

namespace {

Result<std::string> CheckKeyLength(std::string key, const std::string& where) {
  if (key.size() < kMinPiiKeyBytes)
    return Status::InvalidArgument("the PII key from " + where + " is " + std::to_string(key.size()) +
                                   " bytes; it must be at least " + std::to_string(kMinPiiKeyBytes) +
                                   " (generate one with: openssl rand -hex 32)");
  return key;
}

}  // namespace

Result<std::string> ResolvePiiKey(const std::string& key_file) {
  if (!key_file.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(key_file, ec)) return Status::NotFound("PII key file not found: " + key_file);
    std::ifstream in(key_file, std::ios::binary);
    std::string line;
    std::getline(in, line);
    std::string key(ingest::TrimBlanks(line));
    if (key.empty()) return Status::InvalidArgument("PII key file " + key_file + " is empty (its first line is the key)");
    return CheckKeyLength(std::move(key), "the file " + key_file);
  }
  if (const char* env = std::getenv("CHURNWATCH_PII_KEY"); env != nullptr && *env != '\0')
    return CheckKeyLength(std::string(env), "CHURNWATCH_PII_KEY");
  return std::string();
}

namespace ingest {

void NormalisePii(PiiKind kind, std::string_view raw, std::string& out) {
  out.clear();
  std::string_view v = TrimBlanks(raw);
  switch (kind) {
    case PiiKind::kPhone:
      for (char c : v)
        if (c >= '0' && c <= '9') out.push_back(c);
      break;
    case PiiKind::kEmail:
      for (char c : v) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      break;
    case PiiKind::kName: {
      // Collapse inner blank runs and lower-case ASCII, so "Li  Wei" and "li wei" match.
      bool blank = false;
      for (char c : v) {
        if (c == ' ' || c == '\t') {
          blank = true;
          continue;
        }
        if (blank && !out.empty()) out.push_back(' ');
        blank = false;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
      break;
    }
  }
}

std::string PseudonymiseField(PiiKind kind, std::string_view raw, std::string_view key) {
  std::string normalised;
  NormalisePii(kind, raw, normalised);
  if (normalised.empty()) return std::string();
  return HmacSha256Hex(key, normalised);
}

}  // namespace ingest
}  // namespace churnwatch
