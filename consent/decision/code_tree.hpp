// A subtree of a CodeSystem's is-a hierarchy, flattened into a sorted
// table once, so that subsumption checks while deciding are binary
// searches over string_views: no allocation (CodeSystem::is_a builds a
// std::string per call, fine at load time, not per candidate row).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/terminology/code_system.hpp"

namespace consent {

class CodeTree {
 public:
  CodeTree() = default;
  // Each root and everything under it.
  CodeTree(const fhir::terminology::CodeSystem& cs, const std::vector<std::string>& roots);

  bool contains(std::string_view code) const { return find(code) != nullptr; }
  // code is ancestor or below it. Codes outside the table match only themselves.
  bool is_a(std::string_view code, std::string_view ancestor) const;
  // Every code in the table, sorted.
  std::vector<std::string_view> codes() const;

 private:
  struct Entry {
    std::string code;
    std::string parent;  // "" at a root
  };
  const Entry* find(std::string_view code) const;
  std::vector<Entry> entries_;  // sorted by code
};

}  // namespace consent
