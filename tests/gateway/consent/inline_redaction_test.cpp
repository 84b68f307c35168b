// Element-level redaction by inline security labels, on HL7's own DS4P
// example: a Patient whose SSN identifier is labeled R (restricted). A
// partner asking for treatment is cleared for restricted data and gets the
// SSN; the same partner asking for payment is not, and gets the Patient
// without it, marked REDACT, on every path out. The stored version keeps it.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

constexpr std::string_view kSsn = "111-22-3333";
constexpr std::string_view kDriversLicence = "1234567";
constexpr std::string_view kRedact = R"("code":"REDACT")";

class InlineRedactionTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    std::string patient = read_file(fixtures_dir() + "/ds4p-ig/extension-inline-sec-label-patient.json");
    auto put = client().put("Patient/P002", patient);
    ASSERT_EQ(put.status, 201) << put.body;
    treatment_ = std::make_unique<TestClient>(client_for({.id = "harbor-t", .organization = "Organization/harbor"}));
    payment_ = std::make_unique<TestClient>(
        client_for({.id = "harbor-p", .organization = "Organization/harbor", .purpose = "HPAYMT"}));
  }
  // Every path out that carries the Patient.
  std::vector<std::string> bodies(const TestClient& c) {
    std::vector<std::string> out;
    out.push_back(c.get("Patient/P002").body);
    out.push_back(c.get("Patient/P002/_history/1").body);
    out.push_back(c.get("Patient?_id=P002").body);
    out.push_back(c.get("Patient/P002/_history").body);
    out.push_back(c.get("Patient/P002/$everything").body);
    out.push_back(c.post("", R"({"resourceType":"Bundle","type":"batch","entry":[
        {"request":{"method":"GET","url":"Patient/P002"}}]})").body);
    return out;
  }
  std::unique_ptr<TestClient> treatment_;
  std::unique_ptr<TestClient> payment_;
};

TEST_F(InlineRedactionTest, TreatmentIsClearedForTheRestrictedIdentifier) {
  for (const auto& body : bodies(*treatment_)) {
    EXPECT_NE(body.find(kSsn), std::string::npos) << body.substr(0, 300);
    EXPECT_NE(body.find(kDriversLicence), std::string::npos);
    EXPECT_EQ(body.find(kRedact), std::string::npos);
  }
}

TEST_F(InlineRedactionTest, PaymentGetsThePatientWithoutItOnEveryPath) {
  for (const auto& body : bodies(*payment_)) {
    EXPECT_EQ(body.find(kSsn), std::string::npos) << body.substr(0, 300);
    EXPECT_NE(body.find(kDriversLicence), std::string::npos) << "only the labeled element goes";
    EXPECT_NE(body.find(kRedact), std::string::npos) << body.substr(0, 300);
  }
  // Stored as sent: the custodian reads it whole, same version.
  auto whole = client().get("Patient/P002");
  EXPECT_NE(whole.body.find(kSsn), std::string::npos);
  EXPECT_EQ(whole.header("etag"), "W/\"1\"");
}

// A search must not tell what it withholds inside a resource: one that
// matched only through the redacted SSN finds nothing, counts nothing,
// exactly as for an SSN no one has. Unlabeled identifiers match as usual.
TEST_F(InlineRedactionTest, NoSearchMatchRestsOnARedactedElement) {
  const std::string by_ssn = "Patient?identifier=http://hl7.org/fhir/sid/us-ssn|111-22-3333";
  const std::string by_licence = "Patient?identifier=urn:oid:2.16.840.1.113883.4.3.2|1234567";
  for (const std::string& q : {by_ssn, by_ssn + "&_summary=count", by_ssn + "&_total=accurate"}) {
    SCOPED_TRACE(q);
    auto treated = treatment_->get(q);
    ASSERT_EQ(treated.status, 200) << treated.body;
    auto treated_json = treated.json();
    EXPECT_EQ(treated_json.find("total")->text(), "1");
    auto paid = payment_->get(q);
    ASSERT_EQ(paid.status, 200) << paid.body;
    auto paid_json = paid.json();
    EXPECT_EQ(paid_json.find("total")->text(), "0") << paid.body.substr(0, 400);
    EXPECT_EQ(paid.body.find("P002"), std::string::npos);
  }
  auto licensed = payment_->get(by_licence);
  ASSERT_EQ(licensed.status, 200);
  EXPECT_NE(licensed.body.find("P002"), std::string::npos);
  EXPECT_EQ(licensed.body.find(kSsn), std::string::npos);
  // Criteria on what it receives, together with the SSN: still nothing.
  EXPECT_EQ(payment_->get(by_licence + "&identifier=http://hl7.org/fhir/sid/us-ssn|111-22-3333").body.find("P002"),
            std::string::npos);
}

TEST_F(InlineRedactionTest, TheLabelerMarksAResourceWithInlineLabelsEvenWhenTheSourceDidNot) {
  const std::string unmarked = R"({"resourceType":"Patient","id":"p9","identifier":[
    {"system":"http://hl7.org/fhir/sid/us-ssn","value":"999-88-7777","extension":[{
      "url":"http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-inline-sec-label",
      "valueCoding":{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}}]},
    {"system":"urn:example:mrn","value":"MRN-9"}]})";
  ASSERT_EQ(client().put("Patient/p9", unmarked).status, 201);
  EXPECT_NE(client().get("Patient/p9").body.find(R"("code":"PROCESSINLINELABEL")"), std::string::npos);
  auto paid = payment_->get("Patient/p9").body;
  EXPECT_EQ(paid.find("999-88-7777"), std::string::npos) << paid;
  EXPECT_NE(paid.find("MRN-9"), std::string::npos);
}

}  // namespace
}  // namespace carebridge::test
