// Identifier equality, reference normalisation and actor matching
// (research notes section 5).
#include "consent/decision/actor_match.hpp"
#include "tests/consent/decision/decision_fixture.hpp"

namespace consent::test {
namespace {

TEST(IdentifierTest, OidValuesMatchWithOrWithoutTheUrnPrefixUnderRfc3986) {
  Identifier bare{"urn:ietf:rfc:3986", "2.16.840.1.113883.20.5"};
  Identifier urn{"urn:ietf:rfc:3986", "urn:oid:2.16.840.1.113883.20.5"};
  Identifier upper{"urn:ietf:rfc:3986", "URN:OID:2.16.840.1.113883.20.5"};
  EXPECT_TRUE(same_identifier(bare, urn));
  EXPECT_TRUE(same_identifier(urn, upper));
  EXPECT_FALSE(same_identifier(bare, Identifier{"urn:ietf:rfc:3986", "2.16.840.1.113883.20"}));
}

TEST(IdentifierTest, OidSystemsCompareCaseFoldedValuesExactly) {
  Identifier a{"urn:oid:2.16.528.1", "91654"};
  EXPECT_TRUE(same_identifier(a, Identifier{"URN:OID:2.16.528.1", "91654"}));
  EXPECT_FALSE(same_identifier(a, Identifier{"2.16.528.1", "91654"}));  // not a URI system
  EXPECT_FALSE(same_identifier(a, Identifier{"urn:oid:2.16.528.1", "91655"}));
  EXPECT_FALSE(same_identifier(Identifier{"http://x", ""}, Identifier{"http://x", ""}));
  // Outside RFC 3986 the value is opaque: urn:oid: is part of it.
  EXPECT_FALSE(same_identifier(Identifier{"http://x", "urn:oid:1.2"}, Identifier{"http://x", "1.2"}));
}

TEST(IdentifierTest, ReferencesNormaliseToTypeAndId) {
  EXPECT_EQ(relative_reference("Organization/f001"), "Organization/f001");
  EXPECT_EQ(relative_reference("Organization/f001/_history/3"), "Organization/f001");
  EXPECT_EQ(relative_reference("https://gw.example/fhir/Organization/f001"), "Organization/f001");
  EXPECT_EQ(relative_reference("#npi"), "");
  EXPECT_EQ(relative_reference("urn:uuid:0b3c"), "");
  EXPECT_EQ(relative_reference("f001"), "");
  EXPECT_EQ(relative_reference("Organization/"), "");
  EXPECT_EQ(reference_type("Group/g1"), "Group");
}

class ActorMatchTest : public ::testing::Test {
 protected:
  Requester requester = [] {
    Requester r = partner("Organization/gh");
    r.organization_identifiers = {{"urn:oid:2.16.528.1", "91654"}};
    r.user = "Practitioner/nurse";
    r.user_identifiers = {{"http://www.acme.org/practitioners", "5555"}};
    return r;
  }();
  FakeDirectory directory;
};

TEST_F(ActorMatchTest, ByReferenceToTheOrganizationOrTheUser) {
  EXPECT_TRUE(actor_matches({"IRCP", "Organization/gh", {}}, requester, directory));
  EXPECT_TRUE(actor_matches({"PRCP", "Practitioner/nurse", {}}, requester, directory));
  EXPECT_FALSE(actor_matches({"IRCP", "Organization/other", {}}, requester, directory));
}

TEST_F(ActorMatchTest, ByReferenceIdentifier) {
  EXPECT_TRUE(actor_matches({"IRCP", "", {{"http://www.acme.org/practitioners", "5555"}}}, requester, directory));
  EXPECT_FALSE(actor_matches({"IRCP", "", {{"http://www.acme.org/practitioners", "5556"}}}, requester, directory));
}

TEST_F(ActorMatchTest, ByTheIdentifiersTheReferenceResolvesTo) {
  directory.ids["Organization/f001"] = identifiers_in(example("Organization-f001.json"));
  EXPECT_TRUE(actor_matches({"PRCP", "Organization/f001", {}}, requester, directory));
  EXPECT_FALSE(actor_matches({"PRCP", "Organization/unknown", {}}, requester, directory));  // unresolvable
}

TEST_F(ActorMatchTest, ByGroupMembership) {
  directory.groups["Group/team"] = {"Practitioner/other", "https://gw.example/fhir/Practitioner/nurse"};
  directory.groups["Group/strangers"] = {"Practitioner/other"};
  EXPECT_TRUE(actor_matches({"IRCP", "Group/team", {}}, requester, directory));
  EXPECT_FALSE(actor_matches({"IRCP", "Group/strangers", {}}, requester, directory));
}

}  // namespace
}  // namespace consent::test
