// A patient's accounting of disclosures as CSV (RFC 4180), for a person
// to read or a spreadsheet to open: one row per resource version
// disclosed, with when, to whom, why and what allowed it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/audit/disclosure_view.hpp"

namespace gateway {

inline constexpr std::string_view kDisclosuresCsvHeader = "date,recipient,purpose,resource,basis";

// The header, then per disclosure and per entity: the AuditEvent's
// recorded instant, "Organization/ID (client id)", the purpose code, the
// versioned reference, its basis. Lines end in CRLF (RFC 4180 §2).
std::string disclosures_csv(const std::vector<Disclosure>& disclosures);

}  // namespace gateway
