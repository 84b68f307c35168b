// Resource JSON: any bytes into fhir::json::parse. What parses must print
// and parse back to an equal Value (what a client sent is what it reads
// back, STYLE.md), and printing is a fixed point.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fuzz/support/invariant.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = fhir::json::parse(text);
  if (!parsed) {
    CAREBRIDGE_FUZZ_CHECK(parsed.issue().http_status == 400, "a parse error is the client's (400)");
    return 0;
  }
  std::string written = fhir::json::write(*parsed);
  auto again = fhir::json::parse(written);
  CAREBRIDGE_FUZZ_CHECK(again.ok(), "written JSON parses");
  CAREBRIDGE_FUZZ_CHECK(*again == *parsed, "parse(write(v)) == v");
  CAREBRIDGE_FUZZ_CHECK(fhir::json::write(*again) == written, "write is a fixed point");
  return 0;
}
