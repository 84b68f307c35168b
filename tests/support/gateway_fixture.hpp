// GatewayTest: starts the real gateway in-process on 127.0.0.1:0 over a
// fresh SQLite file in a temp dir, with io threads in the background.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "fhir/core/clock.hpp"
#include "gateway/config/settings.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_client.hpp"

namespace gateway {
class HttpServer;
class Runtime;
}  // namespace gateway

namespace carebridge::test {

// A running in-process gateway.
class RunningGateway {
 public:
  RunningGateway(const gateway::Settings& settings, const fhir::Clock* clock);
  ~RunningGateway();
  const std::string& base_url() const { return base_url_; }
  void stop();

 private:
  std::unique_ptr<gateway::Runtime> runtime_;
  std::unique_ptr<gateway::HttpServer> server_;
  std::thread thread_;
  std::string base_url_;
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Settings for the gateway under test; override to change them.
  virtual void configure(gateway::Settings&) {}

  TempDir dir_;
  fhir::ManualClock clock_{1735689600000};  // 2025-01-01T00:00:00Z
  std::unique_ptr<RunningGateway> gateway_;
  std::unique_ptr<TestClient> client_;
  const TestClient& client() const { return *client_; }
};

}  // namespace carebridge::test
