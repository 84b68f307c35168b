#include "gateway/auth/purpose_of_use.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/terminology/code_system.hpp"
#include "gateway/auth/safe_text.hpp"

namespace gateway::auth {

fhir::Result<std::shared_ptr<const PurposeOfUseCodes>> PurposeOfUseCodes::load(const std::string& path) {
  auto cs = fhir::terminology::CodeSystem::load(path);
  if (!cs) return cs.take_issue();
  if (cs->url() != kActReasonSystem)
    return fhir::make_issue(fhir::err::kInternal, path + " is not the v3-ActReason CodeSystem");
  auto out = std::make_shared<PurposeOfUseCodes>();
  for (auto& code : cs->descendants("PurposeOfUse")) out->codes_.insert(std::move(code));
  if (out->codes_.empty())
    return fhir::make_issue(fhir::err::kInternal, path + " has no PurposeOfUse codes");
  return std::shared_ptr<const PurposeOfUseCodes>(std::move(out));
}

fhir::Result<PurposeOfUse> parse_purpose_of_use(std::string_view text, const PurposeOfUseCodes& codes) {
  std::string_view code = text;
  if (std::size_t hash = text.find('#'); hash != std::string_view::npos) {
    std::string_view system = text.substr(0, hash);
    if (system != kActReasonOid && system != kActReasonSystem)
      return fhir::make_issue(fhir::err::kInvalidValue,
                              "purpose of use " + safe_quote(text) + " is not from HL7 v3 ActReason (" +
                                  std::string(kActReasonOid) + ")");
    code = text.substr(hash + 1);
  }
  if (!codes.known(code))
    return fhir::make_issue(fhir::err::kInvalidValue,
                            "purpose of use " + safe_quote(text) + " is not an HL7 v3 PurposeOfUse code");
  return PurposeOfUse{std::string(kActReasonSystem), std::string(code)};
}

}  // namespace gateway::auth
