// Bundles: bytes into the write pipeline's parse and check stages, the
// doors a transaction/batch POST and `carebridge import` use. Pure: no
// store. Checks the plan's shape: a transaction is all or nothing, a batch
// keeps its entries in order and marks the failed ones.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fhir/search/search_params.hpp"
#include "fuzz/support/invariant.hpp"
#include "fuzz/support/r4_data.hpp"
#include "gateway/write/plan.hpp"

namespace {
std::shared_ptr<const profiles::TypeModel> g_model;  // loaded once, read-only
std::shared_ptr<const fhir::PatientCompartment> g_compartment;
std::shared_ptr<const fhir::search::SearchParams> g_search;
gateway::WriteContext g_ctx;

void check_plan(const gateway::WritePlan& plan) {
  std::size_t next = 0;
  for (const gateway::PlannedEntry& e : plan.entries) {
    CAREBRIDGE_FUZZ_CHECK(e.index >= next, "entries in Bundle order");
    next = e.index + 1;
    if (e.failed) {
      CAREBRIDGE_FUZZ_CHECK(plan.kind == gateway::PlanKind::batch, "only a batch keeps failed entries");
      CAREBRIDGE_FUZZ_CHECK(e.failed->http_status >= 400, "a failed entry has an error status");
      continue;
    }
    if (e.method == gateway::EntryMethod::post || e.method == gateway::EntryMethod::put)
      CAREBRIDGE_FUZZ_CHECK(e.resource.has_value(), "POST and PUT carry a resource");
    if (e.method == gateway::EntryMethod::patch)
      CAREBRIDGE_FUZZ_CHECK(e.patch.has_value(), "PATCH carries a patch");
  }
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_model = carebridge::fuzz::load_type_model();
  g_compartment = carebridge::fuzz::load_compartment();
  auto search = fhir::search::SearchParams::load(carebridge::fuzz::source_path("fhir/r4/search-parameters.json"));
  if (!search) std::abort();
  g_search = std::move(*search);
  g_ctx = gateway::WriteContext{g_model.get(), g_compartment.get(), g_search.get()};
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto plan = gateway::plan_bundle(body, g_ctx);
  if (plan) {
    CAREBRIDGE_FUZZ_CHECK(plan->kind != gateway::PlanKind::single, "a Bundle plans a transaction or batch");
    check_plan(*plan);
  } else {
    CAREBRIDGE_FUZZ_CHECK(plan.issue().http_status >= 400, "a refused Bundle is an error");
  }
  auto imported = gateway::plan_import(body, g_ctx);
  if (imported) check_plan(*imported);
  return 0;
}
