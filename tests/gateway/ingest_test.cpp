// Whole-EHR ingest: every Synthea bundle of ../shared/fixtures/synthea
// (each folder's provider batches first) through POST / and through
// `carebridge import`, after which no reference is left pointing at a
// urn:uuid and every Type/id reference resolves.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fhir/resource/resource.hpp"
#include "gateway/write/map_stage.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/server_process.hpp"

namespace carebridge::test {
namespace {

namespace fs = std::filesystem;
using fhir::json::Value;

bool is_provider_batch(const fs::path& p) {
  std::string name = p.filename().string();
  return name.rfind("hospitalInformation", 0) == 0 || name.rfind("practitionerInformation", 0) == 0;
}

struct Folder {
  std::vector<fs::path> providers, patients;
};

// Each folder of Synthea output (synthea-run-metadata.json is Synthea's own
// file, not FHIR, and is left out).
std::vector<Folder> synthea_folders(const std::string& root) {
  std::map<fs::path, Folder> by_dir;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const fs::path& p = e.path();
    if (!e.is_regular_file() || p.extension() != ".json" || p.filename() == "synthea-run-metadata.json")
      continue;
    Folder& f = by_dir[p.parent_path()];
    (is_provider_batch(p) ? f.providers : f.patients).push_back(p);
  }
  std::vector<Folder> out;
  for (auto& [dir, f] : by_dir) {
    std::sort(f.providers.begin(), f.providers.end());
    std::sort(f.patients.begin(), f.patients.end());
    out.push_back(std::move(f));
  }
  return out;
}

// What the fixtures should leave in the store: every patient-bundle entry,
// and one resource per distinct ifNoneExist of the provider batches (the
// same provider appears in several batch entries).
std::size_t expected_resources(const std::vector<Folder>& folders) {
  std::size_t n = 0;
  std::set<std::string> conditional;
  for (const auto& f : folders)
    for (const auto* list : {&f.providers, &f.patients})
      for (const auto& p : *list) {
        auto bundle = fhir::json::parse(read_file(p.string()));
        if (!bundle) continue;
        for (const auto& e : bundle->find("entry")->items()) {
          const Value* request = e.find("request");
          std::string if_none_exist(request->string_at("ifNoneExist"));
          if (if_none_exist.empty()) ++n;
          else conditional.insert(std::string(request->string_at("url")) + "?" + if_none_exist);
        }
      }
  return n + conditional.size();
}

// Walks one resource: every string holding "urn:uuid:" (only allowed as an
// Identifier value under urn:ietf:rfc:3986) and every reference.
void walk(const Value& v, const Value* parent_object, std::string_view key,
          std::vector<std::string>& refs, int& stray_urns) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.members()) walk(child, &v, k, refs, stray_urns);
  } else if (v.is_array()) {
    for (const auto& item : v.items()) walk(item, parent_object, key, refs, stray_urns);
  } else if (v.is_string()) {
    if (key == "reference") refs.push_back(v.text());
    bool identifier_value = key == "value" && parent_object->string_at("system") == "urn:ietf:rfc:3986";
    if (v.text().find("urn:uuid:") != std::string::npos && !identifier_value) ++stray_urns;
  }
}

