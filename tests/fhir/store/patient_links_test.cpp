// The Patient link table (sqlite_patient_links.cpp, migration step 7) over
// a real SQLite file in a fresh temp directory per test.
#include <gtest/gtest.h>

#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_migrations.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "fhir/store/store.hpp"
#include "tests/fhir/store/temp_store.hpp"

namespace fhir::store {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kT0 = 1'700'000'000'000;

using test::write_sync;

PatientLink make_link(std::string a, std::string b, std::string state, std::string decided_by, double score = 0.5) {
  PatientLink l;
  l.a = std::move(a);
  l.b = std::move(b);
  l.grade = state == "linked" ? "certain" : "";
  l.state = std::move(state);
  l.score = score;
  l.evidence = R"({"outcome":"x"})";
  l.decided_by = std::move(decided_by);
  l.rules_version = "r1";
  l.updated_ms = kT0;
  return l;
}

class PatientLinksTest : public test::TempStoreTest {
 protected:
  PatientLinksTest() : TempStoreTest(kT0) {}
  // put_patient_link's answer: whether the row was written.
  Result<bool> put(const PatientLink& l) {
    Result<bool> out;
    auto st = write_sync(*store_, [&](WriteTxn& tx) -> Status {
      out = tx.put_patient_link(l);
      return ok_status();
    });
    EXPECT_TRUE(st.ok());
    return out;
  }
  Result<bool> remove(const std::string& a, const std::string& b) {
    Result<bool> out;
    auto st = write_sync(*store_, [&](WriteTxn& tx) -> Status {
      out = tx.remove_patient_link(a, b);
      return ok_status();
    });
    EXPECT_TRUE(st.ok());
    return out;
  }
  std::vector<PatientLink> list(std::string patient = {}, std::string state = {}) {
    PatientLinkQuery q;
    q.patient = std::move(patient);
    q.state = std::move(state);
    auto links = store_->list_patient_links(q);
    EXPECT_TRUE(links.ok());
    return links.ok() ? std::move(*links) : std::vector<PatientLink>{};
  }
  std::string pairs(const std::vector<PatientLink>& links) {
    std::string out;
    for (const auto& l : links) out += l.a + "-" + l.b + ":" + l.state + " ";
    return out;
  }

};

TEST_F(PatientLinksTest, PutStoresEveryFieldInCanonicalOrder) {
  open();
  PatientLink l = make_link("zed", "abe", "review", "auto", 0.915);
  l.grade = "possible";
  ASSERT_TRUE(put(l).ok());
  auto all = list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].a, "abe");
  EXPECT_EQ(all[0].b, "zed");
  EXPECT_EQ(all[0].state, "review");
  EXPECT_DOUBLE_EQ(all[0].score, 0.915);
  EXPECT_EQ(all[0].grade, "possible");
  EXPECT_EQ(all[0].evidence, l.evidence);
  EXPECT_EQ(all[0].decided_by, "auto");
  EXPECT_EQ(all[0].rules_version, "r1");
  EXPECT_EQ(all[0].updated_ms, kT0);

  // The same pair the other way round is the same row.
  auto written = put(make_link("abe", "zed", "linked", "auto", 0.99));
  ASSERT_TRUE(written.ok());
  EXPECT_TRUE(*written);
  all = list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state, "linked");
  EXPECT_DOUBLE_EQ(all[0].score, 0.99);

  std::optional<PatientLink> read;
  ASSERT_TRUE(write_sync(*store_, [&](WriteTxn& tx) -> Status {
                auto r = tx.patient_link("zed", "abe");
                if (!r) return r.take_issue();
                read = *r;
                return ok_status();
              }).ok());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->a, "abe");
}

TEST_F(PatientLinksTest, ListsByPatientAndByState) {
  open();
  ASSERT_TRUE(put(make_link("p1", "p2", "linked", "auto")).ok());
  ASSERT_TRUE(put(make_link("p3", "p1", "review", "auto")).ok());
  ASSERT_TRUE(put(make_link("p2", "p3", "rejected", "manual:ann")).ok());
  ASSERT_TRUE(put(make_link("p4", "p5", "review", "auto")).ok());
  EXPECT_EQ(pairs(list()), "p1-p2:linked p1-p3:review p2-p3:rejected p4-p5:review ");
  // Either side of the pair.
  EXPECT_EQ(pairs(list("p3")), "p1-p3:review p2-p3:rejected ");
  EXPECT_EQ(pairs(list("p1")), "p1-p2:linked p1-p3:review ");
  EXPECT_EQ(pairs(list("", "review")), "p1-p3:review p4-p5:review ");
  EXPECT_EQ(pairs(list("p2", "rejected")), "p2-p3:rejected ");
  EXPECT_EQ(pairs(list("p9")), "");
}

