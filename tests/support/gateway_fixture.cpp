#include "tests/support/gateway_fixture.hpp"

#include "gateway/app/runtime.hpp"
#include "gateway/http/http_server.hpp"
#include "tests/support/fixture_paths.hpp"

namespace carebridge::test {

RunningGateway::RunningGateway(const gateway::Settings& settings, const fhir::Clock* clock) {
  auto rt = gateway::Runtime::open(settings, clock);
  if (!rt) {
    ADD_FAILURE() << "gateway did not open: " << rt.issue().diagnostics;
    return;
  }
  runtime_ = std::move(*rt);
  server_ = std::make_unique<gateway::HttpServer>(runtime_->app());
  auto bound = server_->bind(settings.listen);
  if (!bound) {
    ADD_FAILURE() << "bind failed: " << bound.issue().diagnostics;
    return;
  }
  runtime_->set_bound_address(*bound);
  base_url_ = runtime_->app().base_url;
  thread_ = std::thread([this, n = settings.io_threads] { server_->run(n, false); });
}

void RunningGateway::stop() {
  if (server_ && thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
  if (runtime_) runtime_->close();
}

RunningGateway::~RunningGateway() { stop(); }

void GatewayTest::SetUp() {
  gateway::Settings s;
  s.listen = "127.0.0.1:0";
  s.db_path = (dir_.path() / "store.db").string();
  s.share_dir = share_dir();
  s.io_threads = 2;
  s.storage_threads = 2;
  configure(s);
  gateway_ = std::make_unique<RunningGateway>(s, &clock_);
  client_ = std::make_unique<TestClient>(gateway_->base_url());
}

void GatewayTest::TearDown() {
  client_.reset();
  gateway_.reset();
}

}  // namespace carebridge::test
