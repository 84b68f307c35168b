#include "consent/audit/audit_log.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "consent/audit/audit_verify.hpp"
#include "tests/consent/audit/audit_fixture.hpp"

namespace consent::test {
namespace {

using AuditLogTest = AuditLogFixture;

TEST_F(AuditLogTest, ConcurrentAppendsShareCommitsAndGetContiguousSeqs) {
  auto log = open_log(100);
  ASSERT_TRUE(log);
  constexpr int kThreads = 32;
  constexpr int kEach = 40;
  std::mutex mu;
  std::vector<std::int64_t> seqs;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto seq = append_sync(*log, make_entry(t * kEach + i + 1));
        if (!seq) {
          ++failures;
          continue;
        }
        std::lock_guard lock(mu);
        seqs.push_back(*seq);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::sort(seqs.begin(), seqs.end());
  ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], static_cast<std::int64_t>(i + 1));
  const AuditLogStats stats = log->stats();
  EXPECT_EQ(stats.appended, kThreads * kEach);
  // 32 appenders each waiting on their last record: the writer finds
  // several queued at almost every commit.
  EXPECT_LT(stats.commits, stats.appended);
  log->close();
  auto report = verify_audit_log(path(), std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, kThreads * kEach);
  EXPECT_EQ(report->last_checkpoint_seq, kThreads * kEach);
}

TEST_F(AuditLogTest, DurableAcrossReopen) {
  write_log(10, 1000);
  auto log = open_log();
  ASSERT_TRUE(log);
  auto seq = append_sync(*log, make_entry(11));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 11);
  auto page = log->search(AuditQuery{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 11);
  ASSERT_EQ(page->records.size(), 11u);
  EXPECT_EQ(page->records[0].fields, stored_text(make_entry(1)));
  EXPECT_EQ(page->records[0].recorded_ms, make_entry(1).recorded_ms);
  log->close();
  auto report = verify_audit_log(path(), std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, 11);
  // A closing checkpoint each time the log was closed.
  EXPECT_EQ(report->checkpoints, 2);
}

TEST_F(AuditLogTest, UpdateAndDeleteThroughSqlAreRefused) {
  write_log(3, 1000);
  RawDb raw(path());
  EXPECT_EQ(raw.exec("UPDATE audit_record SET fields = '' WHERE seq = 2"), SQLITE_CONSTRAINT);
  EXPECT_NE(raw.last_error().find("append-only"), std::string::npos) << raw.last_error();
  EXPECT_EQ(raw.exec("DELETE FROM audit_record WHERE seq = 3"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.exec("DELETE FROM audit_index"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.exec("UPDATE audit_checkpoint SET signature = ''"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.exec("DELETE FROM audit_meta"), SQLITE_CONSTRAINT);
  EXPECT_EQ(raw.text("SELECT count(*) FROM audit_record"), "3");
  auto report = verify_audit_log(path(), std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
}

// The issue's fail-closed test: the audit table made unwritable under a
// running log. Every append in the failed group is told so; nothing is
// half-written, and the chain goes on from the last durable record.
TEST_F(AuditLogTest, FailsClosedWhenTheTableCannotBeWritten) {
  auto log = open_log();
  ASSERT_TRUE(log);
  ASSERT_TRUE(append_sync(*log, make_entry(1)).ok());
  RawDb raw(path());
  ASSERT_EQ(raw.exec("CREATE TRIGGER jam BEFORE INSERT ON audit_record "
                     "BEGIN SELECT RAISE(ABORT, 'unwritable'); END"),
            SQLITE_OK);
  auto failed = append_sync(*log, make_entry(2));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.issue().http_status, 503);
  EXPECT_EQ(failed.issue().code, "transient");
  ASSERT_EQ(raw.exec("DROP TRIGGER jam"), SQLITE_OK);
  auto seq = append_sync(*log, make_entry(3));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 2);
  log->close();
  auto report = verify_audit_log(path(), std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, 2);
}

TEST_F(AuditLogTest, FailsClosedOnAReadOnlyFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes read-only files";
  write_log(2, 1000);
  ASSERT_EQ(::chmod(path().c_str(), S_IRUSR), 0);
  auto log = open_log();
  ASSERT_TRUE(log);
  auto seq = append_sync(*log, make_entry(3));
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(seq.issue().http_status, 503);
}

TEST_F(AuditLogTest, OpeningADirectoryFails) {
  AuditLogOptions o;
  o.path = dir().string();
  o.key_file = key_file();
  auto log = AuditLog::open(o, clock_);
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.issue().http_status, 500);
}

TEST_F(AuditLogTest, AnEntryWithAControlCharacterIsRefusedAlone) {
  auto log = open_log();
  ASSERT_TRUE(log);
  AuditEntry bad = make_entry(1);
  bad.fields.push_back({"patient", "p1\np2"});
  auto refused = append_sync(*log, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.issue().http_status, 400);
  EXPECT_EQ(refused.issue().expression, "AuditEntry.patient");
  auto seq = append_sync(*log, make_entry(2));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 1);
}

TEST_F(AuditLogTest, AppendAfterCloseIsUnavailable) {
  auto log = open_log();
  ASSERT_TRUE(log);
  log->close();
  auto seq = append_sync(*log, make_entry(1));
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(seq.issue().http_status, 503);
}

TEST_F(AuditLogTest, CheckpointsEveryNRecords) {
  write_log(25, 10);
  RawDb raw(path());
  EXPECT_EQ(raw.text("SELECT group_concat(seq) FROM (SELECT seq FROM audit_checkpoint ORDER BY seq)"), "10,20,25");
}

TEST_F(AuditLogTest, ALogIsBoundToItsKey) {
  write_log(1, 1000);
  const std::string other = (dir() / "other.pem").string();
  AuditLogOptions o;
  o.path = path();
  o.key_file = other;
  // A missing key file is not replaced by a fresh key for an existing log.
  auto missing = AuditLog::open(o, clock_);
  ASSERT_FALSE(missing.ok());
  EXPECT_FALSE(std::filesystem::exists(other));
  // Nor is another key accepted.
  AuditLogOptions fresh;
  fresh.path = (dir() / "fresh.audit.db").string();
  fresh.key_file = other;
  ASSERT_TRUE(AuditLog::open(fresh, clock_).ok());
  auto wrong = AuditLog::open(o, clock_);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.issue().diagnostics.find("key"), std::string::npos);
}

TEST_F(AuditLogTest, NotAnAuditLogIsRefused) {
  const std::string store = (dir() / "store.db").string();
  {
    RawDb raw(store);
    ASSERT_EQ(raw.exec("PRAGMA application_id = 1128428135; CREATE TABLE t (x)"), SQLITE_OK);
  }
  AuditLogOptions o;
  o.path = store;
  o.key_file = key_file();
  auto log = AuditLog::open(o, clock_);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.issue().diagnostics.find("not a CareBridge audit log"), std::string::npos);
}

}  // namespace
}  // namespace consent::test
