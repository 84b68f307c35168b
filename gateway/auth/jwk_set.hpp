// A JWK Set (RFC 7517 §5): the public keys a client registered. Keys we
// cannot use are skipped, as §5 advises, so a set that also holds, say, an
// encryption key still works; why each was skipped is kept for whoever
// registers the set. A set with no usable key is refused.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "fhir/core/issue.hpp"
#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "gateway/auth/public_key.hpp"

namespace gateway::auth {

// A registered set is a few keys; this is room for dozens.
inline constexpr std::size_t kMaxJwksBytes = 64 * 1024;

class JwkSet {
 public:
  JwkSet() = default;
  static fhir::Result<JwkSet> parse(std::string_view json_text);
  static fhir::Result<JwkSet> from_json(const fhir::json::Value& jwks);

  const std::vector<PublicKey>& keys() const { return keys_; }
  // One warning per key left out, naming it ("keys[1]") and why.
  const std::vector<fhir::Issue>& skipped() const { return skipped_; }
  // The keys a signature by alg under this kid may be checked with: same
  // kid, fitting type (SMART Backend Services: filter by kid and by kty
  // consistent with alg, then try each).
  std::vector<const PublicKey*> candidates(std::string_view kid, JwsAlg alg) const;

 private:
  std::vector<PublicKey> keys_;
  std::vector<fhir::Issue> skipped_;
};

}  // namespace gateway::auth
