// Clients declared in the config file ("clients": [...]): each start
// registers them or brings them in line with the file, through the real
// binary, and a revoked one stays revoked.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "fhir/core/clock.hpp"
#include "fhir/json/write.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/signing_key.hpp"
#include "tests/support/client_assertion.hpp"
#include "tests/support/fixture_paths.hpp"
#include "fhir/core/clock.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_client.hpp"

namespace carebridge::test {
namespace {

void write_config(const std::filesystem::path& path, const std::string& role, const std::string& scopes,
                  const std::string& jwks_file) {
  std::ofstream(path) << R"({"change_poll_ms": 5, "clients": [{"id": "cfg-clinic", "role": ")" << role
                      << R"(", "organization": "Organization/cfg-org", "scopes": ")" << scopes
                      << R"(", "jwks_file": ")" << jwks_file << R"(", "part2_program": false}]})";
}

std::string write_jwks(const std::filesystem::path& path) {
  auto key = gateway::auth::SigningKey::generate(gateway::auth::KeyType::ec_p384);
  EXPECT_TRUE(key.ok());
  auto jwk = gateway::auth::public_jwk(key->public_key());
  EXPECT_TRUE(jwk.ok());
  auto set = fhir::json::Value::make_object();
  set.set("keys", fhir::json::Value::make_array()).push_back(std::move(*jwk));
  std::ofstream(path) << fhir::json::write(set);
  return path.string();
}

std::string token_for(const std::string& db, const std::string& config, const std::string& client) {
  std::string out;
  int rc = run_binary({"token", "--db", db, "--config", config, "--client", client, "--purpose", "TREAT"}, &out);
  EXPECT_EQ(rc, 0) << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(ConfigClientsTest, EachStartRegistersAndUpdatesTheConfiguredClients) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  const std::string config = (dir.path() / "c.json").string();
  const std::string jwks = write_jwks(dir.path() / "clinic.jwks");
  write_config(config, "partner", "system/Patient.rs", jwks);
  {
    ServerProcess server(db, {"--config", config});
    ASSERT_TRUE(server.started());
    std::string out;
    ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0);
    EXPECT_NE(out.find("cfg-clinic\tpartner\tOrganization/cfg-org\tactive\tno\tjwks\tsystem/Patient.rs"),
              std::string::npos)
        << out;
    TestClient clinic(server.base_url(), token_for(db, config, "cfg-clinic"));
    EXPECT_EQ(clinic.get("Patient").status, 200);
    EXPECT_EQ(clinic.get("Observation").status, 403);
  }
  // The file changed: the next start replaces the registration's scopes.
  write_config(config, "partner", "system/Observation.rs", jwks);
  {
    ServerProcess server(db, {"--config", config});
    ASSERT_TRUE(server.started());
    TestClient clinic(server.base_url(), token_for(db, config, "cfg-clinic"));
    EXPECT_EQ(clinic.get("Observation").status, 200);
    EXPECT_EQ(clinic.get("Patient").status, 403);
  }
  // Revoked on the command line: the configuration does not bring it back.
  std::string out;
  ASSERT_EQ(run_binary({"client", "revoke", "--db", db, "--id", "cfg-clinic"}, &out), 0) << out;
  ServerProcess server(db, {"--config", config});
  ASSERT_TRUE(server.started());
  EXPECT_NE(run_binary({"token", "--db", db, "--config", config, "--client", "cfg-clinic", "--purpose", "TREAT"},
                       &out),
            0);
  ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0);
  EXPECT_NE(out.find("cfg-clinic\tpartner\tOrganization/cfg-org\trevoked "), std::string::npos) << out;
}