TEST_F(PatientLinksTest, ManualDecisionsWinOverAutomaticOnes) {
  open();
  ASSERT_TRUE(put(make_link("a", "b", "rejected", "manual:ann")).ok());
  // Matching finds the pair again: the rejection stands.
  auto again = put(make_link("a", "b", "linked", "auto", 1.0));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto removed = remove("b", "a");
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(*removed);
  auto rows = list();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, "rejected");
  EXPECT_EQ(rows[0].decided_by, "manual:ann");

  // A person may change their mind; "Manual:x" is no manual decision.
  auto relinked = put(make_link("a", "b", "linked", "manual"));
  ASSERT_TRUE(relinked.ok());
  EXPECT_TRUE(*relinked);
  ASSERT_TRUE(put(make_link("a", "b", "review", "Manual:x")).ok());
  EXPECT_EQ(pairs(list()), "a-b:linked ");

  // An automatic row is replaced and removed by automatic matching.
  ASSERT_TRUE(put(make_link("c", "d", "review", "auto")).ok());
  auto updated = put(make_link("c", "d", "linked", "auto"));
  ASSERT_TRUE(updated.ok());
  EXPECT_TRUE(*updated);
  auto gone = remove("c", "d");
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(*gone);
  EXPECT_EQ(pairs(list()), "a-b:linked ");
}

TEST_F(PatientLinksTest, RefusesMalformedLinks) {
  open();
  for (const PatientLink& bad : {make_link("a", "a", "linked", "auto"), make_link("", "b", "linked", "auto"),
                                 make_link("a", "b", "maybe", "auto"), make_link("a", "b", "linked", "")}) {
    auto r = put(bad);
    ASSERT_FALSE(r.ok()) << bad.a << " " << bad.b << " " << bad.state;
    EXPECT_EQ(r.issue().code, err::kInvalidValue.issue_code);
    EXPECT_EQ(r.issue().severity, err::kInvalidValue.severity);
  }
  EXPECT_TRUE(list().empty());
}

TEST_F(PatientLinksTest, AStoreOfThePreviousSchemaGainsTheTable) {
  const auto steps = store_migrations();
  ASSERT_GE(steps.back().version, 7);
  {
    auto conn = Connection::open(path_, Connection::Mode::read_write_create, 1000);
    ASSERT_TRUE(conn.ok());
    auto applied = migrate(**conn, steps.first(6));
    ASSERT_TRUE(applied.ok());
    EXPECT_EQ(*applied, 6);
    auto table = (*conn)->prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'patient_link'");
    ASSERT_TRUE(table.ok() && table->step().ok());
    EXPECT_EQ(table->int64(0), 0);
  }
  open();
  EXPECT_TRUE(list().empty());
  ASSERT_TRUE(put(make_link("a", "b", "linked", "manual")).ok());
  store_->close();
  auto conn = Connection::open(path_, Connection::Mode::read_only, 1000);
  ASSERT_TRUE(conn.ok());
  auto version = (*conn)->prepare("PRAGMA user_version");
  ASSERT_TRUE(version.ok() && version->step().ok());
  EXPECT_EQ(version->int64(0), steps.back().version);
  auto index = (*conn)->prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'patient_link_by_b'");
  ASSERT_TRUE(index.ok() && index->step().ok());
  EXPECT_EQ(index->int64(0), 1);
  // The table itself refuses a pair out of order, whoever writes it.
  auto rw = Connection::open(path_, Connection::Mode::read_write_create, 1000);
  ASSERT_TRUE(rw.ok());
  EXPECT_FALSE((*rw)->exec("INSERT INTO patient_link VALUES ('z', 'y', 'linked', 1.0, '', '', 'manual', '', 0)").ok());
}

}  // namespace
}  // namespace fhir::store
