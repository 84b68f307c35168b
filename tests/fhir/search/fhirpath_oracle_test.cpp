// Cross-checks our FHIRPath evaluator against HL7's own engine
// (fhirpath.js, tests/oracle, pinned to 4.9.1): every search parameter
// applicable to every R4 example and to every resource of the demo's
// Synthea bundles, plus every composite component, evaluated by both. The
// values must agree as multisets (primitives by value, complex nodes as
// JSON with numbers compared by value: fhirpath.js turns 1.50 into 1.5).
//
// Where fhirpath.js cannot take an R4 expression as written, the oracle
// script (tests/oracle/fhirpath_eval.cjs) adjusts, and the test counts how
// often: resolve() inspects the reference instead of fetching (as ours
// does), so the `where(resolve() is Patient)` parameters are compared too;
// `value.as(DateTime)` is read as dateTime (fhir_types.cpp says why);
// `x as T` over a collection, an error in fhirpath.js, is re-run as
// `x.ofType(T)`; and a union over a Quantity with a comparator, which
// fhirpath.js cannot compare, is re-run branch by branch.
//
// Installs the oracle with `npm ci` on first run; skips only without node
// or npm.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fhir/search/search_params.hpp"
#include "tests/fhir/search/r4_definitions.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/node_oracle.hpp"
#include "tests/support/temp_dir.hpp"

namespace fhir::search {
namespace {

namespace fs = std::filesystem;
using carebridge::test::command_works;
using carebridge::test::oracle_dir;
using carebridge::test::shell_quoted;
using carebridge::test::TempDir;



// node_modules is gitignored: the first run installs the pinned package.
bool ensure_oracle(std::string& why) {
  fs::path pkg = fs::path(oracle_dir()) / "node_modules" / "fhirpath" / "package.json";
  if (fs::exists(pkg) && carebridge::test::read_file(pkg.string()).find("\"version\": \"4.9.1\"") != std::string::npos)
    return true;
  std::string cmd = "npm ci --ignore-scripts --no-audit --no-fund --prefix " + shell_quoted(oracle_dir());
  if (std::system((cmd + " >&2").c_str()) != 0) {
    why = "`" + cmd + "` failed";
    return false;
  }
  return fs::exists(pkg);
}

// Canonical text of a JSON value: members sorted, numbers by value.
void canon(const json::Value& v, std::string& out) {
  switch (v.kind()) {
    case json::Value::Kind::null: out += "null"; return;
    case json::Value::Kind::boolean: out += v.as_bool() ? "true" : "false"; return;
    case json::Value::Kind::number: {
      double d = 0;
      std::from_chars(v.text().data(), v.text().data() + v.text().size(), d);
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, r.ptr);
      return;
    }
    case json::Value::Kind::string:
      out += '"';
      json::append_escaped(v.text(), out);
      out += '"';
      return;
    case json::Value::Kind::array:
      out += '[';
      for (const auto& i : v.items()) {
        canon(i, out);
        out += ',';
      }
      out += ']';
      return;
    case json::Value::Kind::object: {
      std::vector<const json::Value::Member*> members;
      for (const auto& m : v.members()) members.push_back(&m);
      std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->first < b->first; });
      out += '{';
      for (const auto* m : members) {
        out += '"' + m->first + "\":";
        canon(m->second, out);
        out += ',';
      }
      out += '}';
      return;
    }
  }
}

using Values = std::vector<std::string>;  // sorted canonical texts

Values canonical(const fhirpath::Collection& c) {
  Values out;
  for (const auto& n : c) {
    std::string s;
    canon(*n.value, s);
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Task {
  std::string expression;
  std::string resource;  // "Observation/abc (file)"
  Values ours;
};

std::vector<std::pair<std::string, json::Value>> sample_resources() {
  std::vector<std::pair<std::string, json::Value>> out;
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(carebridge::test::fixtures_dir() + "/r4-examples"))
    if (f.path().extension() == ".json") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto v = json::parse(carebridge::test::read_file(f.string()));
    if (v.ok()) out.emplace_back(f.filename().string(), std::move(*v));
  }
  // The demo's Synthea records (whole patients as partner clinics send
  // them, and the hospital and practitioner bundles).
  std::vector<fs::path> bundles;
  for (const auto& f : fs::directory_iterator(carebridge::test::demo_dir()))
    if (f.path().extension() == ".json") bundles.push_back(f.path());
  std::sort(bundles.begin(), bundles.end());
  for (const auto& path : bundles) {
    auto b = json::parse(carebridge::test::read_file(path.string()));
    if (!b.ok() || b->find("entry") == nullptr) continue;
    for (auto& e : b->find("entry")->items()) {
      if (json::Value* r = e.find("resource")) out.emplace_back(path.filename().string(), std::move(*r));
    }
  }
  return out;
}

