// carebridge client add|list|revoke: the registry of client systems, also
// while a server runs on the same store. Outside checks rely on the add form.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <string>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/json/write.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "gateway/auth/jwk_export.hpp"
#include "gateway/auth/signing_key.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_client.hpp"

namespace carebridge::test {
namespace {

// A client's public key set, as a client would register it.
std::string write_jwks(const std::filesystem::path& path, gateway::auth::KeyType type) {
  auto key = gateway::auth::SigningKey::generate(type);
  EXPECT_TRUE(key.ok());
  auto jwk = gateway::auth::public_jwk(key->public_key());
  EXPECT_TRUE(jwk.ok());
  auto set = fhir::json::Value::make_object();
  auto& keys = set.set("keys", fhir::json::Value::make_array());
  keys.push_back(std::move(*jwk));
  std::ofstream(path) << fhir::json::write(set);
  return path.string();
}

TEST(ClientCliTest, AddListRevokeWhileAServerRuns) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  ServerProcess server(db);
  ASSERT_TRUE(server.started());
  const std::string jwks = write_jwks(dir.path() / "ehr.jwks", gateway::auth::KeyType::ec_p384);
  std::string out;
  EXPECT_EQ(run_binary({"client", "add", "--db", db, "--id", "ehr-a", "--role", "source", "--organization",
                        "Organization/org-a", "--scopes", "system/*.cruds", "--jwks", jwks, "--part2-program"},
                       &out),
            0)
      << out;
  const std::string rsa = write_jwks(dir.path() / "clinic.jwks", gateway::auth::KeyType::rsa);
  EXPECT_EQ(run_binary({"client", "add", "--db", db, "--id", "clinic-b", "--role", "partner", "--organization",
                        "Organization/org-b", "--jwks", rsa},
                       &out),
            0)
      << out;
  // A duplicate id is refused with a non-zero exit, whatever else it says.
  EXPECT_NE(run_binary({"client", "add", "--db", db, "--id", "ehr-a", "--role", "partner", "--organization",
                        "Organization/org-c"},
                       &out),
            0);
  EXPECT_EQ(run_binary({"client", "revoke", "--db", db, "--id", "clinic-b"}, &out), 0) << out;
  ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0) << out;
  EXPECT_NE(out.find("ehr-a\tsource\tOrganization/org-a\tactive\tyes\tjwks\tsystem/*.cruds"), std::string::npos)
      << out;
  EXPECT_NE(out.find("clinic-b\tpartner\tOrganization/org-b\trevoked "), std::string::npos) << out;
  // The server went on serving throughout.
  EXPECT_EQ(TestClient(server.base_url()).get("metadata").status, 200);
}

TEST(ClientCliTest, BadRegistrationsAreRefused) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  std::ofstream(dir.path() / "private.jwks")
      << R"({"keys":[{"kty":"EC","crv":"P-384","x":"AAAA","y":"AAAA","d":"AAAA"}]})";
  std::ofstream(dir.path() / "junk.jwks") << "not json";
  const std::vector<std::vector<std::string>> bad = {
      {"--id", "a", "--role", "superuser", "--organization", "Organization/o"},
      {"--id", "a", "--role", "partner", "--organization", "Practitioner/o"},
      {"--id", "a b", "--role", "partner", "--organization", "Organization/o"},
      {"--id", "a", "--role", "partner", "--organization", "Organization/o", "--scopes", "patient/*.read"},
      {"--id", "a", "--role", "partner", "--organization", "Organization/o", "--scopes", "system/*.srd"},
      {"--id", "a", "--role", "partner", "--organization", "Organization/o", "--jwks",
       (dir.path() / "private.jwks").string()},
      {"--id", "a", "--role", "partner", "--organization", "Organization/o", "--jwks",
       (dir.path() / "junk.jwks").string()},
      {"--id", "a", "--role", "partner", "--organization", "Organization/o", "--jwks",
       (dir.path() / "missing.jwks").string()},
  };
  for (const auto& flags : bad) {
    std::vector<std::string> args = {"client", "add", "--db", db};
    args.insert(args.end(), flags.begin(), flags.end());
    std::string out;
    EXPECT_NE(run_binary(args, &out), 0) << flags[3] << " " << flags.back();
  }
  std::string out;
  ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0);
  EXPECT_EQ(out.find("\na\t"), std::string::npos) << "nothing was registered:\n" << out;
  EXPECT_NE(run_binary({"client", "revoke", "--db", db, "--id", "nobody"}, &out), 0);
}

