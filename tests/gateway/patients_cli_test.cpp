// carebridge patients links|link|unlink|match: the Patient link table
// through the real binary, over Patients written to the store by
// `carebridge import`, also while a server runs on the same store.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_client.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

// Two different Synthea patients (tests/fixtures/synthea-sud).
const std::string kEbony = "d69f0917-eea1-af79-624f-1bd8b274b255";
const std::string kRudy = "7753b010-5d25-8d6b-9fd6-78e47ef62395";
// kEbony as a second EHR sends her.
const std::string kEbonyElsewhere = "ehr2-d69f0917";

Value synthea_patient(const std::string& id) {
  auto bundle = fhir::json::parse(read_file(fixtures_dir() + "/synthea-sud/" + id + ".json"));
  EXPECT_TRUE(bundle.ok());
  if (!bundle.ok()) return Value();
  for (const auto& e : bundle->find("entry")->items())
    if (const Value* r = e.find("resource"); r != nullptr && r->string_at("resourceType") == "Patient") return *r;
  ADD_FAILURE() << "no Patient in " << id;
  return Value();
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// The same person as another EHR would send her: its own id and MRN, no
// SSN (nor any other of the first system's identifiers), upper-case names.
Value second_ehr(const Value& p, const std::string& id) {
  Value v = p;
  v.set("id", Value::make_string(id));
  Value ids = Value::make_array();
  Value mrn = Value::make_object();
  mrn.set("system", Value::make_string("urn:oid:2.16.840.1.113883.3.9999.2"));
  mrn.set("value", Value::make_string("MRN0417"));
  ids.push_back(std::move(mrn));
  v.set("identifier", std::move(ids));
  for (auto& n : v.find("name")->items()) {
    if (Value* f = n.find("family")) *f = Value::make_string(upper(f->text()));
    for (auto& g : n.find("given")->items()) g = Value::make_string(upper(g.text()));
  }
  return v;
}

// Writes each resource to its own file and imports them all.
void import(const std::filesystem::path& dir, const std::string& db, const std::vector<Value>& resources) {
  std::vector<std::string> args = {"import", "--db", db, "--share-dir", share_dir()};
  for (const auto& r : resources) {
    const std::string file = (dir / (std::string(r.string_at("id")) + ".json")).string();
    std::ofstream(file) << fhir::json::write(r);
    args.push_back(file);
  }
  std::string out;
  ASSERT_EQ(run_binary(args, &out), 0) << out;
}

Value bare_patient(const std::string& id) {
  auto v = fhir::json::parse(R"({"resourceType":"Patient","id":")" + id + R"("})");
  EXPECT_TRUE(v.ok());
  return v.ok() ? std::move(*v) : Value();
}

// `patients SUBCOMMAND --db db FLAGS...` from {SUBCOMMAND, FLAGS...};
// returns the exit code, fills out.
int patients(const std::string& db, const std::vector<std::string>& args, std::string* out) {
  std::vector<std::string> argv = {"patients", args.at(0), "--db", db};
  argv.insert(argv.end(), args.begin() + 1, args.end());
  out->clear();
  return run_binary(argv, out);
}

// The binary's stdout and stderr together, where the refusals are named
// (run_binary reads stdout only). Through the shell, each word quoted.
int run_with_stderr(const std::vector<std::string>& args, std::string* out) {
  std::string cmd = "'" + binary_path() + "'";
  for (const auto& a : args) {
    cmd += " '";
    for (char c : a) cmd += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += "'";
  }
  cmd += " 2>&1";
  out->clear();
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int refused(const std::string& db, const std::vector<std::string>& args, std::string* out) {
  std::vector<std::string> argv = {"patients", args.at(0), "--db", db};
  argv.insert(argv.end(), args.begin() + 1, args.end());
  return run_with_stderr(argv, out);
}

int count_lines(const std::string& s) {
  std::istringstream in(s);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n;
}

class PatientsCliTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = (dir_.path() / "s.db").string(); }
  std::string links(std::vector<std::string> filters = {}) {
    filters.insert(filters.begin(), "links");
    std::string out;
    EXPECT_EQ(patients(db_, filters, &out), 0) << out;
    return out;
  }

  TempDir dir_;
  std::string db_;
};

