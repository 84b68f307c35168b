#include "consent/audit/audit_verify.hpp"

#include <gtest/gtest.h>

#include <string>

#include "consent/audit/audit_fields.hpp"
#include "consent/audit/audit_hash.hpp"
#include "consent/audit/audit_key.hpp"
#include "consent/audit/audit_key_file.hpp"
#include "tests/consent/audit/audit_fixture.hpp"

namespace consent::test {
namespace {

// 100 records, a checkpoint every 10 (the last at 100, which also ends
// the log). Each test then tampers with the file directly, triggers
// dropped, as someone holding the file could.
class AuditVerifyTest : public AuditLogFixture {
 protected:
  void SetUp() override {
    write_log(100, 10);
    raw_ = std::make_unique<RawDb>(path());
    raw_->drop_triggers();
  }
  void TearDown() override { raw_.reset(); }

  void exec(const std::string& sql) { ASSERT_EQ(raw_->exec(sql), SQLITE_OK) << raw_->last_error() << "\n" << sql; }

  AuditProblem first_problem(const std::optional<AuditKey>& key = std::nullopt) {
    auto report = verify_audit_log(path(), key);
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.issue().diagnostics);
    if (!report.ok()) return {};
    EXPECT_FALSE(report->ok()) << "tampering not found";
    return report->problem.value_or(AuditProblem{});
  }

  // Renumbers records from seq `from` on by delta (with their index rows),
  // through a detour so no two rows ever share a seq.
  void shift_from(std::int64_t from, std::int64_t delta) {
    for (const char* table : {"audit_record", "audit_index"}) {
      exec(std::string("UPDATE ") + table + " SET seq = seq + 1000000 WHERE seq >= " + std::to_string(from));
      exec(std::string("UPDATE ") + table + " SET seq = seq - 1000000 + (" + std::to_string(delta) +
           ") WHERE seq >= 1000000");
    }
  }

  std::unique_ptr<RawDb> raw_;
};

TEST_F(AuditVerifyTest, AnHonestLogVerifies) {
  auto key = load_audit_key(key_file());
  ASSERT_TRUE(key.ok());
  auto report = verify_audit_log(path(), *key);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem->detail;
  EXPECT_EQ(report->records, 100);
  EXPECT_EQ(report->checkpoints, 10);
  EXPECT_EQ(report->last_seq, 100);
  EXPECT_EQ(report->last_checkpoint_seq, 100);
  EXPECT_TRUE(report->key_trusted);
  EXPECT_EQ(report->key_fingerprint, key->fingerprint());
  EXPECT_EQ(report->last_hash, raw_->text("SELECT hash FROM audit_record WHERE seq = 100"));
}

TEST_F(AuditVerifyTest, FindsAnEditedRecord) {
  exec("UPDATE audit_record SET fields = replace(fields, 'outcome\t0', 'outcome\t4') WHERE seq = 37");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 37);
  EXPECT_EQ(p.kind, AuditProblemKind::edited) << p.detail;
}

TEST_F(AuditVerifyTest, FindsAnEditedRecordTime) {
  exec("UPDATE audit_record SET recorded_ms = recorded_ms + 1 WHERE seq = 5");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 5);
  EXPECT_EQ(p.kind, AuditProblemKind::edited) << p.detail;
}

TEST_F(AuditVerifyTest, FindsADeletedMiddleRecord) {
  exec("DELETE FROM audit_record WHERE seq = 50");
  exec("DELETE FROM audit_index WHERE seq = 50");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 50);
  EXPECT_EQ(p.kind, AuditProblemKind::deleted) << p.detail;
}

TEST_F(AuditVerifyTest, FindsADeletionCoveredByRenumbering) {
  exec("DELETE FROM audit_record WHERE seq = 50");
  exec("DELETE FROM audit_index WHERE seq = 50");
  shift_from(51, -1);
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 50);
  EXPECT_EQ(p.kind, AuditProblemKind::deleted) << p.detail;
}

TEST_F(AuditVerifyTest, FindsADeletedTailRecordUnderACheckpoint) {
  exec("DELETE FROM audit_record WHERE seq = 100");
  exec("DELETE FROM audit_index WHERE seq = 100");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 100);
  EXPECT_EQ(p.kind, AuditProblemKind::deleted) << p.detail;
}

TEST_F(AuditVerifyTest, FindsTwoSwappedRecords) {
  exec("UPDATE audit_record SET seq = -41 WHERE seq = 41");
  exec("UPDATE audit_record SET seq = 41 WHERE seq = 40");
  exec("UPDATE audit_record SET seq = 40 WHERE seq = -41");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 40);
  EXPECT_EQ(p.kind, AuditProblemKind::reordered) << p.detail;
}

