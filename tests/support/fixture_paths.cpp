#include "tests/support/fixture_paths.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace carebridge::test {
namespace {
// The environment variable if set, else the path the build compiled in.
std::string env_or(const char* name, const char* built_in) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : built_in;
}
}  // namespace

std::string fixtures_dir() { return env_or("CAREBRIDGE_FIXTURES", CAREBRIDGE_FIXTURES); }

std::optional<std::string> shared_fixtures_dir() {
  std::string dir = env_or("CAREBRIDGE_SHARED_FIXTURES", CAREBRIDGE_SHARED_FIXTURES);
  if (!std::filesystem::is_directory(dir)) return std::nullopt;
  return dir;
}

std::string demo_dir() { return env_or("CAREBRIDGE_DEMO_DIR", CAREBRIDGE_DEMO_DIR); }
std::string share_dir() { return env_or("CAREBRIDGE_SHARE_DIR", CAREBRIDGE_SHARE_DIR); }
std::string binary_path() { return env_or("CAREBRIDGE_BINARY", CAREBRIDGE_BINARY); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace carebridge::test
