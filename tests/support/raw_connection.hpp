// RawConnection: a plain TCP connection to the server under test, for
// tests that must control bytes and timing (slow drips, pipelining, a
// request cut in two).
#pragma once

#include <string>

namespace carebridge::test {

class RawConnection {
 public:
  explicit RawConnection(const std::string& base_url);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool send_text(const std::string& s);
  // Reads until the peer closes (returns what arrived) or a 10 s bound.
  std::string read_until_close(bool* closed);

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace carebridge::test
