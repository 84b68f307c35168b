#include "gateway/auth/jwk_thumbprint.hpp"

#include <openssl/evp.h>

#include "fhir/core/base64.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/openssl_handles.hpp"

namespace gateway::auth {

fhir::Result<std::string> jwk_thumbprint(const PublicKey& key) {
  auto members = required_jwk_members(key);
  if (!members) return members.take_issue();
  // The members are ASCII base64url and names, so json::write's compact
  // output is RFC 7638 §3.3's exact input.
  std::string input = fhir::json::write(*members);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
    ossl::clear_errors();
    return fhir::make_issue(fhir::err::kInternal, "cannot hash the public key");
  }
  return fhir::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

}  // namespace gateway::auth
