// Running the independent oracles under tests/oracle (HL7's fhirpath.js,
// Node's crypto) from a test: where they are, and shell helpers. A test
// skips when node is missing.
#pragma once

#include <string>

namespace carebridge::test {

// tests/oracle, or $CAREBRIDGE_ORACLE_DIR.
std::string oracle_dir();
// s as one single-quoted shell word.
std::string shell_quoted(const std::string& s);
// Whether the shell command exits 0 (its output discarded).
bool command_works(const std::string& command);

}  // namespace carebridge::test
