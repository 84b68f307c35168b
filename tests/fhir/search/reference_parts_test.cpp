#include <gtest/gtest.h>

#include "fhir/search/reference_parts.hpp"

namespace fhir::search {
namespace {

TEST(ReferencePartsTest, Relative) {
  auto p = parse_reference("Patient/123");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, "Patient");
  EXPECT_EQ(p->id, "123");
  EXPECT_EQ(p->base, "");
  EXPECT_EQ(p->version, "");
  EXPECT_FALSE(p->local);
}

TEST(ReferencePartsTest, AbsoluteAndVersioned) {
  auto p = parse_reference("https://example.org/fhir/Observation/a.b-c/_history/7");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->base, "https://example.org/fhir");
  EXPECT_EQ(p->type, "Observation");
  EXPECT_EQ(p->id, "a.b-c");
  EXPECT_EQ(p->version, "7");
  auto q = parse_reference("Patient/1/_history/2");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->type, "Patient");
  EXPECT_EQ(q->version, "2");
}

TEST(ReferencePartsTest, LocalAndConditional) {
  auto p = parse_reference("#med1");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->local);
  EXPECT_EQ(p->id, "med1");
  auto c = parse_reference("Patient?identifier=http://x|1");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->type, "Patient");
  EXPECT_EQ(c->id, "");
}

TEST(ReferencePartsTest, NotReferencesToATypedTarget) {
  for (const char* bad : {"", "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a", "urn:oid:1.2.3", "Patient",
                          "patient/1", "Patient/", "Patient/a_b", "http://x/ValueSet/abc|1.0"})
    EXPECT_FALSE(parse_reference(bad).has_value()) << bad;
}

}  // namespace
}  // namespace fhir::search
