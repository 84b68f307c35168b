// Client assertions as a client system builds them (SMART Backend Services,
// RFC 7523 private_key_jwt), and the token request form that carries them,
// for the tests of the token endpoint. Signing goes through gateway/auth's
// sign_jws; tests that need an independent signer use the Node oracle.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "fhir/json/value.hpp"

namespace gateway::auth {
class SigningKey;
}

namespace carebridge::test {

inline constexpr const char* kTreatOid = "urn:oid:2.16.840.1.113883.5.8#TREAT";

// {"keys": [...]}: the public halves of keys, as a client registers them.
std::string jwks_of(std::initializer_list<const gateway::auth::SigningKey*> keys);

// iss = sub = client_id, aud, exp (given in ms, written in seconds), a
// fresh jti, and extensions.hl7-b2b.purpose_of_use = [purpose] (no
// extensions at all when purpose is empty).
fhir::json::Value assertion_claims(const std::string& client_id, const std::string& aud, std::int64_t exp_ms,
                                   const std::string& purpose = kTreatOid);

// claims as a compact JWS: header {"alg", "kid": key's, "typ": "JWT"}.
std::string sign_assertion(const fhir::json::Value& claims, const gateway::auth::SigningKey& key);

// Any header and payload text, signed with key as its alg (RS384 or ES384)
// says, whatever the header claims: tokens sign_jws would not make (too
// large, someone else's kid, a header we choose).
std::string sign_compact(const std::string& header_json, const std::string& payload_json,
                         const gateway::auth::SigningKey& key);

// The token request's form fields; an empty one is left out.
struct TokenForm {
  std::string grant_type = "client_credentials";
  std::string client_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  std::string client_assertion;
  std::string scope;
  // application/x-www-form-urlencoded.
  std::string encode() const;
};

// The decoded, parsed header or payload of a compact JWS (nothing checked):
// what a test reads out of an access token.
fhir::json::Value jws_header(const std::string& token);
fhir::json::Value jws_payload(const std::string& token);

}  // namespace carebridge::test
