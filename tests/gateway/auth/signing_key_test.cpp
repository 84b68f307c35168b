// The gateway's signing key: generated as RSA 3072 or EC P-384, written and
// read as unencrypted PKCS#8 PEM, with kid = its RFC 7638 thumbprint.
// Other PEM forms, sizes and curves are refused.
#include "gateway/auth/signing_key.hpp"

#include <gtest/gtest.h>

#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/jws_sign.hpp"
#include "gateway/auth/jws_verify.hpp"
#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

// Made with `openssl genpkey` for these tests only.
constexpr const char* kRsa1024Pem = R"(-----BEGIN PRIVATE KEY-----
MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAJTbjPZx+umoGGM0
/278yV/ODtLKbVkV8xcH+vVq+CfgoIm+X+niNWSQFHT9QNr3xHy+bgnl892G7xRa
XxNCyPyRSJMRX7FFQY/TooruPGCSiI+GKKofDqdR8DlBzXQ5owFj53k6s3FOlHSM
ylVXMphskWK/3RUqE/WhCCJR+gflAgMBAAECgYBeJTFVGKdxqe+qpvU6U8RkxGUZ
qg9YfYpeMZzmJL5IMkg2deIhgQD11i4qA5ZGJtftcV8VAYunutRwket5ug50v9x0
L07dn9wG5EGE2ufTY34kP3+n6Q9KR1baaonuLqriPVE++3rP2aISlAsWyW21VVyj
l4PhMeBdpsfZA6gpAQJBAMO1K97chwIRPh9A1IodbfKD97j+pSSieNPsH+y6mHHW
hDbakzdsmFdXW10hmBxtnbzNDl7KuvUKJY5kRii78KUCQQDCt3dOdaudGUoWaKj6
1HQ50OY0hLJkFbr3rnKxu+kpJg7HucuEsHWpOgvG2yz0ewHxefL6gXcVLX1j539f
ONZBAkAGeJwdv177c4SBVgxxEK4NAc4UIN9nCbRDFaCsnDLkOLqgcbPCdmXHJY1Q
1AaKkhlQH9ukyMFLzu0U+z3SpPw9AkEAn/nEF74tpQCmEgsi6hGq++VZfUSYnAoO
dnfo24WbZqdR9V38i6O+x65dBqAEK0j0q8SZkJ7Vi5y4LGCCEWXNAQJBAJ4LaEFC
5zaUEwChM6Mna3CD6QjQPrLtHoGolpRlN4vIGCp/oMf/D35mIngv3tuaE706x9mX
8skbnPVCeB0Jus8=
-----END PRIVATE KEY-----
)";
constexpr const char* kP256Pem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgCzgxqcd+BgOnWHzr
jUxougRSNb4uaIE6wOqh+faM+H+hRANCAASXC1wiAuNzCF/5x5NXcCEcbpWyHNak
SzMB7ddmaDuxrM7uMc/rKf4LBWbXx8n0/8uSq6n6mUxtWVisi8GObZDQ
-----END PRIVATE KEY-----
)";
constexpr const char* kEd25519Pem = R"(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIIwfiI3bRRFBzgxpk93yC4zNMuM+nKPfaQvs/Qsu/XPE
-----END PRIVATE KEY-----
)";
// P-384, PKCS#8 encrypted with the passphrase "test".
constexpr const char* kEncryptedP384Pem = R"(-----BEGIN ENCRYPTED PRIVATE KEY-----
MIIBHDBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQIr7Ptb8YRI1UCAggA
MAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUDBAECBBAmXPJoYBRB+nQZ4tYZlC8KBIHA
oaxnclg9A9BndkoDNGkvt8ZAKtMUMQ2B79/yRjq0EGZ71N0rPiUxeZPPA5uySZzw
7KQk8SHbcoQh6NDPHlsRDf9zjCnilNIGfLL4YOxVSXk0eCVXWIZfiS5eQaMb27y/
QO+scddffvEHVSiSoP9sjac1aRAxEROj6xotHlxtlAjMArjfPR+hbvi7UvvparMB
CYbMYXTWptvKvd9tKCl2ARYSHXlJa5TcJMHDqZQbCtkSKopSe4zwqMyjdvKzz348
-----END ENCRYPTED PRIVATE KEY-----
)";
// P-384 in OpenSSL's traditional (SEC 1) form, not PKCS#8.
constexpr const char* kSec1P384Pem = R"(-----BEGIN EC PRIVATE KEY-----
MIGkAgEBBDCFHI6Z0xdACs1dYP81A+vGRzbtWwgWYhgX9h8Rl3CxoQTaFLRNgW9w
rJAB0x4kRH2gBwYFK4EEACKhZANiAARcqCtI8xKsWg4gpyvK3Q3lPVFuLWULn9Mo
Vguqtn/YfVv02S0PDfMy9Z9KT+QxKv3rHtKSPR677ePtmqyu6PwHVXq4mqDMJtee
Kjhnfwt/1fgtiyK9MFlGfz9zsb2VcRU=
-----END EC PRIVATE KEY-----
)";

