#include "tests/support/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace carebridge::test {

RawConnection::RawConnection(const std::string& base_url) {
  int port = std::stoi(base_url.substr(base_url.rfind(':') + 1));
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  timeval tv{10, 0};  // the test's own bound on waiting
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

RawConnection::~RawConnection() { close(fd_); }

bool RawConnection::send_text(const std::string& s) {
  return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
}

std::string RawConnection::read_until_close(bool* closed) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    *closed = n == 0 || errno == ECONNRESET;
    return out;
  }
}

}  // namespace carebridge::test
