// Resource JSON against the R4 type model: parse, then profiles::validate.
// Checks what validator.hpp promises of every issue: severity error, 400,
// code structure or value, a path, and no more than max_issues of them.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "fhir/json/parse.hpp"
#include "fuzz/support/invariant.hpp"
#include "fuzz/support/r4_data.hpp"
#include "profiles/validator.hpp"

namespace {
std::shared_ptr<const profiles::TypeModel> g_model;  // loaded once, read-only
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_model = carebridge::fuzz::load_type_model();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = fhir::json::parse(text);
  if (!parsed) return 0;
  // A small cap too, so the fuzzer also walks the "issue list full" path.
  for (std::size_t cap : {std::size_t{100}, std::size_t{3}}) {
    profiles::ValidateOptions options;
    options.max_issues = cap;
    auto issues = profiles::validate(*g_model, *parsed, options);
    CAREBRIDGE_FUZZ_CHECK(issues.size() <= cap, "at most max_issues issues");
    for (const fhir::Issue& i : issues) {
      CAREBRIDGE_FUZZ_CHECK(i.severity == fhir::Severity::error, "issues are errors");
      CAREBRIDGE_FUZZ_CHECK(i.http_status == 400, "issues are 400s");
      CAREBRIDGE_FUZZ_CHECK(i.code == "structure" || i.code == "value", "code structure or value");
      CAREBRIDGE_FUZZ_CHECK(!i.diagnostics.empty(), "issues say what is wrong");
    }
  }
  return 0;
}
