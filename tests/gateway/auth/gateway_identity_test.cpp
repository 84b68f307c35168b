#include "gateway/auth/gateway_identity.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "gateway/auth/signing_key_file.hpp"
#include "tests/support/temp_dir.hpp"

namespace gateway::auth {
namespace {

using carebridge::test::TempDir;

TEST(GatewayIdentityTest, FirstStartGeneratesAKeyBesideTheStoreAndLaterStartsReuseIt) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  auto first = load_gateway_identity(db, "", "");
  ASSERT_TRUE(first.ok()) << first.issue().diagnostics;
  EXPECT_TRUE(first->generated);
  EXPECT_EQ(first->key_path, db + ".signing-key.pem");
  struct stat st {};
  ASSERT_EQ(::stat(first->key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A stable name from the key: the same on every start, on any port.
  EXPECT_EQ(first->name, "urn:carebridge:gateway:" + first->key.kid());

  auto again = load_gateway_identity(db, "", "");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->generated);
  EXPECT_EQ(again->key.kid(), first->key.kid());
  EXPECT_EQ(again->name, first->name);
}

TEST(GatewayIdentityTest, ConfiguredKeyAndBaseUrl) {
  TempDir dir;
  auto key = SigningKey::generate(KeyType::rsa);
  ASSERT_TRUE(key.ok());
  const std::string path = (dir.path() / "configured.pem").string();
  ASSERT_TRUE(save_signing_key(*key, path).ok());
  auto id = load_gateway_identity((dir.path() / "s.db").string(), path, "https://cb.example.org/fhir/");
  ASSERT_TRUE(id.ok()) << id.issue().diagnostics;
  EXPECT_FALSE(id->generated);
  EXPECT_EQ(id->key.kid(), key->kid());
  EXPECT_EQ(id->name, "https://cb.example.org/fhir");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "s.db.signing-key.pem"));
  // A configured key that is not there is an error, never generated.
  EXPECT_FALSE(load_gateway_identity((dir.path() / "s.db").string(), (dir.path() / "none.pem").string(), "").ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "none.pem"));
}

}  // namespace
}  // namespace gateway::auth
