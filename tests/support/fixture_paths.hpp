// Where test data lives: paths compiled in by tests/CMakeLists.txt, each
// overridable by an environment variable of the same name.
#pragma once

#include <optional>
#include <string>

namespace carebridge::test {

// The repo's copy of external fixtures: tests/fixtures.
std::string fixtures_dir();
// ../shared/fixtures beside the project, if it exists. Tests that need it
// call GTEST_SKIP() when this is nullopt.
std::optional<std::string> shared_fixtures_dir();
// deploy/demo/synthea: the demo patients, also test data.
std::string demo_dir();
// The build's share/carebridge (spec definitions, code tables).
std::string share_dir();
// The carebridge binary under test.
std::string binary_path();
// Reads a whole file; fails the test if it cannot.
std::string read_file(const std::string& path);

}  // namespace carebridge::test
