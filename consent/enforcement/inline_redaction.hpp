// Element-level redaction by inline security labels (HL7 DS4P
// extension-inline-sec-label, valueCoding, on any element; the source flags
// such resources with PROCESSINLINELABEL, and so does the labeler). An element whose inline label
// this requester is not cleared for, decided as if the whole resource
// carried that label on top of its own, is removed from what the requester
// receives, and the resource is marked REDACT (v3-ActCode ObligationPolicy)
// so the receiver knows something was taken out. The stored version is
// never changed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "consent/enforcement/disclosure_filter.hpp"

namespace consent {

// The JSON the requester receives when some element must go; nullopt when
// nothing is redacted (no inline labels, or all cleared).
std::optional<std::string> redact_inline(const DisclosureFilter& filter, const fhir::store::VersionRecord& rec,
                                         std::string_view json);

}  // namespace consent
