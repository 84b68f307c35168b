#include "tests/fhir/search/r4_definitions.hpp"

#include <gtest/gtest.h>

#include "tests/support/fixture_paths.hpp"

namespace fhir::search::test {

std::string definitions_path() { return carebridge::test::share_dir() + "/r4/search-parameters.json"; }

const SearchParams* r4_params() {
  static const std::shared_ptr<const SearchParams> params = [] {
    auto p = SearchParams::load(definitions_path());
    if (!p.ok()) ADD_FAILURE() << p.issue().diagnostics;
    return p.ok() ? *p : nullptr;
  }();
  if (params == nullptr) ADD_FAILURE() << "the R4 search parameters did not load";
  return params.get();
}

}  // namespace fhir::search::test
