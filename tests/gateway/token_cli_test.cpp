// carebridge token: one line on stdout, the bare access token, for a
// registered client of the store, signed with the key the servers on that
// store use; the grant is what the token endpoint would give. Unknown,
// revoked and badly asked-for tokens exit non-zero and print no token.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fhir/json/value.hpp"
#include "tests/support/client_assertion.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_client.hpp"

namespace carebridge::test {
namespace {

class TokenCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    add({"--id", "clinic", "--role", "partner", "--organization", "Organization/org-b", "--scopes",
         "system/Patient.rs system/Observation.rs system/Encounter.cruds"});
  }

  void add(std::vector<std::string> flags) {
    std::vector<std::string> args = {"client", "add", "--db", db_};
    args.insert(args.end(), flags.begin(), flags.end());
    std::string out;
    ASSERT_EQ(run_binary(args, &out), 0) << out;
  }

  // Runs `carebridge token --db DB args...`; fills stdout.
  int token(std::vector<std::string> args, std::string* out) {
    args.insert(args.begin(), {"token", "--db", db_});
    out->clear();
    return run_binary(args, out);
  }

  // The one-line answer of a successful run, without its newline.
  std::string token_line(const std::vector<std::string>& args) {
    std::string out;
    EXPECT_EQ(token(args, &out), 0);
    EXPECT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n');
    EXPECT_EQ(out.find('\n'), out.size() - 1) << "more than one line:\n" << out;
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

  TempDir dir_;
  const std::string db_ = (dir_.path() / "store.db").string();
};

TEST_F(TokenCliTest, PrintsOneTokenThatTheStoresServerAccepts) {
  // The first token on a store makes its signing key; stdout is still
  // just the token (the notice goes to stderr).
  const std::string first = token_line({"--client", "clinic", "--purpose", "TREAT"});
  const std::string second = token_line({"--client", "clinic", "--purpose", "urn:oid:2.16.840.1.113883.5.8#HPAYMT"});
  EXPECT_NE(first, second);
  ServerProcess server(db_);
  ASSERT_TRUE(server.started());
  for (const std::string& t : {first, second}) {
    TestClient c(server.base_url(), t);
    EXPECT_EQ(c.get("Patient").status, 200);
    EXPECT_EQ(c.get("Observation").status, 200);
    // A partner's registration beyond its role's ceiling is not granted.
    EXPECT_EQ(c.post("Encounter", R"({"resourceType":"Encounter","status":"planned","class":{"code":"AMB"}})").status,
              403);
  }
  fhir::json::Value claims = jws_payload(first);
  EXPECT_EQ(claims.string_at("client_id"), "clinic");
  EXPECT_EQ(claims.string_at("organization"), "Organization/org-b");
  EXPECT_EQ(claims.string_at("scope"), "system/Encounter.rs system/Observation.rs system/Patient.rs");
  EXPECT_EQ(claims.string_at("purpose_of_use"), "http://terminology.hl7.org/CodeSystem/v3-ActReason#TREAT");
  EXPECT_EQ(jws_payload(second).string_at("purpose_of_use"),
            "http://terminology.hl7.org/CodeSystem/v3-ActReason#HPAYMT");
  // A server that started first gets the same key: a token made now works too.
  EXPECT_EQ(TestClient(server.base_url(), token_line({"--client", "clinic", "--purpose", "TREAT"})).get("Patient").status,
            200);
}

TEST_F(TokenCliTest, ScopeNarrowsTheGrant) {
  const std::string narrow = token_line({"--client", "clinic", "--purpose", "TREAT", "--scope", "system/Patient.rs"});
  EXPECT_EQ(jws_payload(narrow).string_at("scope"), "system/Patient.rs");
  // Asking for more than allowed gets what is allowed of it.
  const std::string capped = token_line({"--client", "clinic", "--purpose", "TREAT", "--scope", "system/*.cruds"});
  EXPECT_EQ(jws_payload(capped).string_at("scope"), "system/Encounter.rs system/Observation.rs system/Patient.rs");
  ServerProcess server(db_);
  ASSERT_TRUE(server.started());
  TestClient c(server.base_url(), narrow);
  EXPECT_EQ(c.get("Patient").status, 200);
  EXPECT_EQ(c.get("Observation").status, 403);
}

TEST_F(TokenCliTest, UserIsCarriedAsTheSubject) {
  const std::string t = token_line({"--client", "clinic", "--purpose", "TREAT", "--user", "npi-1234567893"});
  EXPECT_EQ(jws_payload(t).string_at("subject_id"), "npi-1234567893");
}

TEST_F(TokenCliTest, RefusesWhatTheTokenEndpointWouldRefuse) {
  std::string out;
  // Unknown client.
  EXPECT_NE(token({"--client", "nobody", "--purpose", "TREAT"}, &out), 0);
  EXPECT_TRUE(out.empty()) << out;
  // Not a purpose of use, in any form.
  for (const char* purpose : {"NOPE", "PurposeOfUse", "http://example.org#TREAT", "treat"}) {
    EXPECT_NE(token({"--client", "clinic", "--purpose", purpose}, &out), 0) << purpose;
    EXPECT_TRUE(out.empty()) << purpose << ": " << out;
  }
  // Scopes it may not have at all, or that are not system scopes.
  for (const char* scope : {"system/Patient.c", "system/Condition.rs", "patient/*.read"}) {
    EXPECT_NE(token({"--client", "clinic", "--purpose", "TREAT", "--scope", scope}, &out), 0) << scope;
    EXPECT_TRUE(out.empty()) << scope << ": " << out;
  }
  // Missing arguments, an option it does not know, no store.
  EXPECT_NE(token({"--client", "clinic"}, &out), 0);
  EXPECT_NE(token({"--purpose", "TREAT"}, &out), 0);
  EXPECT_NE(token({"--client", "clinic", "--purpose", "TREAT", "--bogus", "x"}, &out), 0);
  EXPECT_NE(run_binary({"token", "--db", (dir_.path() / "none.db").string(), "--client", "clinic", "--purpose", "TREAT"},
                       &out),
            0);
}

TEST_F(TokenCliTest, TokenLifetimeOutsideOneSecondToADayIsRefused) {
  // A token that expires as it is issued, or outlives a day, is a
  // configuration mistake: the command and the server both say so at once.
  const std::vector<std::vector<std::string>> bad = {{"--access-token-seconds", "0"},
                                                     {"--access-token-seconds", "86401"}};
  std::string out;
  for (const auto& setting : bad) {
    SCOPED_TRACE(setting[1]);
    std::vector<std::string> args = {"--client", "clinic", "--purpose", "TREAT"};
    args.insert(args.end(), setting.begin(), setting.end());
    EXPECT_NE(token(args, &out), 0);
    EXPECT_TRUE(out.empty()) << out;
  }
  auto refused_at_start = bad;
  refused_at_start.push_back({"--token-verifications-per-second", "0"});
  for (const auto& setting : refused_at_start) {
    SCOPED_TRACE(setting[0] + " " + setting[1]);
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--db", db_, "--share-dir", share_dir()};
    args.insert(args.end(), setting.begin(), setting.end());
    out.clear();
    // Bounded: were the setting accepted, the server would run on.
    EXPECT_GT(run_binary(args, &out, std::chrono::seconds(20)), 0) << out;
    EXPECT_EQ(out.find("listening on"), std::string::npos) << out;
  }
  // The bounds themselves are fine.
  EXPECT_FALSE(token_line({"--client", "clinic", "--purpose", "TREAT", "--access-token-seconds", "86400"}).empty());
}

TEST_F(TokenCliTest, RevokedClientGetsNoTokenAndLosesTheOneItHad) {
  const std::string before = token_line({"--client", "clinic", "--purpose", "TREAT"});
  ServerProcess server(db_);
  ASSERT_TRUE(server.started());
  TestClient c(server.base_url(), before);
  EXPECT_EQ(c.get("Patient").status, 200);
  std::string out;
  ASSERT_EQ(run_binary({"client", "revoke", "--db", db_, "--id", "clinic"}, &out), 0) << out;
  EXPECT_NE(token({"--client", "clinic", "--purpose", "TREAT"}, &out), 0);
  EXPECT_TRUE(out.empty()) << out;
  // The running server follows the store's client registry: its next
  // poll refuses the token. Wait for that (bounded), rather than assume
  // how soon it comes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  long status = c.get("Patient").status;
  while (status != 401 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    status = c.get("Patient").status;
  }
  EXPECT_EQ(status, 401);
}

}  // namespace
}  // namespace carebridge::test
