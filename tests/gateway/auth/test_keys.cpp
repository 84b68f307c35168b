#include "tests/gateway/auth/test_keys.hpp"

#include <gtest/gtest.h>

#include <ostream>

#include "fhir/core/base64.hpp"

namespace gateway::auth {
void PrintTo(KeyType type, std::ostream* os) { *os << key_type_name(type); }
}  // namespace gateway::auth

namespace gateway::auth::test {

namespace {

SigningKey make(KeyType type) {
  auto key = SigningKey::generate(type);
  if (!key) ADD_FAILURE() << key.issue().diagnostics;
  return key ? *key : SigningKey();
}

}  // namespace

const SigningKey& rsa_key() {
  static const SigningKey key = make(KeyType::rsa);
  return key;
}
const SigningKey& ec_key() {
  static const SigningKey key = make(KeyType::ec_p384);
  return key;
}
const SigningKey& other_rsa_key() {
  static const SigningKey key = make(KeyType::rsa);
  return key;
}
const SigningKey& other_ec_key() {
  static const SigningKey key = make(KeyType::ec_p384);
  return key;
}

std::string b64(std::string_view text) { return fhir::base64url_encode(text); }

TokenParts split(const std::string& token) {
  std::size_t a = token.find('.'), b = token.find('.', a + 1);
  if (a == std::string::npos || b == std::string::npos) return {};
  return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

std::string join(const TokenParts& p) { return p.header + "." + p.payload + "." + p.signature; }

}  // namespace gateway::auth::test
