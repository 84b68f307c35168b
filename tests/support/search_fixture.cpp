#include "tests/support/search_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "fhir/json/parse.hpp"
#include "tests/support/fixture_paths.hpp"

namespace carebridge::test {

void SearchFixture::load_examples(std::initializer_list<std::string_view> prefixes) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fixtures_dir() + "/r4-examples")) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".json" || name.starts_with("AuditEvent-")) continue;
    if (std::any_of(prefixes.begin(), prefixes.end(), [&](std::string_view p) { return name.starts_with(p); }))
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  for (const auto& path : files) put_text(read_file(path.string()));
}

void SearchFixture::put_text(const std::string& text) {
  auto v = fhir::json::parse(text);
  ASSERT_TRUE(v.ok());
  const std::string url = std::string(v->string_at("resourceType")) + "/" + std::string(v->string_at("id"));
  auto r = client().put(url, text);
  ASSERT_LT(r.status, 300) << url << ": " << r.body;
}

fhir::json::Value SearchFixture::search(const std::string& query, const Headers& headers) {
  auto r = client().get(query, headers);
  EXPECT_EQ(r.status, 200) << query << ": " << r.body;
  return r.json();
}

std::string SearchFixture::link(const fhir::json::Value& bundle, std::string_view relation) {
  if (const auto* links = bundle.find("link"))
    for (const auto& l : links->items())
      if (l.string_at("relation") == relation) return std::string(l.string_at("url"));
  return {};
}

std::string SearchFixture::total(const fhir::json::Value& bundle) {
  const fhir::json::Value* t = bundle.find("total");
  return t == nullptr ? "(none)" : t->text();
}

}  // namespace carebridge::test
