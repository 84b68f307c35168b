// Purpose of use: why a requester asks, an HL7 v3 PurposeOfUse code
// (TREAT, ETREAT, HPAYMT, HOPERAT, PUBHLTH, HRESCH, PATRQT, ...). Clients
// name it in their token request as the HL7 FAST/UDAP B2B extension does,
// "system#code" with the ActReason OID or canonical URL, or a bare code.
// The codes are those under the abstract PurposeOfUse concept of HL7's own
// v3-ActReason CodeSystem (share/r4/CodeSystem-v3-ActReason.json).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include "fhir/core/result.hpp"

namespace gateway::auth {

inline constexpr std::string_view kActReasonSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
inline constexpr std::string_view kActReasonOid = "urn:oid:2.16.840.1.113883.5.8";

struct PurposeOfUse {
  std::string system;  // always kActReasonSystem once parsed
  std::string code;
  bool empty() const { return code.empty(); }
  // "system#code", the form tokens carry.
  std::string to_string() const { return system + "#" + code; }
};

class PurposeOfUseCodes {
 public:
  // path: the v3-ActReason CodeSystem.
  static fhir::Result<std::shared_ptr<const PurposeOfUseCodes>> load(const std::string& path);
  bool known(std::string_view code) const { return codes_.count(std::string(code)) > 0; }

 private:
  std::unordered_set<std::string> codes_;
};

// "urn:oid:2.16.840.1.113883.5.8#TREAT", "http://terminology...v3-ActReason#TREAT"
// or "TREAT". Errors (kInvalidValue) quote the text only when it is short
// and printable.
fhir::Result<PurposeOfUse> parse_purpose_of_use(std::string_view text, const PurposeOfUseCodes& codes);

}  // namespace gateway::auth