TEST_F(PatientsCliTest, MatchLinksOnePersonFromTwoEhrsAndNotTwoPeopleWhileAServerRuns) {
  const Value ebony = synthea_patient(kEbony);
  import(dir_.path(), db_, {ebony, second_ehr(ebony, kEbonyElsewhere), synthea_patient(kRudy)});
  ServerProcess server(db_);
  ASSERT_TRUE(server.started());
  // The import linked them already (the write pipeline's link step): one
  // automatic row, certain.
  const std::string imported = links();
  EXPECT_EQ(count_lines(imported), 1) << imported;
  EXPECT_EQ(imported.rfind(kEbony + " " + kEbonyElsewhere + " linked ", 0), 0u) << imported;
  EXPECT_NE(imported.find(" certain auto\n"), std::string::npos) << imported;

  std::string out;
  ASSERT_EQ(patients(db_, {"match", "--a", kEbonyElsewhere, "--b", kEbony}, &out), 0) << out;
  EXPECT_EQ(out.rfind("link ", 0), 0u) << out;
  EXPECT_NE(out.find(" certain\n"), std::string::npos) << out;
  EXPECT_NE(out.find("evidence: link certain score="), std::string::npos) << out;
  EXPECT_NE(out.find("birth_date agree"), std::string::npos) << out;
  // Fields and levels, never the values compared.
  EXPECT_EQ(upper(out).find("DUBUQUE"), std::string::npos) << out;
  EXPECT_EQ(out.find(std::string(ebony.string_at("birthDate"))), std::string::npos) << out;
  EXPECT_EQ(links(), imported) << "match without --record stores nothing";

  ASSERT_EQ(patients(db_, {"match", "--a", kEbony, "--b", kRudy}, &out), 0) << out;
  EXPECT_EQ(out.rfind("none ", 0), 0u) << out;

  ASSERT_EQ(patients(db_, {"match", "--a", kEbonyElsewhere, "--b", kEbony, "--record"}, &out), 0) << out;
  EXPECT_NE(out.find("recorded as linked"), std::string::npos) << out;
  ASSERT_EQ(patients(db_, {"match", "--a", kEbony, "--b", kRudy, "--record"}, &out), 0) << out;
  EXPECT_NE(out.find("recorded: no link"), std::string::npos) << out;
  // The pair in canonical order, whichever way it was matched.
  const std::string all = links();
  EXPECT_EQ(count_lines(all), 1) << all;
  EXPECT_EQ(all.rfind(kEbony + " " + kEbonyElsewhere + " linked ", 0), 0u) << all;
  EXPECT_NE(all.find(" certain auto\n"), std::string::npos) << all;
  EXPECT_EQ(links({"--patient", kEbonyElsewhere}), all);
  EXPECT_EQ(links({"--patient", kRudy}), "");

  // The server went on serving throughout.
  EXPECT_EQ(TestClient(server.base_url()).get("metadata").status, 200);
}

TEST_F(PatientsCliTest, LinkUnlinkAndTheListingFilters) {
  import(dir_.path(), db_, {bare_patient("p-a"), bare_patient("p-b"), bare_patient("p-c")});
  std::string out;
  ASSERT_EQ(patients(db_, {"link", "--a", "p-b", "--b", "p-a", "--by", "ann"}, &out), 0) << out;
  ASSERT_EQ(patients(db_, {"unlink", "--a", "p-c", "--b", "p-a"}, &out), 0) << out;
  EXPECT_EQ(links(), "p-a p-b linked 0.000 - manual:ann\np-a p-c rejected 0.000 - manual\n");
  // link b a is link a b: still one row for the pair.
  ASSERT_EQ(patients(db_, {"link", "--a", "p-a", "--b", "p-b", "--by", "bob"}, &out), 0) << out;
  EXPECT_EQ(links({"--patient", "p-b"}), "p-a p-b linked 0.000 - manual:bob\n");
  EXPECT_EQ(links({"--state", "rejected"}), "p-a p-c rejected 0.000 - manual\n");
  EXPECT_EQ(links({"--patient", "p-a", "--state", "linked"}), "p-a p-b linked 0.000 - manual:bob\n");
  EXPECT_EQ(links({"--state", "review"}), "");
  // A person changes their mind.
  ASSERT_EQ(patients(db_, {"unlink", "--a", "p-b", "--b", "p-a", "--by", "ann"}, &out), 0) << out;
  EXPECT_EQ(links({"--patient", "p-b"}), "p-a p-b rejected 0.000 - manual:ann\n");
}

TEST_F(PatientsCliTest, UnknownPatientsAndBadFlagsAreRefused) {
  import(dir_.path(), db_, {bare_patient("p-a"), bare_patient("p-b")});
  std::string out;
  EXPECT_EQ(refused(db_, {"link", "--a", "p-a", "--b", "nobody"}, &out), 1) << out;
  EXPECT_NE(out.find("Patient/nobody is not in the store"), std::string::npos) << out;
  EXPECT_EQ(refused(db_, {"unlink", "--a", "nobody", "--b", "p-a"}, &out), 1) << out;
  EXPECT_NE(out.find("Patient/nobody is not in the store"), std::string::npos) << out;
  EXPECT_EQ(refused(db_, {"match", "--a", "p-a", "--b", "nobody"}, &out), 1) << out;
  EXPECT_NE(out.find("Patient/nobody is not in the store"), std::string::npos) << out;
  const std::vector<std::vector<std::string>> bad = {
      {"link", "--a", "p-a", "--b", "p-a"},
      {"link", "--a", "p-a"},
      {"link", "--a", "p-a", "--b", "p-b", "--by", "two words"},
      {"link", "--a", "p-a", "--b", "p-b", "--record"},
      {"links", "--state", "maybe"},
      {"links", "--patient"},
      {"match", "--a", "p-a", "--b", "p-b", "--wat", "x"},
  };
  for (const auto& args : bad) {
    EXPECT_EQ(refused(db_, args, &out), 1) << args.back() << ": " << out;
    EXPECT_EQ(out.rfind("carebridge patients: ", 0), 0u) << out;
  }
  EXPECT_EQ(links(), "") << "nothing was stored";
  EXPECT_EQ(run_with_stderr({"patients", "merge", "--db", db_}, &out), 2) << out;
  EXPECT_NE(out.find("usage: carebridge patients"), std::string::npos) << out;
  EXPECT_EQ(run_with_stderr({"patients", "links"}, &out), 1) << out;
  EXPECT_NE(out.find("--db PATH is required"), std::string::npos) << out;
}

