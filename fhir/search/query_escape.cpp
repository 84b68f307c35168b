#include "fhir/search/query_escape.hpp"

namespace fhir::search {
namespace {

bool is_escapable(char c) { return c == ',' || c == '$' || c == '|' || c == '\\'; }

}  // namespace

std::vector<std::string_view> split_unescaped(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && is_escapable(text[i + 1])) {
      ++i;  // the escaped character is never a separator
    } else if (text[i] == sep) {
      out.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(text.substr(start));
  return out;
}

std::string unescape_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && is_escapable(text[i + 1])) ++i;
    out += text[i];
  }
  return out;
}

}  // namespace fhir::search
