#include "gateway/auth/safe_text.hpp"

namespace gateway::auth {

std::string safe_quote(std::string_view s) {
  bool ok = !s.empty() && s.size() <= 64;
  for (char c : s) ok = ok && c >= 0x20 && c <= 0x7E && c != '\'' && c != '\\';
  return ok ? "'" + std::string(s) + "'" : std::string("(not shown)");
}

}  // namespace gateway::auth
