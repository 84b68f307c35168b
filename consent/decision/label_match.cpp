#include "consent/decision/label_match.hpp"

namespace consent {
namespace {

constexpr std::string_view kPart2 = "42CFRPart2";
constexpr std::string_view kPsychotherapyNotes = "PSYTHPN";

std::string_view canonical(std::string_view code) { return code == "ETH" ? std::string_view("SUD") : code; }

bool is_part2(const Label& l) {
  return l.code == kPart2 && (l.system == kPrivacyLawSystem || l.system == kActCodeSystem);
}

std::vector<std::string> tree_roots(const Policy& policy) {
  std::vector<std::string> roots = {"_InformationSensitivityPolicy"};
  roots.insert(roots.end(), policy.sensitive_labels().begin(), policy.sensitive_labels().end());
  return roots;
}

}  // namespace

LabelMatcher::LabelMatcher(const fhir::terminology::CodeSystem& act_code, const Policy& policy)
    : tree_(act_code, tree_roots(policy)), policy_(policy) {}

bool LabelMatcher::sensitivity_is_a(std::string_view code, std::string_view ancestor) const {
  return tree_.is_a(canonical(code), canonical(ancestor));
}

bool LabelMatcher::has_sensitivity_under(const LabelSet& labels, std::string_view ancestor) const {
  for (const auto& l : labels.others())
    if (l.system == kActCodeSystem && sensitivity_is_a(l.code, ancestor)) return true;
  return false;
}

DataClass LabelMatcher::classify(const LabelSet& labels) const {
  DataClass out;
  out.sensitive = confidentiality_rank(labels.confidentiality()) >= policy_.sensitive_confidentiality_rank();
  for (const auto& l : labels.others()) {
    if (is_part2(l)) {
      out.part2 = true;
    } else if (l.system == kActCodeSystem) {
      if (tree_.is_a(l.code, kPsychotherapyNotes)) out.psythpn = true;
      for (const auto& s : policy_.sensitive_labels())
        if (sensitivity_is_a(l.code, s)) out.sensitive = true;
    }
  }
  return out;
}

bool LabelMatcher::matches(const ProvisionLabel& label, ProvisionType effective, const LabelSet& labels) const {
  switch (label.kind) {
    case LabelKind::confidentiality: {
      int have = confidentiality_rank(labels.confidentiality());
      if (have < 0) have = confidentiality_rank("N");  // DS4P: N when nothing says more
      return effective == ProvisionType::deny ? have >= label.rank : have <= label.rank;
    }
    case LabelKind::sensitivity:
      return has_sensitivity_under(labels, label.code);
    case LabelKind::part2:
      for (const auto& l : labels.others())
        if (is_part2(l)) return true;
      return false;
    case LabelKind::other:
      return labels.contains(label.system, label.code);
  }
  return false;
}

bool LabelMatcher::scopes_part2(const ProvisionLabel& label) const {
  if (label.kind == LabelKind::part2) return true;
  if (label.kind != LabelKind::sensitivity) return false;
  for (const auto& s : policy_.part2_scope_labels())
    if (sensitivity_is_a(label.code, s)) return true;
  return false;
}

bool LabelMatcher::scopes_psythpn(const ProvisionLabel& label) const {
  return label.kind == LabelKind::sensitivity && label.code == kPsychotherapyNotes;
}

}  // namespace consent
