// What the care-model tests share: the shipped care-rules.json (from the
// build's share dir), a calendar to place facts on, and facts of patient
// "p1" as the store hands them back (type and id filled).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

#include "fhir/store/care_fact.hpp"
#include "mappers/care/care_rules.hpp"
#include "mappers/care/fact_timeline.hpp"
#include "tests/support/fixture_paths.hpp"

namespace mappers::care::test {

inline const CareRules& shipped_rules() {
  static const CareRules kRules = [] {
    auto r = load_care_rules(carebridge::test::share_dir() + "/mappers/care-rules.json");
    EXPECT_TRUE(r.ok()) << r.issue().diagnostics;
    return r.ok() ? *r : CareRules{};
  }();
  return kRules;
}

// 2026-01-01T00:00:00Z; day(n) is n days later (and hours more).
inline constexpr std::int64_t kT0 = 1'767'225'600'000;
inline std::int64_t day(int n, int hours = 0) { return kT0 + n * kDayMs + std::int64_t{hours} * 3'600'000; }

inline fhir::store::CareFact fact(std::string kind, std::string type, std::string id, std::string code,
                                  std::int64_t at) {
  fhir::store::CareFact f;
  f.patient = "p1";
  f.kind = std::move(kind);
  f.type = std::move(type);
  f.id = std::move(id);
  f.code = std::move(code);
  f.at_ms = at;
  return f;
}

inline fhir::store::CareFact score(std::string id, std::string instrument, double value, std::int64_t at,
                                   std::string detail = "") {
  fhir::store::CareFact f = fact("score", "Observation", std::move(id), std::move(instrument), at);
  f.value = value;
  f.detail = std::move(detail);
  return f;
}

}  // namespace mappers::care::test
