#include "tests/support/node_oracle.hpp"

#include <cstdlib>

namespace carebridge::test {

std::string oracle_dir() {
  const char* env = std::getenv("CAREBRIDGE_ORACLE_DIR");
  return env != nullptr && *env != '\0' ? env : CAREBRIDGE_ORACLE_DIR;
}

std::string shell_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool command_works(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace carebridge::test
