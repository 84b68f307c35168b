// The command-line contract outside checks rely on.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "consent/audit/audit_log.hpp"
#include "consent/audit/audit_paths.hpp"
#include "fhir/core/clock.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/raw_connection.hpp"
#include "tests/support/server_process.hpp"

namespace carebridge::test {
namespace {

TEST(CliTest, HelpDocumentsCommandsAndSettings) {
  std::string out;
  EXPECT_EQ(run_binary({"--help"}, &out), 0);
  for (const char* s : {"serve", "import", "--listen", "--db", "--config", "CAREBRIDGE_LISTEN",
                        "--body-limit", "--io-threads"})
    EXPECT_NE(out.find(s), std::string::npos) << s;
}

TEST(CliTest, ServePrintsListeningLineAndStopsOnSigterm) {
  TempDir dir;
  const std::string token = cli_admin_token((dir.path() / "s.db").string());
  ServerProcess server((dir.path() / "s.db").string());
  ASSERT_TRUE(server.started());
  TestClient client(server.base_url(), token);
  EXPECT_EQ(client.get("metadata").status, 200);
  int status = server.signal_and_wait(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(CliTest, SigtermLetsTheRequestInFlightFinish) {
  TempDir dir;
  std::string db = (dir.path() / "s.db").string();
  std::string body = R"({"resourceType":"Patient","id":"late","active":true})";
  const std::string token = cli_admin_token(db);
  {
    ServerProcess server(db);
    ASSERT_TRUE(server.started());
    RawConnection idle(server.base_url());  // waiting for a request: closed at once
    RawConnection busy(server.base_url());
    ASSERT_TRUE(idle.connected() && busy.connected());
    // The head and half the body: the request is in flight when SIGTERM comes.
    std::string head = "PUT /Patient/late HTTP/1.1\r\nHost: x\r\nContent-Type: application/fhir+json\r\n"
                       "Authorization: Bearer " + token + "\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    ASSERT_TRUE(busy.send_text(head + body.substr(0, 10)));
    // Let the server read the head. Nothing observable says it has (it
    // cannot answer before the body ends), so this one test waits.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    server.send_signal(SIGTERM);
    bool idle_closed = false;
    idle.read_until_close(&idle_closed);
    EXPECT_TRUE(idle_closed);
    ASSERT_TRUE(busy.send_text(body.substr(10)));
    bool closed = false;
    std::string answer = busy.read_until_close(&closed);
    EXPECT_EQ(answer.rfind("HTTP/1.1 201", 0), 0u) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
    int status = server.wait();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  ServerProcess restarted(db);
  ASSERT_TRUE(restarted.started());
  EXPECT_EQ(TestClient(restarted.base_url(), token).get("Patient/late").status, 200);
}

TEST(CliTest, ConfigFileAndFlagsPrecedence) {
  TempDir dir;
  std::string config = (dir.path() / "c.json").string();
  std::ofstream(config) << R"({"body_limit": 50, "history_default_count": 1})";
  // The flag overrides the file's body limit; the file's page size holds.
  ServerProcess server((dir.path() / "s.db").string(), {"--config", config, "--body-limit", "100000"});
  ASSERT_TRUE(server.started());
  TestClient client(server.base_url(), cli_admin_token((dir.path() / "s.db").string()));
  ASSERT_EQ(client.post("Patient", R"({"resourceType":"Patient","active":true})").status, 201);
  ASSERT_EQ(client.post("Patient", R"({"resourceType":"Patient","active":true})").status, 201);
  auto h = client.get("Patient/_history").json();
  EXPECT_EQ(h.find("entry")->items().size(), 1u);
}

TEST(CliTest, ImportLoadsFilesAndBundles) {
  TempDir dir;
  std::string db = (dir.path() / "s.db").string();
  std::string examples = fixtures_dir() + "/r4-examples";
  std::string out;
  int rc = run_binary({"import", "--db", db, "--share-dir", share_dir(),
                       examples + "/Patient-example.json", demo_dir()},
                      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[1/"), std::string::npos) << out;  // progress lines
  ServerProcess server(db);
  ASSERT_TRUE(server.started());
  TestClient client(server.base_url(), cli_admin_token((dir.path() / "s.db").string()));
  EXPECT_EQ(client.get("Patient/example").status, 200);
  auto patients = client.get("Patient/_history").json();
  EXPECT_GE(std::stoi(patients.find("total")->text()), 2);
  // urn:uuid references were rewritten to the ids assigned in the bundle.
  auto obs = client.get("Observation/_history?_count=1").json();
  const auto& o = obs.find("entry")->items().at(0).find("resource");
  std::string subject(o->find("subject")->string_at("reference"));
  EXPECT_EQ(subject.rfind("Patient/", 0), 0u) << subject;
  EXPECT_EQ(client.get(subject).status, 200);
}

// A source's data loaded by an operator is a write from that source: each
// stored file leaves one AuditEvent naming the versions it wrote, never
// the file's name (Synthea-style names carry the patient's).
TEST(CliTest, ImportLeavesOneAuditRecordPerFile) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  std::string added;
  ASSERT_EQ(run_binary({"client", "add", "--db", db, "--id", "riverside", "--role", "source", "--organization",
                        "Organization/riverside"},
                       &added),
            0)
      << added;
  std::ofstream(dir.path() / "Jane123_Doe456.json") << R"({"resourceType":"Patient","id":"pj"})";
  std::ofstream(dir.path() / "bundle.json") << R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"resource":{"resourceType":"Patient","id":"pk"},"request":{"method":"PUT","url":"Patient/pk"}},
    {"resource":{"resourceType":"Observation","id":"ok","status":"final","code":{"text":"mood"},
      "subject":{"reference":"Patient/pk"}},"request":{"method":"PUT","url":"Observation/ok"}}]})";
  std::string out;
  ASSERT_EQ(run_binary({"import", "--db", db, "--share-dir", share_dir(), "--client", "riverside",
                        dir.path().string()},
                       &out),
            0)
      << out;
  fhir::SystemClock clock;
  consent::AuditLogOptions options;
  options.path = consent::default_audit_path(db);
  options.key_file = consent::default_audit_key_path(options.path);
  auto log = consent::AuditLog::open(options, clock);
  ASSERT_TRUE(log.ok()) << log.issue().diagnostics;
  consent::AuditQuery q;
  q.agent = {"riverside"};
  auto page = (*log)->search(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->records.size(), 2u);
  std::vector<std::string> texts;
  for (const auto& r : page->records) texts.push_back(r.fields);
  std::sort(texts.begin(), texts.end());
  const std::string both = texts[0] + texts[1];
  EXPECT_NE(both.find("entity\tPatient/pj/_history/1 pj write"), std::string::npos) << both;
  EXPECT_NE(both.find("entity\tObservation/ok/_history/1 pk write"), std::string::npos) << both;
  EXPECT_NE(both.find("organization\tOrganization/riverside"), std::string::npos) << both;
  EXPECT_EQ(both.find("Jane123"), std::string::npos) << "no file names in the trail";
  EXPECT_EQ(both.find("subtype\tdisclose"), std::string::npos) << "a source's own write is no disclosure";
  (*log)->close();
}

TEST(CliTest, ImportFailsNamingTheBadFile) {
  TempDir dir;
  std::string bad = (dir.path() / "bad.json").string();
  std::ofstream(bad) << R"({"resourceType":"Patient","birthDate":"1990-13-45"})";
  std::string out;
  int rc = run_binary({"import", "--db", (dir.path() / "s.db").string(), "--share-dir", share_dir(), bad}, &out);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("bad.json"), std::string::npos) << out;
  EXPECT_NE(out.find("FAILED"), std::string::npos) << out;
}

TEST(CliTest, ImportSkipsJsonThatIsNoResource) {
  TempDir dir;
  std::ofstream(dir.path() / "synthea-run-metadata.json") << R"({"seed": 1})";
  std::ofstream(dir.path() / "p.json") << R"({"resourceType":"Patient","id":"p"})";
  std::string out;
  int rc = run_binary({"import", "--db", (dir.path() / "s.db").string(), "--share-dir", share_dir(),
                       dir.path().string()},
                      &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("skipped, not a FHIR resource"), std::string::npos) << out;
  EXPECT_NE(out.find("imported 1 resources from 1 of 2 files (1 skipped)"), std::string::npos) << out;
}

TEST(CliTest, ImportWhileServerRuns) {
  TempDir dir;
  std::string db = (dir.path() / "s.db").string();
  ServerProcess server(db);
  ASSERT_TRUE(server.started());
  TestClient client(server.base_url(), cli_admin_token((dir.path() / "s.db").string()));
  ASSERT_EQ(client.put("Patient/a", R"({"resourceType":"Patient","id":"a"})").status, 201);
  std::string out;
  EXPECT_EQ(run_binary({"import", "--db", db, "--share-dir", share_dir(),
                        fixtures_dir() + "/r4-examples/Patient-example.json"},
                       &out),
            0)
      << out;
  EXPECT_EQ(client.get("Patient/example").status, 200);
  EXPECT_EQ(client.put("Patient/b", R"({"resourceType":"Patient","id":"b"})").status, 201);
}

}  // namespace
}  // namespace carebridge::test
