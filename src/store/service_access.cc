// API keys and the audit log (service_store.h). A key is 256 bits from OpenSSL's CSPRNG;
// only its SHA-256 is stored, so a copy of the database does not hand out access. A plain
// (unsalted) hash suffices because the secret is random and long, not a password.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>

#include "churnwatch/service_store.h"

namespace churnwatch {
namespace {

std::string Hex(const unsigned char* p, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  return s;
}

std::vector<std::string> SplitStores(const std::string& csv) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < csv.size()) {
    std::size_t end = csv.find(',', start);
    if (end == std::string::npos) end = csv.size();
    if (end > start) out.push_back(csv.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

ApiKeyRecord DecodeKey(const SqlRow& r) {
  ApiKeyRecord k;
  k.key_id = r[0];
  k.role = ParseRole(r[1]).value_or(Role::kViewer);
  k.stores = SplitStores(r[2]);
  k.label = r[3];
  k.created_at = r.Int(4);
  k.revoked_at = r.Int(5);
  return k;
}

}  // namespace

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kViewer: return "viewer";
    case Role::kManager: return "manager";
    case Role::kAdmin: return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (auto r : {Role::kViewer, Role::kManager, Role::kAdmin})
    if (RoleName(r) == name) return r;
  return std::nullopt;
}

std::string HashApiKey(std::string_view secret) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(secret.data(), secret.size(), md, &n, EVP_sha256(), nullptr);
  return Hex(md, n);
}

Result<NewApiKey> CreateApiKey(Store& store, Role role, std::vector<std::string> stores, std::string label, UnixSeconds now) {
  for (const auto& s : stores)
    if (s.empty() || s.find(',') != std::string::npos)
      return Status::InvalidArgument("store id '" + s + "' must be non-empty and contain no ','");
  if (role == Role::kManager && stores.empty())
    return Status::InvalidArgument("a manager key needs --stores (the stores whose customers it may see)");
  std::sort(stores.begin(), stores.end());
  stores.erase(std::unique(stores.begin(), stores.end()), stores.end());
  unsigned char id[6], secret[32];
  if (RAND_bytes(id, sizeof id) != 1 || RAND_bytes(secret, sizeof secret) != 1)
    return Status::Internal("OpenSSL could not produce random bytes for the key");
  NewApiKey out;
  out.record.key_id = "k_" + Hex(id, sizeof id);
  out.record.role = role;
  out.record.stores = stores;
  out.record.label = std::move(label);
  out.record.created_at = now;
  out.secret = "cw_" + Hex(id, sizeof id) + "_" + Hex(secret, sizeof secret);
  std::string csv;
  for (const auto& s : stores) csv += (csv.empty() ? "" : ",") + s;
  const std::array<SqlParam, 6> p = {out.record.key_id,    HashApiKey(out.secret), std::string(RoleName(role)), csv,
                                     out.record.label, now};
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    return txn
        .Execute("INSERT INTO api_keys (key_id, key_hash, role, stores, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                 p)
        .status();
  }));
  return out;
}

Result<std::vector<ApiKeyRecord>> ListApiKeys(Store& store) {
  std::vector<ApiKeyRecord> out;
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT key_id, role, stores, label, created_at, revoked_at FROM api_keys ORDER "
                                             "BY created_at, key_id",
                                             {}));
    for (const auto& r : rows) out.push_back(DecodeKey(r));
    return Status::OK();
  }));
  return out;
}

Status RevokeApiKey(Store& store, std::string_view key_id, UnixSeconds now) {
  return store.InTransaction([&](SqlTxn& txn) -> Status {
    const std::array<SqlParam, 1> id = {std::string(key_id)};
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT revoked_at FROM api_keys WHERE key_id = $1", id));
    if (rows.empty()) return Status::NotFound("API key " + std::string(key_id) + " does not exist");
    if (rows[0].Int(0) != 0) return Status::OK();
    const std::array<SqlParam, 2> p = {now, std::string(key_id)};
    return txn.Execute("UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2", p).status();
  });
}

Result<ApiKeyRecord> AuthenticateApiKey(Store& store, std::string_view secret) {
  std::optional<ApiKeyRecord> found;
  const std::array<SqlParam, 1> p = {HashApiKey(secret)};
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT key_id, role, stores, label, created_at, revoked_at FROM api_keys WHERE "
                                             "key_hash = $1",
                                             p));
    if (!rows.empty()) found = DecodeKey(rows[0]);
    return Status::OK();
  }));
  if (!found || found->revoked_at != 0) return Status::PermissionDenied("unknown or revoked API key");
  return *found;
}

Status WriteAudit(SqlTxn& txn, const AuditEntry& e) {
  const std::array<SqlParam, 7> p = {e.at, e.key_id, e.role, e.action, e.customer_id, std::int64_t{e.status}, e.detail};
  return txn
      .Execute("INSERT INTO audit_log (at, key_id, role, action, customer_id, status, detail) VALUES ($1, $2, $3, $4, $5, $6, "
               "$7)",
               p)
      .status();
}

Status WriteAudit(Store& store, const AuditEntry& e) {
  return store.InTransaction([&](SqlTxn& txn) { return WriteAudit(txn, e); });
}

Result<std::vector<AuditEntry>> ListAudit(Store& store, std::string_view customer_id, std::int64_t limit,
                                          std::int64_t offset) {
  std::vector<AuditEntry> out;
  const std::array<SqlParam, 3> p = {std::string(customer_id), std::max<std::int64_t>(0, limit),
                                     std::max<std::int64_t>(0, offset)};
  CW_RETURN_IF_ERROR(store.InTransaction([&](SqlTxn& txn) -> Status {
    CW_ASSIGN_OR_RETURN(auto rows, txn.Query("SELECT at, key_id, role, action, customer_id, status, detail FROM audit_log "
                                             "WHERE ($1 = '' OR customer_id = $1) ORDER BY entry_id DESC LIMIT $2 OFFSET $3",
                                             p));
    for (const auto& r : rows) out.push_back({r.Int(0), r[1], r[2], r[3], r[4], static_cast<int>(r.Int(5)), r[6]});
    return Status::OK();
  }));
  return out;
}

}  // namespace churnwatch
