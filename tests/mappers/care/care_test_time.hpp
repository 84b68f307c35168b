// What the care-model tests share: the shipped care-rules.json (from the
// build's share dir) and a calendar to place facts on.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

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

}  // namespace mappers::care::test