TEST(SigningKeyTest, GeneratesRsa3072AndEcP384) {
  const SigningKey& rsa = test::rsa_key();
  ASSERT_FALSE(rsa.empty());
  EXPECT_EQ(rsa.type(), KeyType::rsa);
  EXPECT_EQ(rsa.alg(), JwsAlg::rs384);
  EXPECT_EQ(rsa.public_key().alg(), JwsAlg::rs384);
  auto rsa_jwk = public_jwk(rsa.public_key());
  ASSERT_TRUE(rsa_jwk.ok());
  EXPECT_EQ(rsa_jwk->string_at("n").size(), 512u);  // 3072 bits

  const SigningKey& ec = test::ec_key();
  ASSERT_FALSE(ec.empty());
  EXPECT_EQ(ec.type(), KeyType::ec_p384);
  EXPECT_EQ(ec.alg(), JwsAlg::es384);
  EXPECT_EQ(ec.kid().size(), 43u);
}

TEST(SigningKeyTest, PemRoundTripKeepsTheKey) {
  for (const SigningKey* key : {&test::rsa_key(), &test::ec_key()}) {
    auto pem = key->to_pem();
    ASSERT_TRUE(pem.ok()) << pem.issue().diagnostics;
    EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
    auto back = SigningKey::from_pem(*pem);
    ASSERT_TRUE(back.ok()) << back.issue().diagnostics;
    EXPECT_EQ(back->kid(), key->kid());
    EXPECT_EQ(back->type(), key->type());
    // The reloaded private key signs what the original public key accepts.
    auto payload = fhir::json::Value::make_object();
    payload.set("sub", fhir::json::Value::make_string("roundtrip"));
    auto token = sign_jws(payload, *back);
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(verify_jws(*token, key->public_key()).ok());
  }
}

TEST(SigningKeyTest, RefusesOtherKeysAndFormsWithoutShowingThem) {
  struct Case {
    const char* name;
    const char* pem;
    const char* why;
  } cases[] = {
      {"RSA 1024", kRsa1024Pem, "RSA key of 1024 bits; 2048 to 8192 are accepted"},
      {"P-256", kP256Pem, "EC key not on P-384"},
      {"Ed25519", kEd25519Pem, "neither RSA nor EC P-384"},
      {"encrypted", kEncryptedP384Pem, "not an unencrypted PKCS#8 PEM private key"},
      {"SEC 1", kSec1P384Pem, "not an unencrypted PKCS#8 PEM private key"},
      {"garbage", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "not an unencrypted PKCS#8"},
      {"empty", "", "not an unencrypted PKCS#8"},
  };
  for (const Case& c : cases) {
    auto key = SigningKey::from_pem(c.pem);
    ASSERT_FALSE(key.ok()) << c.name;
    EXPECT_EQ(key.issue().code, "invalid") << c.name;
    EXPECT_EQ(key.issue().http_status, 400) << c.name;
    EXPECT_NE(key.issue().diagnostics.find(c.why), std::string::npos) << c.name << ": " << key.issue().diagnostics;
    EXPECT_EQ(key.issue().diagnostics.find("MI"), std::string::npos) << c.name;
  }
}

TEST(SigningKeyTest, AnEmptyKeyWritesNothing) {
  SigningKey none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.to_pem().ok());
}

}  // namespace
}  // namespace gateway::auth
