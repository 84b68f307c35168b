// No trail, no disclosure, in the real server: while the audit table
// refuses inserts (a trigger added from another connection, as a full
// disk or a locked file would), every path out answers 503 with an
// OperationOutcome and nothing of the resource; once the table takes
// inserts again, the same requests are served, without a restart, and the
// chain has no hole.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdio>
#include <optional>
#include <string>

#include "consent/audit/audit_paths.hpp"
#include "consent/audit/audit_verify.hpp"
#include "gateway/app/runtime.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/outcome_checks.hpp"

namespace carebridge::test {
namespace {

// What must not leave while the trail is down: the resources' ids and
// values no OperationOutcome would name.
constexpr const char* kObservationId = "obs-fc";
constexpr const char* kValue = "zebra-quartz-7781";
constexpr const char* kFamily = "Quillfeather";

class AuditFailClosedTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    ASSERT_EQ(client().put("Patient/pfc", R"({"resourceType":"Patient","id":"pfc","name":[{"family":")" +
                                              std::string(kFamily) + R"("}]})")
                  .status,
              201);
    ASSERT_EQ(client().put(std::string("Observation/") + kObservationId,
                           R"({"resourceType":"Observation","id":")" + std::string(kObservationId) +
                               R"(","status":"final","code":{"text":"note"},"subject":{"reference":"Patient/pfc"},
                               "valueString":")" + kValue + R"("})")
                  .status,
              201);
    const gateway::Settings& s = gateway_->runtime().app().settings;
    audit_db_ = s.audit_db.empty() ? consent::default_audit_path(s.db_path) : s.audit_db;
  }

  // Runs sql on the audit file from a connection of its own, beside the
  // server's writer.
  void exec_on_log(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(audit_db_.c_str(), &db), SQLITE_OK) << audit_db_;
    sqlite3_busy_timeout(db, 5000);  // the writer may hold the lock a moment
    char* msg = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
    const std::string error = msg != nullptr ? msg : "";
    sqlite3_free(msg);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << error << "\n" << sql;
  }
  void block_audit() {
    exec_on_log("CREATE TRIGGER test_block_audit BEFORE INSERT ON audit_record "
                "BEGIN SELECT RAISE(ABORT, 'the test refuses audit records'); END;");
  }
  void unblock_audit() { exec_on_log("DROP TRIGGER test_block_audit"); }

  static void expect_nothing_disclosed(const HttpResult& r, const std::string& what) {
    SCOPED_TRACE(what);
    expect_outcome(r, 503);
    for (const char* secret : {kObservationId, kValue, kFamily})
      EXPECT_EQ(r.body.find(secret), std::string::npos) << secret << " in " << r.body;
    // Nor does a header say which version is there.
    EXPECT_EQ(r.header("etag"), "");
    EXPECT_EQ(r.header("last-modified"), "");
  }

  // GET path fails closed while the table refuses inserts, and is served
  // (with shown, which it holds) once it takes them again.
  void expect_fails_closed_then_recovers(const std::string& path, const std::string& shown) {
    ASSERT_EQ(client().get(path).status, 200) << "before";
    ASSERT_NO_FATAL_FAILURE(block_audit());
    expect_nothing_disclosed(client().get(path), "GET " + path + " with the audit table unwritable");
    // Twice: a failed group must not leave the writer stuck or the lock held.
    expect_nothing_disclosed(client().get(path), "GET " + path + " again");
    ASSERT_NO_FATAL_FAILURE(unblock_audit());
    const HttpResult served = client().get(path);
    EXPECT_EQ(served.status, 200) << "GET " << path << " after the table took inserts again: " << served.body;
    EXPECT_NE(served.body.find(shown), std::string::npos) << served.body;
    expect_log_intact();
  }

  // The refused requests left no hole or half-written group in the chain.
  void expect_log_intact() {
    auto report = consent::verify_audit_log(audit_db_, std::nullopt);
    ASSERT_TRUE(report.ok()) << report.issue().diagnostics;
    EXPECT_TRUE(report->ok()) << report->problem->detail;
    EXPECT_GE(report->records, 2);
  }

  std::string audit_db_;
};

TEST_F(AuditFailClosedTest, ReadFailsClosedAndRecovers) {
  expect_fails_closed_then_recovers(std::string("Observation/") + kObservationId, kValue);
}

TEST_F(AuditFailClosedTest, VreadFailsClosedAndRecovers) {
  expect_fails_closed_then_recovers(std::string("Observation/") + kObservationId + "/_history/1", kValue);
}

TEST_F(AuditFailClosedTest, SearchFailsClosedAndRecovers) {
  expect_fails_closed_then_recovers("Observation?subject=Patient/pfc", kValue);
}

// History reads were being wired to the audit trail while this test was
// written (history_handler.cpp): should that be undone, this fails, and
// the failure is the gap (history discloses every version unrecorded).
TEST_F(AuditFailClosedTest, HistoryFailsClosedAndRecovers) {
  expect_fails_closed_then_recovers(std::string("Observation/") + kObservationId + "/_history", kValue);
}

// $everything goes through the search path's audit (search_handler.cpp).
TEST_F(AuditFailClosedTest, EverythingFailsClosedAndRecovers) {
  expect_fails_closed_then_recovers("Patient/pfc/$everything", kFamily);
}

// A write the trail cannot record: the version is stored (the store's
// commit came first) but the answer is 503, naming the version so the
// source can read it instead of creating it again, and nothing of it.
TEST_F(AuditFailClosedTest, AWriteTheTrailCannotRecordIs503NamingWhatWasStored) {
  ASSERT_NO_FATAL_FAILURE(block_audit());
  const HttpResult created = client().post(
      "Observation", R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test","code":"during-outage"}]},
                         "subject":{"reference":"Patient/pfc"},"valueString":"xylo-marmot-5"})");
  ASSERT_NO_FATAL_FAILURE(unblock_audit());
  expect_outcome(created, 503);
  EXPECT_EQ(created.body.find("xylo-marmot-5"), std::string::npos) << created.body;
  const auto at = created.body.find("stored as Observation/");
  ASSERT_NE(at, std::string::npos) << created.body;
  const std::string named = created.body.substr(at + 10, created.body.find("/_history/", at) - at - 10);
  EXPECT_EQ(client().get(named).status, 200) << named;
  expect_log_intact();
}

}  // namespace
}  // namespace carebridge::test
