// A fresh temp directory, removed (with everything in it) however the test
// ends.
#pragma once

#include <filesystem>

namespace carebridge::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace carebridge::test