TEST(ClientCliTest, KeySetRepeatingAKidIsRefused) {
  // SMART Backend Services: a kid names one key of the set, so an
  // assertion's kid can never leave the choice of key to us.
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  auto set = fhir::json::Value::make_object();
  auto& keys = set.set("keys", fhir::json::Value::make_array());
  for (int i = 0; i < 2; ++i) {
    auto key = gateway::auth::SigningKey::generate(gateway::auth::KeyType::ec_p384);
    ASSERT_TRUE(key.ok());
    auto jwk = gateway::auth::public_jwk(key->public_key());
    ASSERT_TRUE(jwk.ok());
    jwk->set("kid", fhir::json::Value::make_string("clinic-2025"));
    keys.push_back(std::move(*jwk));
  }
  const std::string jwks = (dir.path() / "twice.jwks").string();
  std::ofstream(jwks) << fhir::json::write(set);
  std::string out;
  EXPECT_NE(run_binary({"client", "add", "--db", db, "--id", "clinic", "--role", "partner", "--organization",
                        "Organization/o", "--jwks", jwks},
                       &out),
            0)
      << out;
  ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0);
  EXPECT_EQ(out.find("\nclinic\t"), std::string::npos) << "nothing was registered:\n" << out;
}

TEST(ClientCliTest, EndpointPrefixesAreCheckedAndKeptInNormalForm) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  std::string out;
  ASSERT_EQ(run_binary({"client", "add", "--db", db, "--id", "clinic-c", "--role", "partner", "--organization",
                        "Organization/org-c", "--endpoint-prefix", "HTTPS://Partner.Example:443/fhir",
                        "--endpoint-prefix", "http://127.0.0.1:9000/hook/", "--endpoint-prefix",
                        "https://partner.example/fhir"},
                       &out),
            0)
      << out;
  // What add and list print is the contract outside checks rely on: unchanged.
  EXPECT_EQ(out, "client clinic-c added (partner, Organization/org-c)\n");
  out.clear();
  ASSERT_EQ(run_binary({"client", "list", "--db", db}, &out), 0);
  EXPECT_EQ(out,
            "id\trole\torganization\tstatus\tpart2\tkeys\tscopes\n"
            "clinic-c\tpartner\tOrganization/org-c\tactive\tno\tnone\t(role default)\n");
  // Only the insecure-looking spellings are refused; the rest is stored in
  // normal form, once each.
  const std::vector<std::string> bad = {
      "http://partner.example/",           "https://partner.example@evil.example/",
      "https://u:secret@partner.example/", "https://partner.example/fhir?x=1",
      "https://partner.example/fhir#x",    "https://partner.example/fhir/../admin",
      "https://partner.example/%2e%2e/x",  "partner.example/fhir",
      "https://partner.example./",         "https://partner.example:0/",
  };
  for (const auto& prefix : bad) {
    EXPECT_NE(run_binary({"client", "add", "--db", db, "--id", "clinic-d", "--role", "partner", "--organization",
                          "Organization/org-d", "--endpoint-prefix", "https://ok.example/", "--endpoint-prefix",
                          prefix},
                         &out),
              0)
        << prefix;
  }
  EXPECT_NE(run_binary({"client", "add", "--db", db, "--id", "clinic-d", "--role", "partner", "--organization",
                        "Organization/org-d", "--endpoint-prefix"},
                       &out),
            0);

  fhir::SystemClock clock;
  fhir::store::SqliteOptions options;
  options.path = db;
  auto store = fhir::store::open_sqlite_store(options, clock);
  ASSERT_TRUE(store.ok()) << store.issue().diagnostics;
  auto c = (*store)->read_client("clinic-c");
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->endpoint_prefixes,
            (std::vector<std::string>{"http://127.0.0.1:9000/hook/", "https://partner.example/fhir"}));
  auto d = (*store)->read_client("clinic-d");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->has_value()) << "nothing was registered";
  (*store)->close();
}

}  // namespace
}  // namespace carebridge::test
