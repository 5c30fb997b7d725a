#pragma once
// Normalisation and keyed hashing of personal fields (phone, e-mail, name).

#include <string>
#include <string_view>

#include "churnwatch/ingest.h"

namespace churnwatch::ingest {

enum class PiiKind { kPhone, kEmail, kName };

/// Phone: digits only ("+86 138-0013-8000" -> "8613800138000"); e-mail: trimmed and
/// lower-cased; name: trimmed, inner blank runs collapsed, ASCII lower-cased.
void NormalisePii(PiiKind kind, std::string_view raw, std::string& out);

/// HMAC-SHA256 hex of the normalised value, or "" when the value is empty after
/// normalising (an empty field stays empty rather than hashing to a shared digest).
std::string PseudonymiseField(PiiKind kind, std::string_view raw, std::string_view key);

}  // namespace churnwatch::ingest
