#include "consent/audit/audit_key_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.hpp"

namespace consent {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AuditKeyTest, CreatedOwnerOnlyAndNeverReplaced) {
  carebridge::test::TempDir dir;
  const auto path = dir.path() / "audit.key.pem";
  auto first = load_or_create_audit_key(path.string());
  ASSERT_TRUE(first.ok()) << first.issue().diagnostics;
  EXPECT_TRUE(first->can_sign());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string pem = read_file(path);

  auto second = load_or_create_audit_key(path.string());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->public_hex(), first->public_hex());
  EXPECT_EQ(read_file(path), pem);
  // No temp files left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AuditKeyTest, SignaturesVerifyWithThePublicHalfOnly) {
  auto key = AuditKey::generate();
  ASSERT_TRUE(key.ok());
  auto sig = key->sign("checkpoint");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), 64u);
  auto from_pem = AuditKey::from_pem(*key->public_pem());
  ASSERT_TRUE(from_pem.ok());
  auto from_hex = AuditKey::from_public_hex(key->public_hex());
  ASSERT_TRUE(from_hex.ok());
  for (const AuditKey* k : {&*from_pem, &*from_hex}) {
    EXPECT_FALSE(k->can_sign());
    EXPECT_EQ(k->fingerprint(), key->fingerprint());
    EXPECT_TRUE(k->verify("checkpoint", *sig));
    EXPECT_FALSE(k->verify("checkpoinT", *sig));
    EXPECT_FALSE(k->sign("x").ok());
  }
}

TEST(AuditKeyTest, APublicKeyFileCannotSignALog) {
  carebridge::test::TempDir dir;
  const auto path = dir.path() / "public.pem";
  auto key = AuditKey::generate();
  ASSERT_TRUE(key.ok());
  std::ofstream(path) << *key->public_pem();
  auto loaded = load_audit_key(path.string());
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->can_sign());
  EXPECT_FALSE(load_or_create_audit_key(path.string()).ok());
}

TEST(AuditKeyTest, NotAKeyIsAnIssue) {
  carebridge::test::TempDir dir;
  const auto path = dir.path() / "junk.pem";
  std::ofstream(path) << "not a key";
  auto loaded = load_audit_key(path.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.issue().diagnostics.find(path.string()), std::string::npos);
  EXPECT_FALSE(load_audit_key((dir.path() / "missing.pem").string()).ok());
}

}  // namespace
}  // namespace consent