// Reads every current resource back through history paging at the largest
// page size, and checks the references of each.
void check_store(const TestClient& client, std::size_t expected) {
  std::map<std::string, std::string> current;  // "Type/id" -> JSON, newest version
  std::set<std::string> seen;
  std::string next = "_history?_count=1000";
  const std::string base = client.base_url() + "/";
  while (!next.empty()) {
    auto page = client.get(next);
    ASSERT_EQ(page.status, 200) << page.body.substr(0, 500);
    Value b = page.json();
    for (const auto& e : b.find("entry")->items()) {
      std::string key(e.string_at("fullUrl"));
      key.erase(0, base.size());
      if (!seen.insert(key).second) continue;  // newest first: an older version
      // What the gateway derived (care flags) is not what was sent.
      if (const Value* r = e.find("resource"); r != nullptr && !gateway::is_derived(*r))
        current[key] = fhir::json::write(*r);
    }
    next.clear();
    if (const Value* links = b.find("link"))
      for (const auto& l : links->items())
        if (l.string_at("relation") == "next") next = std::string(l.string_at("url"));
  }
  EXPECT_EQ(current.size(), expected);

  std::size_t references = 0, unresolved = 0, urn_refs = 0, contained_refs = 0;
  int stray_urns = 0;
  for (const auto& [key, json] : current) {
    auto v = fhir::json::parse(json);
    ASSERT_TRUE(v.ok()) << key;
    std::vector<std::string> refs;
    walk(*v, nullptr, "", refs, stray_urns);
    std::set<std::string> contained;
    if (const Value* c = v->find("contained"))
      for (const auto& r : c->items()) contained.insert("#" + std::string(r.string_at("id")));
    for (const auto& ref : refs) {
      ++references;
      if (ref.rfind("urn:", 0) == 0) {
        ++urn_refs;
        ADD_FAILURE() << key << " still refers to " << ref;
      } else if (ref.front() == '#') {
        ++contained_refs;
        EXPECT_TRUE(contained.count(ref)) << key << ": " << ref;
      } else if (!current.count(ref)) {
        ++unresolved;
        if (unresolved <= 5) ADD_FAILURE() << key << ": " << ref << " does not resolve";
      }
    }
  }
  EXPECT_EQ(urn_refs, 0u);
  EXPECT_EQ(unresolved, 0u);
  EXPECT_EQ(stray_urns, 0);
  EXPECT_GT(references, 30000u);  // 25,793 urn:uuid and 8,582 conditional references
  EXPECT_GT(contained_refs, 0u);
}

class IngestTest : public GatewayTest {
 protected:
  void SetUp() override {
    auto shared = shared_fixtures_dir();
    if (!shared) GTEST_SKIP() << "../shared/fixtures is not checked out";
    folders_ = synthea_folders(*shared + "/synthea");
    ASSERT_FALSE(folders_.empty());
    GatewayTest::SetUp();
  }
  std::vector<Folder> folders_;
};

TEST_F(IngestTest, AllSyntheaBundlesThroughPostBundle) {
  auto start = std::chrono::steady_clock::now();
  std::size_t files = 0, entries = 0;
  for (const auto& f : folders_) {
    for (const auto* list : {&f.providers, &f.patients})
      for (const auto& p : *list) {
        SCOPED_TRACE(p.string());
        auto r = client().post("", read_file(p.string()));
        ASSERT_EQ(r.status, 200) << r.body.substr(0, 1000);
        Value b = r.json();
        for (const auto& e : b.find("entry")->items()) {
          std::string status(e.find("response")->string_at("status"));
          EXPECT_TRUE(status == "201 Created" || status == "200 OK") << status;
          ++entries;
        }
        ++files;
      }
  }
  auto loaded = std::chrono::steady_clock::now();
  EXPECT_EQ(files, 29u);
  check_store(client(), expected_resources(folders_));
  auto checked = std::chrono::steady_clock::now();
  using ms = std::chrono::milliseconds;
  std::printf("ingested %zu files, %zu entries in %lld ms; read back and checked in %lld ms\n", files,
              entries, static_cast<long long>(std::chrono::duration_cast<ms>(loaded - start).count()),
              static_cast<long long>(std::chrono::duration_cast<ms>(checked - loaded).count()));
}

TEST_F(IngestTest, AllSyntheaBundlesThroughImport) {
  // Patients named first: import orders provider batches first itself.
  std::vector<std::string> args = {"import", "--db", (dir_.path() / "import.db").string(), "--share-dir",
                                   share_dir()};
  for (const auto& f : folders_) {
    for (const auto& p : f.patients) args.push_back(p.string());
    for (const auto& p : f.providers) args.push_back(p.string());
  }
  std::string out;
  ASSERT_EQ(run_binary(args, &out), 0) << out;
  EXPECT_NE(out.find("[29/29]"), std::string::npos) << out;
  ServerProcess server((dir_.path() / "import.db").string());
  ASSERT_TRUE(server.started());
  check_store(TestClient(server.base_url(), cli_admin_token((dir_.path() / "import.db").string())),
              expected_resources(folders_));
}

}  // namespace
}  // namespace carebridge::test