TEST_F(AuditVerifyTest, FindsAnInsertedForgery) {
  shift_from(60, 1);
  exec(R"(INSERT INTO audit_record (seq, recorded_ms, fields, prev_hash, hash)
          VALUES (60, 1, 'type	rest
', 'aa', 'bb'))");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 60);
  EXPECT_EQ(p.kind, AuditProblemKind::inserted) << p.detail;
}

// A forger who knows the encoding chains the forged record correctly;
// the record it displaced still gives it away. (At a checkpoint's seq the
// checkpoint would catch it first, as checkpoint-mismatch.)
TEST_F(AuditVerifyTest, FindsAnInsertedForgeryWithAValidHash) {
  shift_from(61, 1);
  const auto prev = digest_from_hex(raw_->text("SELECT hash FROM audit_record WHERE seq = 60"));
  ASSERT_TRUE(prev);
  const std::string fields = "purpose\tTREAT\ntype\trest\n";
  const auto hash = chain_hash(*prev, CanonicalRecord{61, kT0, fields});
  exec("INSERT INTO audit_record (seq, recorded_ms, fields, prev_hash, hash) VALUES (61, " + std::to_string(kT0) +
       ", '" + fields + "', '" + to_hex(*prev) + "', '" + to_hex(hash) + "')");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 61);
  EXPECT_EQ(p.kind, AuditProblemKind::inserted) << p.detail;
}

TEST_F(AuditVerifyTest, FindsATamperedCheckpointSignature) {
  const std::string sig = raw_->text("SELECT signature FROM audit_checkpoint WHERE seq = 50");
  std::string flipped = sig;
  flipped[0] = sig[0] == '0' ? '1' : '0';
  exec("UPDATE audit_checkpoint SET signature = '" + flipped + "' WHERE seq = 50");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 50);
  EXPECT_EQ(p.kind, AuditProblemKind::bad_signature) << p.detail;
}

// Rewriting the chain from an edit on (every later hash recomputed) is
// consistent record by record; the next signed checkpoint is not.
TEST_F(AuditVerifyTest, FindsARewrittenChainAtTheNextCheckpoint) {
  AuditDigest prev = *digest_from_hex(raw_->text("SELECT hash FROM audit_record WHERE seq = 32"));
  for (int seq = 33; seq <= 45; ++seq) {
    const std::string where = " WHERE seq = " + std::to_string(seq);
    std::string fields = raw_->text("SELECT fields FROM audit_record" + where);
    if (seq == 33) fields.replace(fields.find("purpose\tETREAT"), 14, "purpose\tHPAYMT");
    const std::int64_t ms = std::stoll(raw_->text("SELECT recorded_ms FROM audit_record" + where));
    const AuditDigest hash = chain_hash(prev, CanonicalRecord{seq, ms, fields});
    exec("UPDATE audit_record SET fields = '" + fields + "', prev_hash = '" + to_hex(prev) + "', hash = '" +
         to_hex(hash) + "'" + where);
    prev = hash;
  }
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 40);
  EXPECT_EQ(p.kind, AuditProblemKind::checkpoint_mismatch) << p.detail;
}

TEST_F(AuditVerifyTest, FindsAnIndexRowRemoved) {
  exec("DELETE FROM audit_index WHERE seq = 12 AND kind = 'patient'");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 12);
  EXPECT_EQ(p.kind, AuditProblemKind::index_mismatch) << p.detail;
}

TEST_F(AuditVerifyTest, FindsAnIndexRowAdded) {
  exec("INSERT INTO audit_index (seq, kind, value) VALUES (8, 'patient', 'someone-else')");
  const AuditProblem p = first_problem();
  EXPECT_EQ(p.seq, 8);
  EXPECT_EQ(p.kind, AuditProblemKind::index_mismatch) << p.detail;
}

TEST_F(AuditVerifyTest, ARekeyedLogFailsAgainstTheTrustedKey) {
  auto other = AuditKey::generate();
  ASSERT_TRUE(other.ok());
  const AuditProblem p = first_problem(*other);
  EXPECT_EQ(p.seq, 0);
  EXPECT_EQ(p.kind, AuditProblemKind::bad_signature) << p.detail;
}

TEST_F(AuditVerifyTest, ANonAuditFileIsAnIssueNotAReport) {
  const std::string other = (dir() / "other.db").string();
  {
    RawDb raw(other);
    ASSERT_EQ(raw.exec("CREATE TABLE t (x)"), SQLITE_OK);
  }
  auto report = verify_audit_log(other, std::nullopt);
  ASSERT_FALSE(report.ok());
  EXPECT_NE(report.issue().diagnostics.find("not a CareBridge audit log"), std::string::npos);
  EXPECT_FALSE(verify_audit_log((dir() / "missing.db").string(), std::nullopt).ok());
}

}  // namespace
}  // namespace consent::test
