#include "consent/labels/security_label.hpp"

#include <algorithm>
#include <array>

namespace consent {

int confidentiality_rank(std::string_view code) {
  constexpr std::array<std::string_view, 6> kOrder = {"U", "L", "M", "N", "R", "V"};
  for (std::size_t i = 0; i < kOrder.size(); ++i)
    if (kOrder[i] == code) return static_cast<int>(i);
  return -1;
}

void LabelSet::add(const Label& label) {
  if (label.system == kConfidentialitySystem) {
    if (confidentiality_rank(label.code) > confidentiality_rank(confidentiality_)) confidentiality_ = label.code;
    return;
  }
  auto at = std::lower_bound(others_.begin(), others_.end(), label);
  if (at == others_.end() || *at != label) others_.insert(at, label);
}

void LabelSet::add_all(const LabelSet& other) {
  if (!other.confidentiality_.empty()) add({std::string(kConfidentialitySystem), other.confidentiality_});
  for (const auto& l : other.others_) add(l);
}

bool LabelSet::contains(std::string_view system, std::string_view code) const {
  if (system == kConfidentialitySystem) return confidentiality_ == code;
  return std::any_of(others_.begin(), others_.end(),
                     [&](const Label& l) { return l.system == system && l.code == code; });
}

std::vector<Label> LabelSet::all() const {
  std::vector<Label> out;
  if (!confidentiality_.empty()) out.push_back({std::string(kConfidentialitySystem), confidentiality_});
  out.insert(out.end(), others_.begin(), others_.end());
  return out;
}

}  // namespace consent
