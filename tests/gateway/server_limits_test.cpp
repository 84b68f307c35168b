// Connection limits: a slow-drip client cannot hold a connection, idle
// keep-alive connections are closed, keep-alive serves several requests.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

class RawConnection {
 public:
  explicit RawConnection(const std::string& base_url) {
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
  ~RawConnection() { close(fd_); }
  bool connected() const { return connected_; }
  bool send_text(const std::string& s) {
    return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
  }
  // Reads until the peer closes (returns what arrived) or the test bound.
  std::string read_until_close(bool* closed) {
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

 private:
  int fd_ = -1;
  bool connected_ = false;
};

class LimitsTest : public GatewayTest {
  void configure(gateway::Settings& s) override {
    s.idle_timeout_ms = 300;
    s.request_timeout_ms = 300;
  }
};

TEST_F(LimitsTest, SlowDripClientIsCutOff) {
  RawConnection c(client().base_url());
  ASSERT_TRUE(c.connected());
  auto start = std::chrono::steady_clock::now();
  // One byte of the head at a time, never finishing it.
  std::string head = "GET /metadata HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  bool cut = false;
  for (int i = 0; i < 100 && !cut; ++i) {
    if (!c.send_text(head.substr(i % head.size(), 1))) cut = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the drip itself
  }
  bool closed = false;
  c.read_until_close(&closed);
  EXPECT_TRUE(cut || closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(LimitsTest, IdleConnectionIsClosed) {
  RawConnection c(client().base_url());
  ASSERT_TRUE(c.connected());
  bool closed = false;
  c.read_until_close(&closed);
  EXPECT_TRUE(closed);
}

TEST_F(LimitsTest, KeepAliveServesSeveralRequests) {
  RawConnection c(client().base_url());
  ASSERT_TRUE(c.connected());
  std::string req = "GET /metadata HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(c.send_text(req + req));  // pipelined
  bool closed = false;
  std::string out = c.read_until_close(&closed);
  std::size_t first = out.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(out.find("HTTP/1.1 200", first + 1), std::string::npos);
}

TEST_F(LimitsTest, GarbageGetsBadRequest) {
  RawConnection c(client().base_url());
  ASSERT_TRUE(c.send_text("NOT HTTP AT ALL\r\n\r\n"));
  bool closed = false;
  std::string out = c.read_until_close(&closed);
  EXPECT_NE(out.find("400"), std::string::npos) << out;
}

}  // namespace
}  // namespace carebridge::test
