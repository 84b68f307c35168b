// Connection limits: a slow-drip client cannot hold a connection, idle
// keep-alive connections are closed, keep-alive serves several requests.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/gateway_fixture.hpp"
#include "tests/support/raw_connection.hpp"

namespace carebridge::test {
namespace {

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
