// Keys and token pieces the gateway/auth tests share. Keys are generated
// once per test binary (RSA 3072 takes a moment) and never leave it.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "gateway/auth/signing_key.hpp"

namespace gateway::auth {
// Test names and failure messages say "RSA" or "EC P-384".
void PrintTo(KeyType type, std::ostream* os);
}  // namespace gateway::auth

namespace gateway::auth::test {

const SigningKey& rsa_key();
const SigningKey& ec_key();
// A second key of each type: a token signed with one must not verify with
// the other.
const SigningKey& other_rsa_key();
const SigningKey& other_ec_key();

// base64url of text, for hand-built tokens.
std::string b64(std::string_view text);
// The three parts of a compact JWS, or empty strings.
struct TokenParts {
  std::string header, payload, signature;
};
TokenParts split(const std::string& token);
std::string join(const TokenParts& p);

}  // namespace gateway::auth::test
