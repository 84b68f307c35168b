// A transparent hash so maps keyed by std::string can be searched with a
// std::string_view (C++20 heterogeneous lookup) without building a string
// per lookup: validation looks up every member of every object it reads.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace profiles {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace profiles