// A configured client's endpoint prefixes are stored normalised, as
// `client add --endpoint-prefix` stores them; one that is not allowed
// stops the start.
TEST(ConfigClientsTest, ConfiguredEndpointPrefixesAreStoredNormalised) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  const std::string config = (dir.path() / "c.json").string();
  auto write = [&](const std::string& prefixes) {
    std::ofstream(config) << R"({"clients": [{"id": "cfg-clinic", "role": "partner",)"
                          << R"( "organization": "Organization/cfg-org", "endpoint_prefixes": [)" << prefixes << "]}]}";
  };
  write(R"("https://Partner.Example:443/fhir/", "http://127.0.0.1:9000/hook")");
  {
    ServerProcess server(db, {"--config", config});
    ASSERT_TRUE(server.started());
  }
  {
    fhir::ManualClock clock(0);
    fhir::store::SqliteOptions options;
    options.path = db;
    auto store = fhir::store::open_sqlite_store(options, clock);
    ASSERT_TRUE(store.ok());
    auto client = (*store)->read_client("cfg-clinic");
    ASSERT_TRUE(client.ok() && client->has_value());
    EXPECT_EQ((*client)->endpoint_prefixes,
              (std::vector<std::string>{"http://127.0.0.1:9000/hook", "https://partner.example/fhir/"}));
    (*store)->close();
  }
  write(R"("ftp://partner.example/")");
  std::string out;
  EXPECT_NE(run_binary({"serve", "--listen", "127.0.0.1:0", "--db", db, "--share-dir", share_dir(), "--config", config},
                       &out, std::chrono::seconds(20)),
            0)
      << out;
  EXPECT_EQ(out.find("listening on"), std::string::npos) << out;
  EXPECT_EQ(out.find("ftp://"), std::string::npos) << "the URL is never echoed: " << out;
}

TEST(ConfigClientsTest, ABadConfiguredClientStopsTheStartAndChangesNothing) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  const std::string config = (dir.path() / "c.json").string();
  write_config(config, "superuser", "system/*.rs", write_jwks(dir.path() / "k.jwks"));
  std::string out;
  EXPECT_NE(run_binary({"serve", "--listen", "127.0.0.1:0", "--db", db, "--share-dir", share_dir(), "--config", config},
                       &out),
            0)
      << out;
  ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0);
  EXPECT_EQ(out.find("cfg-clinic"), std::string::npos) << out;
}

TEST(ConfigClientsTest, AnIdListedTwiceStopsTheStartAndChangesNothing) {
  // Which entry would win is anyone's guess: the file is refused instead.
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  const std::string config = (dir.path() / "c.json").string();
  const std::string jwks = write_jwks(dir.path() / "k.jwks");
  std::ofstream(config) << R"({"clients": [)"
                        << R"({"id": "cfg-clinic", "role": "partner", "organization": "Organization/cfg-org",)"
                        << R"( "scopes": "system/Patient.rs", "jwks_file": ")" << jwks << R"("},)"
                        << R"({"id": "cfg-clinic", "role": "source", "organization": "Organization/cfg-org",)"
                        << R"( "scopes": "system/*.cruds", "jwks_file": ")" << jwks << R"("}]})";
  std::string out;
  // Bounded: were the file accepted, the server would run on.
  EXPECT_GT(run_binary({"serve", "--listen", "127.0.0.1:0", "--db", db, "--share-dir", share_dir(), "--config", config},
                       &out, std::chrono::seconds(20)),
            0)
      << out;
  EXPECT_EQ(out.find("listening on"), std::string::npos) << out;
  ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0);
  EXPECT_EQ(out.find("cfg-clinic"), std::string::npos) << out;
}

TEST(ConfigClientsTest, AConfiguredClientWithoutAKeyFileKeepsItsRegisteredKeys) {
  // Keys may be registered on the command line (`client add --jwks`) and
  // the rest of the registration kept in the config file.
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  const std::string config = (dir.path() / "c.json").string();
  auto key = gateway::auth::SigningKey::generate(gateway::auth::KeyType::ec_p384);
  ASSERT_TRUE(key.ok());
  const std::string jwks = (dir.path() / "clinic.jwks").string();
  std::ofstream(jwks) << jwks_of({&*key});
  std::string out;
  ASSERT_EQ(run_binary({"client", "add", "--db", db, "--id", "cfg-clinic", "--role", "partner", "--organization",
                        "Organization/cfg-org", "--scopes", "system/*.rs", "--jwks", jwks},
                       &out),
            0)
      << out;
  std::ofstream(config) << R"({"clients": [{"id": "cfg-clinic", "role": "partner",)"
                        << R"( "organization": "Organization/cfg-org", "scopes": "system/Patient.rs"}]})";
  ServerProcess server(db, {"--config", config});
  ASSERT_TRUE(server.started());
  ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0);
  EXPECT_NE(out.find("cfg-clinic\tpartner\tOrganization/cfg-org\tactive\tno\tjwks\tsystem/Patient.rs"),
            std::string::npos)
      << out;
  // And they still authenticate the client at the token endpoint.
  const std::string token_url = server.base_url() + "/auth/token";
  TokenForm form;
  form.client_assertion =
      sign_assertion(assertion_claims("cfg-clinic", token_url, fhir::SystemClock().now_ms() + 60 * 1000), *key);
  form.scope = "system/*.rs";
  auto granted = TestClient(server.base_url())
                     .post("auth/token", form.encode(), {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(granted.json().string_at("scope"), "system/Patient.rs");
}

}  // namespace
}  // namespace carebridge::test
