#include "consent/audit/audit_key_file.hpp"

#include <filesystem>
#include <string>
#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/core/secret_file.hpp"

namespace consent {
namespace {

// A PEM Ed25519 key is about 120 bytes; anything much larger is not one.
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

fhir::Status save_new(const AuditKey& key, const std::string& path) {
  auto pem = key.private_pem();
  if (!pem) return pem.take_issue();
  fhir::SecretText text(std::move(*pem));
  return fhir::create_secret_file(path, text.text(), "audit key file");
}

}  // namespace

fhir::Result<AuditKey> load_audit_key(const std::string& path) {
  auto text = fhir::read_secret_file(path, kMaxKeyFileBytes, "audit key file");
  if (!text) return text.take_issue();
  auto key = AuditKey::from_pem(text->text());
  if (!key) {
    fhir::Issue issue = key.take_issue();
    issue.diagnostics += " (file " + path + ")";
    return issue;
  }
  return key;
}

fhir::Result<AuditKey> load_or_create_audit_key(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto key = AuditKey::generate();
    if (!key) return key.take_issue();
    auto saved = save_new(*key, path);
    if (saved) return key;
    // Lost a race with another process creating it: use theirs.
    if (!std::filesystem::exists(path, ec)) return saved.take_issue();
  }
  auto key = load_audit_key(path);
  if (key && !key->can_sign())
    return fhir::make_issue(fhir::err::kInvalidParameter, "audit key file " + path + ": holds no private key");
  return key;
}

}  // namespace consent
