// HL7 DS4P security labels (FHIR R4 security-labels.html): a coding in
// meta.security. The vocabularies the gateway reads and writes, and a set
// of labels holding exactly one confidentiality code, the highest seen
// (DS4P: one Confidentiality per resource; the high-water mark wins).
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

namespace consent {

inline constexpr std::string_view kConfidentialitySystem = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
inline constexpr std::string_view kActCodeSystem = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kPrivacyLawSystem = "http://terminology.hl7.org/CodeSystem/v3-ActUSPrivacyLaw";
// DS4P inline labels: an extension on any element, valueCoding a label of
// that element alone; a resource holding any is marked PROCESSINLINELABEL.
inline constexpr std::string_view kInlineLabelUrl =
    "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-inline-sec-label";
inline constexpr std::string_view kProcessInlineLabel = "PROCESSINLINELABEL";

struct Label {
  std::string system;
  std::string code;
  auto operator<=>(const Label&) const = default;
};

// U < L < M < N < R < V; -1 for anything else.
int confidentiality_rank(std::string_view code);

class LabelSet {
 public:
  // A confidentiality code only raises the set's one confidentiality
  // (never lowers it); any other label is added once.
  void add(const Label& label);
  void add_all(const LabelSet& other);
  bool contains(std::string_view system, std::string_view code) const;
  // "" when no confidentiality code was added.
  const std::string& confidentiality() const { return confidentiality_; }
  // Everything but the confidentiality code, sorted.
  const std::vector<Label>& others() const { return others_; }
  // All labels, confidentiality first: what goes into meta.security.
  std::vector<Label> all() const;
  bool empty() const { return confidentiality_.empty() && others_.empty(); }
  bool operator==(const LabelSet&) const = default;

 private:
  std::string confidentiality_;
  std::vector<Label> others_;
};

}  // namespace consent
