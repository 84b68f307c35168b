#include <gtest/gtest.h>

#include "fhir/json/parse.hpp"
#include "fhir/search/reference_values.hpp"

namespace fhir::search {
namespace {

std::vector<ReferenceValue> refs_of(const char* json) {
  auto v = json::parse(json);
  EXPECT_TRUE(v.ok()) << json;
  std::vector<ReferenceValue> out;
  append_reference_values(fhirpath::Node{&*v, {}, false}, out);
  return out;
}

TEST(ReferenceValuesTest, Relative) {
  auto r = refs_of(R"({"reference":"Patient/p1","display":"P"})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, "Patient");
  EXPECT_EQ(r[0].id, "p1");
  EXPECT_EQ(r[0].url, "");
  EXPECT_FALSE(r[0].local);
}

TEST(ReferenceValuesTest, AbsoluteKeepsTheUrl) {
  auto r = refs_of(R"({"reference":"http://x.org/fhir/Patient/p1/_history/4"})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, "Patient");
  EXPECT_EQ(r[0].id, "p1");
  EXPECT_EQ(r[0].version, "4");
  EXPECT_EQ(r[0].url, "http://x.org/fhir/Patient/p1/_history/4");
}

TEST(ReferenceValuesTest, ContainedIsMarkedLocal) {
  auto r = refs_of(R"({"reference":"#med"})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].local);
  EXPECT_EQ(r[0].id, "med");
  EXPECT_EQ(r[0].type, "");
}

TEST(ReferenceValuesTest, LogicalAndTyped) {
  auto r = refs_of(R"({"type":"Patient","identifier":{"system":"urn:ssn","value":"123"}})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].type, "Patient");
  EXPECT_EQ(r[0].identifier_system, "urn:ssn");
  EXPECT_EQ(r[0].identifier_value, "123");
  auto u = refs_of(R"({"reference":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a","type":"Practitioner"})");
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].type, "Practitioner");
  EXPECT_EQ(u[0].url, "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a");
  EXPECT_TRUE(refs_of(R"({"display":"Dr Nobody"})").empty());
}

TEST(ReferenceValuesTest, CanonicalWithVersion) {
  auto r = refs_of(R"("http://hl7.org/fhir/Library/suiciderisk|1.2")");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].url, "http://hl7.org/fhir/Library/suiciderisk");
  EXPECT_EQ(r[0].version, "1.2");
  EXPECT_EQ(r[0].type, "Library");
  EXPECT_EQ(r[0].id, "suiciderisk");
}

TEST(ReferenceValuesTest, Uris) {
  auto v = json::parse(R"("http://example.org/profile")");
  std::vector<UriValue> out;
  append_uri_values(fhirpath::Node{&*v, {}, false}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].uri, "http://example.org/profile");
}

}  // namespace
}  // namespace fhir::search
