// What the outcome-measure tests share: the shipped instrument table (from
// the build's share dir, as the gateway reads it) and the fixtures in
// tests/fixtures/behavioral (see its README for the expected scores).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "fhir/json/parse.hpp"
#include "mappers/outcomes/instrument_table.hpp"
#include "tests/support/fixture_paths.hpp"

namespace mappers::outcomes::test {

inline std::string table_path() { return carebridge::test::share_dir() + "/mappers/instruments.json"; }

inline fhir::json::Value load(const std::string& path) {
  auto v = fhir::json::parse(carebridge::test::read_file(path));
  EXPECT_TRUE(v.ok()) << path;
  return v.ok() ? std::move(*v) : fhir::json::Value();
}

inline fhir::json::Value behavioral(const std::string& relative) {
  return load(carebridge::test::fixtures_dir() + "/behavioral/" + relative);
}

// The shipped file as JSON, for tests that change one thing in it.
inline fhir::json::Value table_doc() { return load(table_path()); }

inline const InstrumentTable& table() {
  static const std::shared_ptr<const InstrumentTable> kTable = [] {
    auto t = InstrumentTable::load(table_path());
    EXPECT_TRUE(t.ok()) << t.issue().diagnostics;
    return t.ok() ? *t : std::make_shared<const InstrumentTable>();
  }();
  return *kTable;
}

// The instrument entry with this id in a table document.
inline fhir::json::Value& instrument_entry(fhir::json::Value& doc, const std::string& id) {
  for (auto& inst : doc.find("instruments")->items())
    if (inst.string_at("id") == id) return inst;
  ADD_FAILURE() << "no instrument " << id;
  return doc;
}

}  // namespace mappers::outcomes::test
