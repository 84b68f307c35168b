// FHIRPath: any text into the compiler; what compiles is evaluated over
// fixed resources (contained resources, extensions, components, choice
// elements), whole and pruned to each resource's type, as the search
// index does. Every result node must point at a value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/search/fhirpath_expression.hpp"
#include "fuzz/support/invariant.hpp"
#include "fuzz/support/r4_data.hpp"

namespace {
std::vector<fhir::json::Value> g_resources;  // loaded once, read-only

void check(const fhir::search::fhirpath::Collection& out) {
  for (const auto& node : out) CAREBRIDGE_FUZZ_CHECK(node.value != nullptr, "result nodes are never null");
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  for (const char* f : {"tests/fixtures/r4-examples/Observation-10minute-apgar-score.json",
                        "tests/fixtures/r4-examples/Observation-example-genetics-1.json",
                        "tests/fixtures/r4-examples/Patient-f001.json",
                        "tests/fixtures/r4-examples/Bundle-father.json"})
    g_resources.push_back(carebridge::fuzz::load_json(f));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expr = fhir::search::fhirpath::compile(text);
  if (!expr) {
    CAREBRIDGE_FUZZ_CHECK(expr.issue().http_status == 400, "a bad expression is a 400");
    return 0;
  }
  for (const fhir::json::Value& r : g_resources) {
    check(expr->evaluate(r));
    check(expr->for_resource_type(r.string_at("resourceType")).evaluate(r));
  }
  return 0;
}
