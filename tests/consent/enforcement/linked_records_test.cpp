// LinkedRecords: the link table's linked pairs as persons (issue 9). Pure:
// pairs and heads in, groups out.
#include "consent/enforcement/linked_records.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace consent {
namespace {

using fhir::store::PatientLink;
using fhir::store::VersionRecord;

PatientLink pair(std::string a, std::string b, std::string state = "linked") {
  PatientLink l;
  l.a = std::move(a);
  l.b = std::move(b);
  l.state = std::move(state);
  l.decided_by = "auto";
  return l;
}

VersionRecord head(const std::string& id, std::string label_key) {
  VersionRecord r;
  r.type = "Patient";
  r.id = id;
  r.version = 1;
  r.label_key = std::move(label_key);
  r.patients = id;
  r.json = R"({"resourceType":"Patient"})";
  return r;
}

TEST(LinkedRecords, LinkedPairsJoinIntoPersonsNamedByTheirLeastId) {
  std::unordered_map<std::string, VersionRecord> heads;
  for (const char* id : {"p-a", "p-b", "p-c", "q-1", "q-2"}) heads.emplace(id, head(id, "N"));
  // a-b and b-c: one person, though a and c were never compared.
  auto r = LinkedRecords::build({pair("p-b", "p-c"), pair("p-a", "p-b"), pair("q-2", "q-1")}, heads);
  ASSERT_NE(r->group_of("p-c"), nullptr);
  EXPECT_EQ(*r->group_of("p-c"), (std::vector<std::string>{"p-a", "p-b", "p-c"}));
  EXPECT_EQ(r->person_of("p-c"), "p-a");
  EXPECT_EQ(r->person_of("p-a"), "p-a");
  EXPECT_EQ(r->person_of("q-1"), "q-1");
  EXPECT_EQ(r->person_of("q-2"), "q-1");
  EXPECT_EQ(r->member_count(), 5u);
  // The heads are kept without their JSON.
  ASSERT_NE(r->head_of("p-b"), nullptr);
  EXPECT_EQ(r->head_of("p-b")->label_key, "N");
  EXPECT_TRUE(r->head_of("p-b")->json.empty());
}

TEST(LinkedRecords, ReviewAndRejectedPairsLinkNobody) {
  auto r = LinkedRecords::build({pair("p-a", "p-b", "review"), pair("p-a", "p-c", "rejected")}, {});
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(r->group_of("p-a"), nullptr);
  EXPECT_EQ(r->person_of("p-b"), "p-b");
  EXPECT_EQ(r->head_of("p-a"), nullptr);
}

TEST(LinkedRecords, ARecordLinkedToNothingIsItsOwnPerson) {
  auto none = LinkedRecords::none();
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(none->person_of("x"), "x");
  EXPECT_EQ(none->group_of("x"), nullptr);
  // A member whose head was not found (never stored) is grouped, not named.
  auto r = LinkedRecords::build({pair("p-a", "p-b")}, {});
  ASSERT_NE(r->group_of("p-b"), nullptr);
  EXPECT_EQ(r->head_of("p-b"), nullptr);
}

}  // namespace
}  // namespace consent
