// Cross-checks gateway/auth against Node's built-in crypto module
// (tests/oracle/jose_oracle.cjs), in both directions, for RS384 and ES384:
// Node verifies the tokens we sign (with the JWK we export) and refuses the
// tampered ones; we verify the tokens Node signs with the PEM we wrote,
// both with our key and with a key read from Node's own JWK export; Node's
// JWK and RFC 7638 thumbprint of the key match ours. RS384 is
// deterministic, so there the two tokens must be identical.
//
// Skips only without node (16 or later: base64url Buffers, JWK keys).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/jwk.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/jws_sign.hpp"
#include "gateway/auth/jws_verify.hpp"
#include "gateway/auth/signing_key_file.hpp"
#include "tests/gateway/auth/test_keys.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/node_oracle.hpp"
#include "tests/support/temp_dir.hpp"

namespace gateway::auth {
namespace {

namespace fs = std::filesystem;
using carebridge::test::command_works;
using carebridge::test::oracle_dir;
using carebridge::test::shell_quoted;
using carebridge::test::TempDir;
using fhir::json::Value;



Value claims() {
  auto v = fhir::json::parse(R"({"iss":"client-1","sub":"client-1","aud":"https://carebridge.example/auth/token",)"
                             R"("jti":"f81d4fae","exp":1900000000})");
  EXPECT_TRUE(v.ok());
  return v.ok() ? *v : Value();
}

struct Case {
  const char* name;
  const SigningKey* key;
  const SigningKey* other;  // same type, not registered
};

TEST(JoseOracleTest, AgreesWithNodeCrypto) {
  if (!command_works("node --version")) GTEST_SKIP() << "node is needed for the JOSE oracle";
  if (!command_works("node -e \"process.exit(parseInt(process.versions.node) >= 16 ? 0 : 1)\""))
    GTEST_SKIP() << "node 16 or later is needed for the JOSE oracle";
  TempDir tmp;
  const Case cases[] = {{"RS384", &test::rsa_key(), &test::other_rsa_key()},
                        {"ES384", &test::ec_key(), &test::other_ec_key()}};

  Value request = Value::make_object();
  Value& list = request.set("cases", Value::make_array());
  for (const Case& c : cases) {
    std::string pem = (tmp.path() / (std::string(c.name) + ".pem")).string();
    auto saved = save_signing_key(*c.key, pem);
    ASSERT_TRUE(saved.ok()) << saved.issue().diagnostics;
    auto jwk = public_jwk(c.key->public_key());
    ASSERT_TRUE(jwk.ok());
    auto ours = sign_jws(claims(), *c.key);
    ASSERT_TRUE(ours.ok());
    auto p = test::split(*ours);
    p.payload = test::b64(R"({"iss":"client-2"})");
    std::string tampered = test::join(p);
    auto wrong_key = sign_jws(claims(), *c.other);
    ASSERT_TRUE(wrong_key.ok());

    Value& entry = list.push_back(Value::make_object());
    entry.set("name", Value::make_string(c.name));
    entry.set("alg", Value::make_string(c.name));
    entry.set("kid", Value::make_string(c.key->kid()));
    entry.set("private_key_pem", Value::make_string(pem));
    entry.set("public_jwk", *jwk);
    entry.set("payload", claims());
    Value& tokens = entry.set("tokens", Value::make_object());
    tokens.set("ours", Value::make_string(*ours));
    tokens.set("tampered", Value::make_string(tampered));
    tokens.set("wrong_key", Value::make_string(*wrong_key));
  }
  fs::path in = tmp.path() / "request.json", out = tmp.path() / "reply.json";
  std::ofstream(in, std::ios::binary) << fhir::json::write(request);
  std::string cmd = "node " + shell_quoted(oracle_dir() + "/jose_oracle.cjs") + " " + shell_quoted(in.string()) + " > " +
                    shell_quoted(out.string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto reply = fhir::json::parse(carebridge::test::read_file(out.string()));
  ASSERT_TRUE(reply.ok()) << reply.issue().diagnostics;
  const Value* answers = reply->find("cases");
  ASSERT_NE(answers, nullptr);
  ASSERT_EQ(answers->items().size(), std::size(cases));

  for (std::size_t i = 0; i < std::size(cases); ++i) {
    const Case& c = cases[i];
    const Value& a = answers->items()[i];
    SCOPED_TRACE(c.name);
    ASSERT_EQ(a.string_at("name"), c.name);

    // The key: our JWK is the PEM's public key, member for member.
    ASSERT_NE(a.find("jwk_matches_pem"), nullptr);
    EXPECT_TRUE(a.find("jwk_matches_pem")->as_bool());
    auto required = required_jwk_members(c.key->public_key());
    ASSERT_TRUE(required.ok());
    const Value* node_jwk = a.find("public_jwk");
    ASSERT_NE(node_jwk, nullptr);
    for (const auto& [name, value] : required->members()) EXPECT_EQ(node_jwk->string_at(name), value.text()) << name;
    EXPECT_EQ(a.string_at("thumbprint"), c.key->kid());

    // Node verifies ours and refuses what it must.
    const Value* verified = a.find("verified");
    ASSERT_NE(verified, nullptr);
    const Value* ours = verified->find("ours");
    ASSERT_NE(ours, nullptr);
    EXPECT_TRUE(ours->find("valid")->as_bool()) << fhir::json::write(*ours);
    EXPECT_EQ(*ours->find("payload"), claims());
    EXPECT_FALSE(verified->find("tampered")->find("valid")->as_bool());
    EXPECT_FALSE(verified->find("wrong_key")->find("valid")->as_bool());

    // We verify Node's, with our key and with Node's JWK of it.
    std::string theirs(a.string_at("signed"));
    auto payload = verify_jws(theirs, c.key->public_key());
    ASSERT_TRUE(payload.ok()) << payload.issue().diagnostics;
    EXPECT_EQ(*payload, claims());
    Value their_jwk = *node_jwk;
    their_jwk.set("kid", Value::make_string(c.key->kid()));
    auto their_key = parse_jwk(their_jwk);
    ASSERT_TRUE(their_key.ok()) << their_key.issue().diagnostics;
    EXPECT_TRUE(verify_jws(theirs, *their_key).ok());
    EXPECT_FALSE(verify_jws(theirs, c.other->public_key()).ok());
    if (c.key->type() == KeyType::rsa) {
      EXPECT_EQ(theirs, *sign_jws(claims(), *c.key));
    }
  }
}

}  // namespace
}  // namespace gateway::auth