TEST(FhirpathOracleTest, AgreesWithFhirpathJs) {
  if (!command_works("node --version") || !command_works("npm --version"))
    GTEST_SKIP() << "node and npm are needed for the fhirpath.js oracle";
  std::string why;
  ASSERT_TRUE(ensure_oracle(why)) << why;
  const SearchParams* params = test::r4_params();
  ASSERT_NE(params, nullptr);

  auto start = std::chrono::steady_clock::now();
  auto resources = sample_resources();
  ASSERT_GT(resources.size(), 2500u);
  TempDir tmp;
  const fs::path& dir = tmp.path();
  std::vector<Task> tasks;
  {
    std::ofstream in(dir / "in.jsonl", std::ios::binary);
    auto add = [&](const std::string& expression, const std::string& what, const fhirpath::Collection& ours) {
      in << "{\"id\":" << tasks.size() << ",\"expression\":\"";
      std::string esc;
      json::append_escaped(expression, esc);
      in << esc << "\"}\n";
      tasks.push_back(Task{expression, what, canonical(ours)});
    };
    for (const auto& [file, r] : resources) {
      in << "{\"resource\":" << json::write(r) << "}\n";
      std::string what = std::string(r.string_at("resourceType")) + "/" + std::string(r.string_at("id")) + " (" + file + ")";
      for (const BoundParam& bp : params->for_type(r.string_at("resourceType"))) {
        const SearchParam& p = *bp.param;
        if (p.expression.is_empty()) continue;
        fhirpath::Collection items = bp.expression.evaluate(r);
        add(p.expression.text(), what, items);  // the unpruned text: pruning is checked too
        for (const auto& c : p.components) {
          fhirpath::Collection values;
          for (const auto& item : items) c.expression.evaluate_at(item, r, values);
          add("(" + p.expression.text() + ").select(" + c.expression.text() + ")", what, values);
        }
      }
    }
  }
  std::string cmd = "node " + shell_quoted(oracle_dir() + "/fhirpath_eval.cjs") + " < " + shell_quoted((dir / "in.jsonl").string()) +
                    " > " + shell_quoted((dir / "out.jsonl").string());
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  std::istringstream lines(carebridge::test::read_file((dir / "out.jsonl").string()));
  std::string line;
  std::size_t answered = 0, disagreements = 0, errors = 0, non_empty = 0;
  std::map<std::string, std::size_t> by_expression, adjusted;
  std::string report;
  while (std::getline(lines, line)) {
    auto msg = json::parse(line);
    ASSERT_TRUE(msg.ok()) << line;
    std::size_t id = std::stoul(msg->find("id")->text());
    ASSERT_LT(id, tasks.size());
    ++answered;
    const Task& t = tasks[id];
    if (!t.ours.empty()) ++non_empty;
    if (const json::Value* adj = msg->find("adjusted")) {
      for (const auto& a : adj->items()) ++adjusted[a.text()];
    }
    Values theirs;
    if (const json::Value* err = msg->find("error")) {
      ++errors;
      theirs.push_back("error: " + err->text());
    } else {
      for (const auto& v : msg->find("result")->items()) {
        std::string s;
        canon(v, s);
        theirs.push_back(std::move(s));
      }
      std::sort(theirs.begin(), theirs.end());
    }
    if (theirs == t.ours) continue;
    ++disagreements;
    if (by_expression[t.expression]++ < 2 && report.size() < 20000) {
      report += t.expression + " on " + t.resource + "\n  ours:";
      for (const auto& v : t.ours) report += " " + v.substr(0, 200);
      report += "\n  fhirpath.js:";
      for (const auto& v : theirs) report += " " + v.substr(0, 200);
      report += "\n";
    }
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ oracle    ] %zu resources, %zu comparisons (%zu with values), %zu disagreements, "
              "%zu fhirpath.js errors, %.1f s\n",
              resources.size(), answered, non_empty, disagreements, errors, s);
  for (const auto& [what, n] : adjusted) std::printf("[ oracle    ] adjusted for fhirpath.js (%s): %zu\n", what.c_str(), n);
  EXPECT_EQ(answered, tasks.size()) << "the oracle did not answer every expression";
  EXPECT_EQ(disagreements, 0u) << report;
}

}  // namespace
}  // namespace fhir::search
