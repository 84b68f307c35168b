// Purpose of use against HL7's own v3-ActReason CodeSystem, as the build
// ships it (share/carebridge/r4): every code under the abstract
// PurposeOfUse concept, at any depth, and nothing else; named bare, with
// the ActReason OID or with its canonical URL; always written back with the
// canonical URL.
#include "gateway/auth/purpose_of_use.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "tests/support/fixture_paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace gateway::auth {
namespace {

std::string act_reason_file() { return carebridge::test::share_dir() + "/r4/CodeSystem-v3-ActReason.json"; }

class PurposeOfUseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = PurposeOfUseCodes::load(act_reason_file());
    ASSERT_TRUE(loaded.ok()) << loaded.issue().diagnostics;
    codes_ = *loaded;
  }
  std::shared_ptr<const PurposeOfUseCodes> codes_;
};

TEST_F(PurposeOfUseTest, KnowsThePurposeOfUseCodesAtEveryDepth) {
  // The seven top-level purposes, and some below them.
  for (const char* code : {"HMARKT", "HOPERAT", "HPAYMT", "HRESCH", "PATRQT", "PUBHLTH", "TREAT",  //
                           "ETREAT", "BTG", "ERTREAT", "COC", "POPHLTH", "CLINTRCHNPC", "PWATRNY", "HDM",
                           "COVERAGE", "DISASTER"})
    EXPECT_TRUE(codes_->known(code)) << code;
}

TEST_F(PurposeOfUseTest, KnowsNothingElse) {
  for (const char* code : {"PurposeOfUse",  // the abstract parent itself
                           "_ActHealthInformationManagementReason", "ACCREQNA",  // ActReason, but not a purpose
                           "treat", "TREAT ", "", "NOPE"})
    EXPECT_FALSE(codes_->known(code)) << code;
}

TEST_F(PurposeOfUseTest, ParsesBareOidAndUrlForms) {
  for (const char* text : {"TREAT", "urn:oid:2.16.840.1.113883.5.8#TREAT",
                           "http://terminology.hl7.org/CodeSystem/v3-ActReason#TREAT"}) {
    auto p = parse_purpose_of_use(text, *codes_);
    ASSERT_TRUE(p.ok()) << text;
    EXPECT_EQ(p->system, kActReasonSystem);
    EXPECT_EQ(p->code, "TREAT");
    EXPECT_EQ(p->to_string(), "http://terminology.hl7.org/CodeSystem/v3-ActReason#TREAT");
    EXPECT_FALSE(p->empty());
  }
  auto btg = parse_purpose_of_use("urn:oid:2.16.840.1.113883.5.8#BTG", *codes_);
  ASSERT_TRUE(btg.ok());
  EXPECT_EQ(btg->code, "BTG");
  EXPECT_TRUE(PurposeOfUse{}.empty());
}

TEST_F(PurposeOfUseTest, RefusesOtherSystemsAndUnknownCodes) {
  for (const char* text : {"http://example.org/purpose#TREAT", "urn:oid:2.16.840.1.113883.5.4#TREAT",
                           "#TREAT", "urn:oid:2.16.840.1.113883.5.8#", "urn:oid:2.16.840.1.113883.5.8#NOPE",
                           "http://terminology.hl7.org/CodeSystem/v3-ActReason#PurposeOfUse", "", "NOPE",
                           "urn:oid:2.16.840.1.113883.5.8#TREAT#TREAT"}) {
    SCOPED_TRACE(text);
    auto p = parse_purpose_of_use(text, *codes_);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.issue().code, "value");
    EXPECT_EQ(p.issue().http_status, 400);
  }
}

TEST_F(PurposeOfUseTest, DiagnosticsQuoteOnlyShortPrintableText) {
  auto short_one = parse_purpose_of_use("NOPE", *codes_);
  ASSERT_FALSE(short_one.ok());
  EXPECT_NE(short_one.issue().diagnostics.find("'NOPE'"), std::string::npos) << short_one.issue().diagnostics;
  // A line break could forge a log line; a long text could be anything.
  for (const std::string& text : {std::string("NO\nPE"), std::string(200, 'A'), std::string("it's")}) {
    auto p = parse_purpose_of_use(text, *codes_);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.issue().diagnostics.find(text), std::string::npos) << p.issue().diagnostics;
    EXPECT_NE(p.issue().diagnostics.find("(not shown)"), std::string::npos) << p.issue().diagnostics;
  }
}

TEST(PurposeOfUseLoadTest, RefusesFilesThatAreNotActReason) {
  carebridge::test::TempDir dir;
  const std::string other = (dir.path() / "other.json").string();
  std::ofstream(other) << R"({"resourceType":"CodeSystem","url":"http://example.org/cs","concept":[)"
                          R"({"code":"PurposeOfUse","concept":[{"code":"TREAT"}]}]})";
  EXPECT_FALSE(PurposeOfUseCodes::load(other).ok());
  // The right system without any purpose under PurposeOfUse.
  const std::string empty = (dir.path() / "empty.json").string();
  std::ofstream(empty) << R"({"resourceType":"CodeSystem","url":"http://terminology.hl7.org/CodeSystem/v3-ActReason",)"
                          R"("concept":[{"code":"PurposeOfUse"}]})";
  EXPECT_FALSE(PurposeOfUseCodes::load(empty).ok());
  EXPECT_FALSE(PurposeOfUseCodes::load((dir.path() / "missing.json").string()).ok());
  EXPECT_FALSE(PurposeOfUseCodes::load(carebridge::test::share_dir() + "/r4/CompartmentDefinition-patient.json").ok());
  // A minimal one that is right is read as such.
  const std::string tiny = (dir.path() / "tiny.json").string();
  std::ofstream(tiny) << R"({"resourceType":"CodeSystem","url":"http://terminology.hl7.org/CodeSystem/v3-ActReason",)"
                         R"("concept":[{"code":"PurposeOfUse","concept":[{"code":"TREAT","concept":[{"code":"ETREAT"}]}]},)"
                         R"({"code":"OTHER"}]})";
  auto codes = PurposeOfUseCodes::load(tiny);
  ASSERT_TRUE(codes.ok()) << codes.issue().diagnostics;
  EXPECT_TRUE((*codes)->known("TREAT"));
  EXPECT_TRUE((*codes)->known("ETREAT"));
  EXPECT_FALSE((*codes)->known("OTHER"));
  EXPECT_FALSE((*codes)->known("PurposeOfUse"));
}

}  // namespace
}  // namespace gateway::auth
