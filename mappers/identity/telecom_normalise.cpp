#include "mappers/identity/telecom_normalise.hpp"

namespace mappers::identity {

std::string normalise_phone(std::string_view phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
    // An extension starts at the first letter after the number ("x",
    // "ext"); letters before it are a scheme ("tel:").
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (letter && !digits.empty()) break;
  }
  if (digits.size() < 10) return {};
  return digits.substr(digits.size() - 10);
}

std::string normalise_email(std::string_view email) {
  auto first = email.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = email.find_last_not_of(" \t\r\n");
  std::string out(email.substr(first, last - first + 1));
  // A "mailto:" URI is how some systems send it.
  if (out.size() > 7 && (out.compare(0, 7, "mailto:") == 0 || out.compare(0, 7, "MAILTO:") == 0)) out.erase(0, 7);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (out.find('@') == std::string::npos) return {};
  return out;
}

}  // namespace mappers::identity
