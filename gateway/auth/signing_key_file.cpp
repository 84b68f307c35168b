#include "gateway/auth/signing_key_file.hpp"

#include <string>
#include <utility>

#include "fhir/core/secret_file.hpp"

namespace gateway::auth {

fhir::Status save_signing_key(const SigningKey& key, const std::string& path) {
  auto pem = key.to_pem();
  if (!pem) return pem.take_issue();
  fhir::SecretText text(std::move(*pem));
  return fhir::create_secret_file(path, text.text(), "signing key file");
}

fhir::Result<SigningKey> load_signing_key(const std::string& path) {
  auto text = fhir::read_secret_file(path, kMaxKeyFileBytes, "signing key file");
  if (!text) return text.take_issue();
  auto key = SigningKey::from_pem(text->text());
  if (!key) {
    fhir::Issue issue = key.take_issue();
    issue.diagnostics += " (file " + path + ")";
    return issue;
  }
  return key;
}

}  // namespace gateway::auth
