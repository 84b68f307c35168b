#include "consent/audit/audit_export.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "consent/audit/audit_key_file.hpp"
#include "consent/audit/audit_verify.hpp"
#include "tests/consent/audit/audit_fixture.hpp"

namespace consent::test {
namespace {

using AuditExportTest = AuditLogFixture;

TEST_F(AuditExportTest, TheArchiveVerifiesOfflineWithItsStoredKey) {
  write_log(25, 10);
  const auto archive_dir = dir() / "vault";
  std::filesystem::create_directories(archive_dir);
  const std::string archive = (archive_dir / "audit-2026.db").string();
  ASSERT_TRUE(export_audit_log(path(), archive).ok());

  // Offline: the log and its key file are gone; the public key travels in
  // the archive.
  auto key = load_audit_key(key_file());
  ASSERT_TRUE(key.ok());
  auto public_key = AuditKey::from_pem(*key->public_pem());
  ASSERT_TRUE(public_key.ok());
  EXPECT_FALSE(public_key->can_sign());
  for (const auto& f : std::filesystem::directory_iterator(dir()))
    if (f.path() != archive_dir) std::filesystem::remove(f.path());

  auto report = verify_audit_log(archive, std::nullopt);
  ASSERT_TRUE(report.ok()) << report.issue().diagnostics;
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, 25);
  EXPECT_EQ(report->checkpoints, 3);
  EXPECT_EQ(report->last_checkpoint_seq, 25);
  EXPECT_FALSE(report->key_trusted);
  EXPECT_EQ(report->key_fingerprint, key->fingerprint());

  auto trusted = verify_audit_log(archive, *public_key);
  ASSERT_TRUE(trusted.ok());
  EXPECT_TRUE(trusted->ok());
  EXPECT_TRUE(trusted->key_trusted);
}

TEST_F(AuditExportTest, TamperingWithTheArchiveIsFound) {
  write_log(5, 10);
  const std::string archive = (dir() / "archive.db").string();
  ASSERT_TRUE(export_audit_log(path(), archive).ok());
  {
    RawDb raw(archive);
    raw.drop_triggers();
    ASSERT_EQ(raw.exec("UPDATE audit_record SET fields = '' WHERE seq = 3"), SQLITE_OK);
  }
  auto report = verify_audit_log(archive, std::nullopt);
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->problem->seq, 3);
  EXPECT_EQ(report->problem->kind, AuditProblemKind::edited);
}

TEST_F(AuditExportTest, ExportsWhileTheLogIsOpen) {
  auto log = open_log(10);
  ASSERT_TRUE(log);
  for (int i = 1; i <= 12; ++i) ASSERT_TRUE(append_sync(*log, make_entry(i)).ok());
  const std::string archive = (dir() / "archive.db").string();
  ASSERT_TRUE(export_audit_log(path(), archive).ok());
  auto report = verify_audit_log(archive, std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->records, 12);
  EXPECT_EQ(report->last_checkpoint_seq, 10);  // the tail is chained, not yet signed
}

TEST_F(AuditExportTest, NeverWritesOverAFile) {
  write_log(1, 10);
  const std::string archive = (dir() / "archive.db").string();
  ASSERT_TRUE(export_audit_log(path(), archive).ok());
  auto again = export_audit_log(path(), archive);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.issue().diagnostics.find("already exists"), std::string::npos);
}

}  // namespace
}  // namespace consent::test
