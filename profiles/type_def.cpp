#include "profiles/type_def.hpp"

#include <algorithm>

namespace profiles {

bool ElementDef::allows_code(std::string_view code) const {
  if (codes.empty()) return true;
  return std::binary_search(codes.begin(), codes.end(), code,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

const ElementDef* TypeDef::find(std::string_view json_name) const {
  auto it = index_.find(json_name);
  return it == index_.end() ? nullptr : &elements_[it->second];
}

}  // namespace profiles
