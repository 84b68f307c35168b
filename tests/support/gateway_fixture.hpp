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

namespace fhir::store {
struct ClientRecord;
}
namespace gateway {
class HttpServer;
class Runtime;
}  // namespace gateway

namespace carebridge::test {

// A client system for a test: registered on first use (by id), then a token.
struct TestClientSpec {
  std::string id{};  // "" for a fresh one each call
  std::string role = "partner";
  std::string organization = "Organization/test-org";
  std::string scopes{};  // "" for the role's ceiling
  bool part2_program = false;
  std::string purpose = "TREAT";
  std::string user{};  // the acting user (hl7-b2b subject_id), "" for none
};

// A running in-process gateway.
class RunningGateway {
 public:
  RunningGateway(const gateway::Settings& settings, const fhir::Clock* clock);
  ~RunningGateway();
  const std::string& base_url() const { return base_url_; }
  void stop();
  // Registers a client in the gateway's store (role, Organization/test-org,
  // scopes: "" for the role's) and returns an access token for it, minted
  // with the gateway's own key as `carebridge token` does, valid from the
  // epoch to 2100 whatever the test clock says. Distinct ids each call.
  std::string register_and_token(const std::string& role, const std::string& scopes = {},
                                 const std::string& purpose = "TREAT");
  // The same for any client: registers spec (unless its id is registered)
  // and mints a token for it with spec's purpose and user.
  std::string token_for(const TestClientSpec& spec);
  gateway::Runtime& runtime() { return *runtime_; }
  // Registers rec through the store's writer and reloads the registry, so
  // the very next request knows it. Fails the test when the store refuses.
  void add_client(const fhir::store::ClientRecord& rec);
  // Replaces a registered client's role, organization, scopes (and keys,
  // unless rec.jwks is empty) as a config file's start does, through the
  // store's writer, and reloads the registry.
  void put_client(const fhir::store::ClientRecord& rec);
  // Revokes a client through the store's writer and reloads the registry.
  void revoke_client(const std::string& id);

 private:
  std::unique_ptr<gateway::Runtime> runtime_;
  std::unique_ptr<gateway::HttpServer> server_;
  std::thread thread_;
  std::string base_url_;
  int clients_ = 0;
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
  // Carries an admin token (system/*.cruds); anonymous() carries none.
  std::unique_ptr<TestClient> client_;
  const TestClient& client() const { return *client_; }
  TestClient anonymous() const { return client_->with_bearer(""); }
  // A client of this role and scopes, with its own token.
  TestClient client_as(const std::string& role, const std::string& scopes = {},
                       const std::string& purpose = "TREAT") {
    return client_->with_bearer(gateway_->register_and_token(role, scopes, purpose));
  }
  TestClient client_for(const TestClientSpec& spec) { return client_->with_bearer(gateway_->token_for(spec)); }
};

}  // namespace carebridge::test
