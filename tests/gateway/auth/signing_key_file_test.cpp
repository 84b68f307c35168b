// The signing key on disk: mode 0600 whatever the umask, never replacing a
// file, no temporary left behind; every failure names the file.
#include "gateway/auth/signing_key_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/gateway/auth/test_keys.hpp"

namespace gateway::auth {
namespace {

namespace fs = std::filesystem;

class SigningKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("signing_key_file_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  std::size_t files() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }

  fs::path dir_;
};

TEST_F(SigningKeyFileTest, SavesOwnerOnlyAndLoadsTheSameKey) {
  for (const SigningKey* key : {&test::rsa_key(), &test::ec_key()}) {
    std::string file = path(key->type() == KeyType::rsa ? "rsa.pem" : "ec.pem");
    mode_t old = ::umask(0);  // a permissive umask must not widen the mode
    auto saved = save_signing_key(*key, file);
    ::umask(old);
    ASSERT_TRUE(saved.ok()) << saved.issue().diagnostics;
    struct stat st {};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto loaded = load_signing_key(file);
    ASSERT_TRUE(loaded.ok()) << loaded.issue().diagnostics;
    EXPECT_EQ(loaded->kid(), key->kid());
  }
  EXPECT_EQ(files(), 2u);  // no temporaries left
}

TEST_F(SigningKeyFileTest, NeverReplacesAnExistingFile) {
  std::string file = path("key.pem");
  ASSERT_TRUE(save_signing_key(test::rsa_key(), file).ok());
  auto again = save_signing_key(test::ec_key(), file);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.issue().diagnostics.find(file + ": already exists"), std::string::npos) << again.issue().diagnostics;
  auto loaded = load_signing_key(file);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->kid(), test::rsa_key().kid());
  EXPECT_EQ(files(), 1u);
}

TEST_F(SigningKeyFileTest, FailuresNameTheFile) {
  auto no_dir = save_signing_key(test::ec_key(), path("missing/key.pem"));
  ASSERT_FALSE(no_dir.ok());
  EXPECT_NE(no_dir.issue().diagnostics.find("missing/key.pem: cannot create"), std::string::npos);

  auto absent = load_signing_key(path("absent.pem"));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.issue().code, "invalid");
  EXPECT_NE(absent.issue().diagnostics.find("absent.pem: cannot open"), std::string::npos);

  auto directory = load_signing_key(dir_.string());
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.issue().diagnostics.find("is not a regular file"), std::string::npos);

  std::ofstream(path("big.pem")) << std::string(kMaxKeyFileBytes + 1, 'A');
  auto big = load_signing_key(path("big.pem"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.issue().diagnostics.find("too large"), std::string::npos);

  std::ofstream(path("junk.pem")) << "not a key";
  auto junk = load_signing_key(path("junk.pem"));
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.issue().diagnostics.find("not an unencrypted PKCS#8 PEM private key"), std::string::npos);
  EXPECT_NE(junk.issue().diagnostics.find("(file " + path("junk.pem") + ")"), std::string::npos)
      << junk.issue().diagnostics;
}

}  // namespace
}  // namespace gateway::auth
