#include "tests/support/gateway_fixture.hpp"

#include "consent/enforcement/consent_index.hpp"
#include "fhir/store/store.hpp"
#include "gateway/app/runtime.hpp"
#include "gateway/storage/write_sync.hpp"
#include "gateway/auth/access_token.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/auth/purpose_of_use.hpp"
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

void RunningGateway::add_client(const fhir::store::ClientRecord& rec) {
  if (!runtime_) return;
  gateway::AppContext& app = runtime_->app();
  auto st = gateway::write_sync(*app.store, [&rec](fhir::store::WriteTxn& tx) { return tx.add_client(rec); });
  EXPECT_TRUE(st) << st.issue().diagnostics;
  // Synchronously, so the very next request knows the client.
  auto reloaded = app.clients->reload(*app.store);
  // As the change follower does after a reload: the registered
  // organizations' identifiers, which consent decisions compare.
  EXPECT_TRUE(app.consents->refresh(*app.store, {}, app.clients->organizations()));
  EXPECT_TRUE(reloaded);
}

void RunningGateway::put_client(const fhir::store::ClientRecord& rec) {
  if (!runtime_) return;
  gateway::AppContext& app = runtime_->app();
  auto st = gateway::write_sync(*app.store, [&rec](fhir::store::WriteTxn& tx) { return tx.put_client(rec); });
  EXPECT_TRUE(st) << st.issue().diagnostics;
  auto reloaded = app.clients->reload(*app.store);
  // As the change follower does after a reload: the registered
  // organizations' identifiers, which consent decisions compare.
  EXPECT_TRUE(app.consents->refresh(*app.store, {}, app.clients->organizations()));
  EXPECT_TRUE(reloaded);
}

void RunningGateway::revoke_client(const std::string& id) {
  if (!runtime_) return;
  gateway::AppContext& app = runtime_->app();
  const std::int64_t now = app.clock->now_ms();
  auto st = gateway::write_sync(*app.store, [&id, now](fhir::store::WriteTxn& tx) { return tx.revoke_client(id, now); });
  EXPECT_TRUE(st) << st.issue().diagnostics;
  auto reloaded = app.clients->reload(*app.store);
  // As the change follower does after a reload: the registered
  // organizations' identifiers, which consent decisions compare.
  EXPECT_TRUE(app.consents->refresh(*app.store, {}, app.clients->organizations()));
  EXPECT_TRUE(reloaded);
}

std::string RunningGateway::register_and_token(const std::string& role, const std::string& scopes,
                                               const std::string& purpose) {
  TestClientSpec spec;
  spec.role = role;
  spec.scopes = scopes;
  spec.purpose = purpose;
  return token_for(spec);
}

std::string RunningGateway::token_for(const TestClientSpec& spec) {
  if (!runtime_) return {};
  gateway::AppContext& app = runtime_->app();
  fhir::store::ClientRecord rec;
  rec.id = spec.id.empty() ? "test-" + spec.role + "-" + std::to_string(++clients_) : spec.id;
  rec.role = spec.role;
  rec.organization = spec.organization;
  rec.scopes = spec.scopes;
  rec.part2_program = spec.part2_program;
  rec.created_ms = app.clock->now_ms();
  if (!app.clients->find(rec.id)) add_client(rec);

  gateway::auth::RequestContext ctx;
  ctx.client_id = rec.id;
  ctx.organization = rec.organization;
  ctx.role = spec.role;
  ctx.scopes = gateway::auth::allowed_scopes(rec);
  ctx.user_id = spec.user;
  auto pou = gateway::auth::parse_purpose_of_use(spec.purpose, *app.purposes);
  EXPECT_TRUE(pou) << spec.purpose;
  if (pou) ctx.purpose = *pou;
  // Issued at the epoch and valid until 2100, so tests may move their
  // clock anywhere in between.
  constexpr std::int64_t kYear2100Ms = 4102444800000;
  auto token = gateway::auth::mint_access_token(ctx, *app.identity, 0, kYear2100Ms);
  EXPECT_TRUE(token);
  return token ? *token : std::string();
}

void GatewayTest::SetUp() {
  gateway::Settings s;
  s.listen = "127.0.0.1:0";
  s.db_path = (dir_.path() / "store.db").string();
  s.share_dir = share_dir();
  s.io_threads = 2;
  s.storage_threads = 2;
  configure(s);
  gateway_ = std::make_unique<RunningGateway>(s, &clock_);
  client_ = std::make_unique<TestClient>(gateway_->base_url(), gateway_->register_and_token("admin"));
}

void GatewayTest::TearDown() {
  client_.reset();
  gateway_.reset();
}

}  // namespace carebridge::test
