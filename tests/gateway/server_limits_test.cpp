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

// The head decides before the body is read: a request without a token is
// answered 401 and closed while its (announced 30 MB) body was never sent.
TEST_F(LimitsTest, BodyIsNotReadForARequestItsHeadRefuses) {
  RawConnection c(client().base_url());
  ASSERT_TRUE(c.send_text("POST /Patient HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\n"
                          "Content-Length: 30000000\r\n\r\n"));
  bool closed = false;
  std::string out = c.read_until_close(&closed);
  EXPECT_EQ(out.rfind("HTTP/1.1 401", 0), 0u) << out;
  EXPECT_TRUE(closed);
  // With a token the same head is admitted and the body awaited (cut off
  // here by the request timeout, not answered 401).
  RawConnection ok(client().base_url());
  ASSERT_TRUE(ok.send_text("POST /Patient HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\n"
                           "Authorization: Bearer " + client().bearer() + "\r\nContent-Length: 30000000\r\n\r\n"));
  out = ok.read_until_close(&closed);
  EXPECT_EQ(out.find("401"), std::string::npos) << out;
}

// The open routes take small bodies: a token request is a form of a few KiB.
TEST_F(LimitsTest, TokenEndpointBodyIsSmall) {
  for (const std::string& framing : {std::string("Content-Length: 100000\r\n\r\n") + std::string(100000, 'a'),
                                     std::string("Transfer-Encoding: chunked\r\n\r\n20000\r\n") +
                                         std::string(0x20000, 'a') + "\r\n0\r\n\r\n"}) {
    RawConnection c(client().base_url());
    ASSERT_TRUE(c.send_text("POST /auth/token HTTP/1.1\r\nHost: x\r\n"
                            "Content-Type: application/x-www-form-urlencoded\r\n" + framing));
    bool closed = false;
    std::string out = c.read_until_close(&closed);
    EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out.substr(0, 200);
  }
}

}  // namespace
}  // namespace carebridge::test