TEST_F(PatientsCliTest, ARejectedPairStaysRejectedWhenMatchingWouldLinkIt) {
  const Value ebony = synthea_patient(kEbony);
  import(dir_.path(), db_, {ebony, second_ehr(ebony, kEbonyElsewhere)});
  std::string out;
  ASSERT_EQ(patients(db_, {"match", "--a", kEbony, "--b", kEbonyElsewhere, "--record"}, &out), 0) << out;
  const std::string recorded = links();
  ASSERT_NE(recorded.find(" linked "), std::string::npos) << recorded;
  const std::string score = recorded.substr(recorded.find(" linked ") + 8, 5);

  // The person's decision keeps the evidence it was made on (score, grade).
  ASSERT_EQ(patients(db_, {"unlink", "--a", kEbonyElsewhere, "--b", kEbony, "--by", "ann"}, &out), 0) << out;
  const std::string rejected = kEbony + " " + kEbonyElsewhere + " rejected " + score + " certain manual:ann\n";
  EXPECT_EQ(links(), rejected);

  ASSERT_EQ(patients(db_, {"match", "--a", kEbony, "--b", kEbonyElsewhere, "--record"}, &out), 0) << out;
  EXPECT_EQ(out.rfind("link ", 0), 0u) << out;
  EXPECT_NE(out.find("not recorded: the pair was rejected by manual:ann"), std::string::npos) << out;
  EXPECT_EQ(links(), rejected);
}

// An Observation in Patient/patient's compartment.
Value observation_of(const std::string& id, const std::string& patient) {
  auto v = fhir::json::parse(R"({"resourceType":"Observation","id":")" + id +
                             R"(","status":"final","code":{"text":"note"},"subject":{"reference":"Patient/)" +
                             patient + R"("}})");
  EXPECT_TRUE(v.ok());
  return v.ok() ? std::move(*v) : Value();
}

// The seealso references of a Patient as a server answers it.
std::vector<std::string> seealso(const HttpResult& r) {
  std::vector<std::string> out;
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return out;
  Value p = r.json();
  if (const Value* links = p.find("link"))
    for (const auto& l : links->items())
      if (l.string_at("type") == "seealso") out.emplace_back(l.find("other")->string_at("reference"));
  return out;
}

bool everything_holds(const TestClient& c, const std::string& patient, const std::string& ref) {
  auto r = c.get("Patient/" + patient + "/$everything");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.body.find(R"("fullUrl":")" + c.base_url() + "/" + ref + "\"") != std::string::npos;
}

TEST_F(PatientsCliTest, LinkAndUnlinkCountInARunningServerOnceTheyReturn) {
  import(dir_.path(), db_, {bare_patient("p-a"), bare_patient("p-b"), observation_of("obs-b", "p-b")});
  ServerProcess server(db_);
  ASSERT_TRUE(server.started());
  const TestClient c(server.base_url(), cli_admin_token(db_));
  EXPECT_TRUE(seealso(c.get("Patient/p-a")).empty());
  EXPECT_FALSE(everything_holds(c, "p-a", "Observation/obs-b"));

  // Another process (this command) changes the link table; the server
  // follows it before the command returns.
  std::string out;
  ASSERT_EQ(patients(db_, {"link", "--a", "p-a", "--b", "p-b", "--by", "ann"}, &out), 0) << out;
  EXPECT_EQ(seealso(c.get("Patient/p-a")), std::vector<std::string>{"Patient/p-b"});
  EXPECT_EQ(seealso(c.get("Patient/p-b")), std::vector<std::string>{"Patient/p-a"});
  EXPECT_TRUE(everything_holds(c, "p-a", "Observation/obs-b"));
  // Shown, never stored: the Patient is still its first version.
  auto head = c.get("Patient/p-a");
  EXPECT_EQ(head.header("etag"), "W/\"1\"");

  ASSERT_EQ(patients(db_, {"unlink", "--a", "p-b", "--b", "p-a", "--by", "ann"}, &out), 0) << out;
  EXPECT_TRUE(seealso(c.get("Patient/p-a")).empty());
  EXPECT_FALSE(everything_holds(c, "p-a", "Observation/obs-b"));
}

}  // namespace
}  // namespace carebridge::test
