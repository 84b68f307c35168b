// JSON Patch (RFC 6902): the input is a document and a patch separated by
// the first NUL byte. apply_patch is all or nothing: when it fails the
// target must be exactly as it was, and the error is a 400 or a 409.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fhir/json/json_patch.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fuzz/support/invariant.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t nul = input.find('\0');
  if (nul == std::string_view::npos) return 0;
  auto doc = fhir::json::parse(input.substr(0, nul));
  auto patch = fhir::json::parse(input.substr(nul + 1));
  if (!doc || !patch) return 0;

  fhir::json::Value target = *doc;
  auto st = fhir::json::apply_patch(target, *patch);
  if (!st) {
    CAREBRIDGE_FUZZ_CHECK(target == *doc, "a failed patch leaves the target unchanged");
    int status = st.issue().http_status;
    CAREBRIDGE_FUZZ_CHECK(status == 400 || status == 409, "a failed patch is a 400 or a 409");
    return 0;
  }
  // The patched document is an ordinary Value: it prints and parses back.
  // Not yet checked: that it stays within the parser's depth cap.
  // apply_patch bounds neither depth nor size (a "copy" of a value into
  // its own child doubles both), so a patched resource can nest past
  // kMaxDepth; make this unconditional once it does.
  auto again = fhir::json::parse(fhir::json::write(target));
  if (again) CAREBRIDGE_FUZZ_CHECK(*again == target, "patched document round-trips");
  return 0;
}
