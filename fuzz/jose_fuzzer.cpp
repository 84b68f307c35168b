// JOSE: bytes as a compact JWS (a client assertion, an access token) and
// as a JWK Set (a client's registered keys). Parsing refuses, never
// crashes; a parsed JWS names only RS384 or ES384; verification against
// the gateway's own key of garbage never succeeds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/support/invariant.hpp"
#include "gateway/auth/jwk_set.hpp"
#include "gateway/auth/jws_parse.hpp"
#include "gateway/auth/jws_verify.hpp"
#include "gateway/auth/signing_key.hpp"

namespace {
gateway::auth::SigningKey* g_key = nullptr;  // generated once, read-only
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  auto key = gateway::auth::SigningKey::generate(gateway::auth::KeyType::ec_p384);
  if (!key) std::abort();
  g_key = new gateway::auth::SigningKey(std::move(*key));  // lives for the process
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parts = gateway::auth::parse_jws(input);
  if (parts) {
    CAREBRIDGE_FUZZ_CHECK(parts->alg == gateway::auth::JwsAlg::rs384 || parts->alg == gateway::auth::JwsAlg::es384,
                          "a parsed JWS is RS384 or ES384");
  } else {
    CAREBRIDGE_FUZZ_CHECK(parts.issue().http_status >= 400, "a refused JWS is an error");
  }
  // Nobody but the gateway holds its key: random bytes never verify.
  CAREBRIDGE_FUZZ_CHECK(!gateway::auth::verify_jws(input, g_key->public_key()).ok(),
                        "garbage never verifies against the gateway's key");
  (void)gateway::auth::JwkSet::parse(input);
  return 0;
}
