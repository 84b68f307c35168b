// ECDSA signature forms: JOSE's fixed-width r || s and OpenSSL's DER
// ECDSA-Sig-Value, in both directions, with the edge cases of DER INTEGERs
// (a zero octet before a high bit, leading zeros dropped).
#include "gateway/auth/ecdsa_signature.hpp"

#include <gtest/gtest.h>

namespace gateway::auth {
namespace {

std::string raw(char r_first, char s_first) {
  std::string r(48, '\x11'), s(48, '\x22');
  r[0] = r_first;
  s[0] = s_first;
  return r + s;
}

TEST(EcdsaSignatureTest, RoundTripsThroughDer) {
  for (std::string sig : {raw('\x11', '\x22'), raw('\x80', '\xff'), raw('\0', '\0'), raw('\x7f', '\x01')}) {
    auto der = ecdsa_raw_to_der(sig, kEs384ScalarBytes);
    ASSERT_TRUE(der.has_value());
    EXPECT_EQ((*der)[0], '\x30');  // SEQUENCE
    auto back = ecdsa_der_to_raw(*der, kEs384ScalarBytes);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, sig);
  }
}

TEST(EcdsaSignatureTest, WritesMinimalDerIntegers) {
  // r = 0x80.. needs a zero octet to stay positive (49 bytes); s with a
  // leading zero octet drops it (47 bytes).
  std::string sig = raw('\x80', '\0');
  auto der = ecdsa_raw_to_der(sig, kEs384ScalarBytes);
  ASSERT_TRUE(der.has_value());
  std::string expected = "\x30\x64\x02\x31";
  expected += '\0';
  expected += sig.substr(0, 48);
  expected += "\x02\x2f";
  expected += sig.substr(49);
  EXPECT_EQ(*der, expected);
}

TEST(EcdsaSignatureTest, RefusesWrongSizes) {
  EXPECT_FALSE(ecdsa_raw_to_der(std::string(95, '\x11'), kEs384ScalarBytes).has_value());
  EXPECT_FALSE(ecdsa_raw_to_der(std::string(97, '\x11'), kEs384ScalarBytes).has_value());
  EXPECT_FALSE(ecdsa_raw_to_der("", kEs384ScalarBytes).has_value());
  // An r of 49 significant bytes does not fit P-384's 48.
  std::string wide = "\x30\x66\x02\x31\x01" + std::string(48, '\x11') + "\x02\x31\x01" + std::string(48, '\x22');
  EXPECT_FALSE(ecdsa_der_to_raw(wide, kEs384ScalarBytes).has_value());
}

TEST(EcdsaSignatureTest, RefusesMalformedDer) {
  auto der = ecdsa_raw_to_der(raw('\x11', '\x22'), kEs384ScalarBytes);
  ASSERT_TRUE(der.has_value());
  EXPECT_FALSE(ecdsa_der_to_raw(*der + "x", kEs384ScalarBytes).has_value());           // trailing bytes
  EXPECT_FALSE(ecdsa_der_to_raw(der->substr(0, 50), kEs384ScalarBytes).has_value());   // truncated
  EXPECT_FALSE(ecdsa_der_to_raw("", kEs384ScalarBytes).has_value());
  EXPECT_FALSE(ecdsa_der_to_raw("\x30\x06\x02\x01\xff\x02\x01\x01", kEs384ScalarBytes).has_value());  // r < 0
}

}  // namespace
}  // namespace gateway::auth
