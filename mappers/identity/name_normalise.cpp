#include "mappers/identity/name_normalise.hpp"

#include <algorithm>
#include <array>

#include "mappers/identity/word_split.hpp"

namespace mappers::identity {
namespace {

// Folded suffixes EHRs leave in the family or given field.
constexpr std::array<std::string_view, 17> kSuffixes = {"jr", "jnr", "sr",  "snr", "ii", "iii", "iv", "2nd", "3rd",
                                                        "4th", "esq", "md", "phd", "dds", "dmd", "rn", "np"};

bool is_suffix(std::string_view w) { return std::find(kSuffixes.begin(), kSuffixes.end(), w) != kSuffixes.end(); }

}  // namespace

std::vector<std::string> name_words(std::string_view text) {
  std::vector<std::string> out;
  for (auto& w : folded_words(text)) {
    if (!out.empty() && is_suffix(w)) continue;
    std::erase_if(w, [](char c) { return (c >= '0' && c <= '9') || c == '#'; });
    if (w.empty() || (!out.empty() && is_suffix(w))) continue;
    out.push_back(std::move(w));
  }
  return out;
}

std::string normalise_family_name(std::string_view family) {
  std::string out;
  for (const auto& w : name_words(family)) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

}  // namespace mappers::identity
