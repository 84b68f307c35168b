// The care_fact table (sqlite_care_facts.cpp, migration step 8) over a
// real SQLite file: facts replaced with their resource's version, read by
// patient, by resource and for everyone, and always through the request's
// RowFilter on the version they came from.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "fhir/store/store.hpp"
#include "tests/fhir/store/temp_store.hpp"

namespace fhir::store {
namespace {

using test::write_sync;

CareFact fact(std::string patient, std::string kind, std::int64_t at, std::optional<double> value = {}) {
  CareFact f;
  f.patient = std::move(patient);
  f.kind = std::move(kind);
  f.code = "phq-9";
  f.at_ms = at;
  f.value = value;
  f.detail = "safety";
  f.source = "Organization/a";
  return f;
}

// Hides every version labeled "R".
class HideRestricted final : public RowFilter {
 public:
  bool visible(const Row& row) const override { return row.label_key != "R"; }
};

class CareFactsStoreTest : public test::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    open();
  }

  // Appends the next version of Observation/id, labeled label_key, with facts.
  std::vector<std::string> write(const std::string& id, const std::string& label_key, std::vector<CareFact> facts,
                                 bool deleted = false) {
    std::vector<std::string> replaced;
    auto st = write_sync(*store_, [&](WriteTxn& tx) -> Status {
      auto head = tx.head("Observation", id);
      if (!head) return head.take_issue();
      NewVersion v;
      v.type = "Observation";
      v.id = id;
      v.version = *head ? (*head)->version + 1 : 1;
      v.last_updated_ms = tx.now_ms();
      v.deleted = deleted;
      v.method = deleted ? "DELETE" : "PUT";
      v.json = deleted ? "" : R"({"resourceType":"Observation","id":")" + id + "\"}";
      v.label_key = label_key;
      if (auto seq = tx.append(v); !seq) return seq.take_issue();
      auto r = tx.replace_care_facts("Observation", id, facts);
      if (!r) return r.take_issue();
      replaced = *r;
      return ok_status();
    });
    EXPECT_TRUE(st.ok()) << st.issue().diagnostics;
    return replaced;
  }

  std::vector<CareFact> read(CareFactQuery q) {
    auto r = store_->care_facts(q);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<CareFact>{};
  }

};

TEST_F(CareFactsStoreTest, FactsFollowTheirResourcesCurrentVersion) {
  EXPECT_TRUE(write("o1", "", {fact("p1", "score", 20, 12.0), fact("p2", "score", 10, 7.0)}).empty());
  write("o2", "", {fact("p1", "score", 5, 18.0)});
  CareFactQuery p1;
  p1.patients = {"p1"};
  auto facts = read(p1);
  ASSERT_EQ(facts.size(), 2u);
  // By time, each naming its source's version and labels.
  EXPECT_EQ(facts[0].id, "o2");
  EXPECT_EQ(facts[0].at_ms, 5);
  EXPECT_EQ(*facts[0].value, 18.0);
  EXPECT_EQ(facts[1].id, "o1");
  EXPECT_EQ(facts[1].type, "Observation");
  EXPECT_EQ(facts[1].version, 1);
  EXPECT_EQ(facts[1].detail, "safety");
  EXPECT_EQ(facts[1].source, "Organization/a");

  // A new version replaces the resource's facts, naming whom they were about.
  auto replaced = write("o1", "", {fact("p3", "score", 30)});
  std::sort(replaced.begin(), replaced.end());
  EXPECT_EQ(replaced, (std::vector<std::string>{"p1", "p2"}));
  facts = read(p1);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].id, "o2");
  CareFactQuery o1;
  o1.type = "Observation";
  o1.id = "o1";
  facts = read(o1);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].patient, "p3");
  EXPECT_EQ(facts[0].version, 2);
  EXPECT_FALSE(facts[0].value.has_value());
  // A delete removes them.
  EXPECT_EQ(write("o1", "", {}, true), std::vector<std::string>{"p3"});
  EXPECT_TRUE(read(o1).empty());
  auto patients = store_->care_patients("", 10);
  ASSERT_TRUE(patients.ok());
  EXPECT_EQ(*patients, std::vector<std::string>{"p1"});
}

TEST_F(CareFactsStoreTest, AFilterSeesOnlyFactsOfVersionsItLetsThrough) {
  write("open", "", {fact("p1", "score", 1), fact("p2", "score", 2)});
  write("restricted", "R", {fact("p1", "score", 3)});
  HideRestricted filter;
  CareFactQuery everyone;
  EXPECT_EQ(read(everyone).size(), 3u);
  everyone.filter = &filter;
  auto all = read(everyone);
  ASSERT_EQ(all.size(), 2u);
  // Everyone: by patient, then time.
  EXPECT_EQ(all[0].patient, "p1");
  EXPECT_EQ(all[1].patient, "p2");
  CareFactQuery p1;
  p1.patients = {"p1"};
  p1.filter = &filter;
  auto mine = read(p1);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, "open");
  // A new version labeled otherwise: its facts carry the new labels.
  write("open", "R", {fact("p1", "score", 1), fact("p2", "score", 2)});
  EXPECT_TRUE(read(p1).empty());
}

// Relabeling (new label rules) changes no version: the facts take the
// head's new labels all the same.
TEST_F(CareFactsStoreTest, RelabelingTheSourceRelabelsItsFacts) {
  write("o1", "", {fact("p1", "score", 1)});
  HideRestricted filter;
  CareFactQuery p1;
  p1.patients = {"p1"};
  p1.filter = &filter;
  ASSERT_EQ(read(p1).size(), 1u);
  auto st = write_sync(*store_, [](WriteTxn& tx) -> Status {
    auto head = tx.head("Observation", "o1");
    if (!head) return head.take_issue();
    return tx.set_labels(**head, "R", "rules-2");
  });
  ASSERT_TRUE(st.ok()) << st.issue().diagnostics;
  EXPECT_TRUE(read(p1).empty());
  p1.filter = nullptr;
  auto all = read(p1);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].label_key, "R");
}

TEST_F(CareFactsStoreTest, CarePatientsPageInIdOrder) {
  write("o1", "", {fact("c", "score", 1), fact("a", "score", 2), fact("b", "appointment", 3), fact("a", "score", 4)});
  auto first = store_->care_patients("", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, (std::vector<std::string>{"a", "b"}));
  auto rest = store_->care_patients("b", 2);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, std::vector<std::string>{"c"});
}

}  // namespace
}  // namespace fhir::store
