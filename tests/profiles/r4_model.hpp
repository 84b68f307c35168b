// The R4 TypeModel from the build's share dir, loaded once per test binary
// (the build copies profiles/r4/fhir.schema.json there).
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "profiles/type_model.hpp"
#include "tests/support/fixture_paths.hpp"

namespace carebridge::test {

// nullptr (and a failed test) if the schema does not load.
inline const profiles::TypeModel* r4_model() {
  static const std::shared_ptr<const profiles::TypeModel> model = [] {
    auto loaded = profiles::TypeModel::load(share_dir() + "/r4/fhir.schema.json");
    if (!loaded) {
      ADD_FAILURE() << loaded.issue().diagnostics;
      return std::shared_ptr<const profiles::TypeModel>();
    }
    return *loaded;
  }();
  return model.get();
}

}  // namespace carebridge::test
