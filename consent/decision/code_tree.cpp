#include "consent/decision/code_tree.hpp"

#include <algorithm>

namespace consent {

CodeTree::CodeTree(const fhir::terminology::CodeSystem& cs, const std::vector<std::string>& roots) {
  for (const auto& root : roots) {
    if (!cs.contains(root)) continue;
    // descendants() is in file order, a pre-order walk: a code's parent is
    // the nearest code before it that it is-a.
    std::vector<std::string> order = cs.descendants(root);
    order.insert(order.begin(), root);
    for (std::size_t i = 0; i < order.size(); ++i) {
      std::string parent;
      for (std::size_t j = i; j-- > 0;)
        if (cs.is_a(order[i], order[j])) {
          parent = order[j];
          break;
        }
      entries_.push_back({order[i], parent});
    }
  }
  // A root inside another root's subtree: keep the entry with a parent.
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.code != b.code ? a.code < b.code : a.parent.size() > b.parent.size();
  });
  entries_.erase(
      std::unique(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.code == b.code; }),
      entries_.end());
}

const CodeTree::Entry* CodeTree::find(std::string_view code) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), code,
                             [](const Entry& e, std::string_view c) { return std::string_view(e.code) < c; });
  return it != entries_.end() && it->code == code ? &*it : nullptr;
}

std::vector<std::string_view> CodeTree::codes() const {
  std::vector<std::string_view> out;
  for (const auto& e : entries_) out.push_back(e.code);
  return out;
}

bool CodeTree::is_a(std::string_view code, std::string_view ancestor) const {
  // Parents come from a tree loaded from nested JSON: no cycles.
  while (!code.empty()) {
    if (code == ancestor) return true;
    const Entry* e = find(code);
    if (e == nullptr) return false;
    code = e->parent;
  }
  return false;
}

}  // namespace consent
