// Splits a Reference.reference (or a canonical/uri used as one) into the
// parts search needs: R4 references are relative ("Patient/1"), absolute
// ("http://x/fhir/Patient/1"), versioned (".../_history/2"), local to the
// resource ("#p1"), conditional ("Patient?identifier=..") or opaque URNs.
#pragma once

#include <optional>
#include <string_view>

namespace fhir::search {

struct ReferenceParts {
  std::string_view base;      // "http://x/fhir" for absolute URLs, else empty
  std::string_view type;      // "Patient"; empty for URNs and local refs
  std::string_view id;        // empty for conditional references
  std::string_view version;   // from /_history/{v}
  bool local = false;         // "#p1": id holds "p1" ("" for the container)
};

// nullopt when the text names neither a local target nor a type: urn:uuid,
// urn:oid, or text that is not a reference at all.
std::optional<ReferenceParts> parse_reference(std::string_view ref);

}  // namespace fhir::search
