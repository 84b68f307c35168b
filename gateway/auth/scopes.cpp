#include "gateway/auth/scopes.hpp"

#include <array>

#include "fhir/core/errors.hpp"

namespace gateway::auth {
namespace {

constexpr std::string_view kLetters = "cruds";

bool is_type_name(std::string_view s) {
  if (s.empty() || s.front() < 'A' || s.front() > 'Z') return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

// v2 letters in "cruds" order, each at most once; or v1 read/write/*.
// 0 when p is neither.
std::uint8_t parse_permissions(std::string_view p) {
  if (p == "read") return kRead | kSearch;
  if (p == "write") return kCreate | kUpdate | kDelete;
  if (p == "*") return kAllPermissions;
  std::uint8_t bits = 0;
  std::size_t at = 0;
  for (char c : p) {
    std::size_t found = kLetters.find(c, at);
    if (found == std::string_view::npos) return 0;
    bits |= static_cast<std::uint8_t>(1u << found);
    at = found + 1;
  }
  return bits;
}

std::string letters(std::uint8_t bits) {
  std::string out;
  for (std::size_t i = 0; i < kLetters.size(); ++i)
    if (bits & (1u << i)) out += kLetters[i];
  return out;
}

}  // namespace

fhir::Result<ScopeSet> ScopeSet::parse(std::string_view scopes) {
  ScopeSet out;
  std::size_t start = 0;
  while (start < scopes.size()) {
    std::size_t end = scopes.find(' ', start);
    if (end == std::string_view::npos) end = scopes.size();
    std::string_view scope = scopes.substr(start, end - start);
    start = end + 1;
    if (scope.empty()) continue;
    constexpr std::string_view kContext = "system/";
    std::size_t dot = scope.find('.');
    std::uint8_t bits = 0;
    std::string_view type;
    if (scope.substr(0, kContext.size()) == kContext && dot != std::string_view::npos) {
      type = scope.substr(kContext.size(), dot - kContext.size());
      bits = parse_permissions(scope.substr(dot + 1));
    }
    if (bits == 0 || !(type == "*" || is_type_name(type)))
      return fhir::make_issue(fhir::err::kInvalidParameter,
                              "'" + std::string(scope) +
                                  "' is not a SMART system scope (system/Type.cruds, system/*.rs, system/*.read)");
    if (type == "*") out.wildcard_ |= bits;
    else out.types_[std::string(type)] |= bits;
  }
  return out;
}

ScopeSet ScopeSet::parse_known(std::string_view scopes) {
  ScopeSet out;
  std::size_t start = 0;
  while (start < scopes.size()) {
    std::size_t end = scopes.find(' ', start);
    if (end == std::string_view::npos) end = scopes.size();
    if (auto one = parse(scopes.substr(start, end - start))) {
      out.wildcard_ |= one->wildcard_;
      for (const auto& [type, bits] : one->types_) out.types_[type] |= bits;
    }
    start = end + 1;
  }
  return out;
}

std::uint8_t ScopeSet::permissions(std::string_view type) const {
  auto it = types_.find(type);
  return static_cast<std::uint8_t>(wildcard_ | (it == types_.end() ? 0 : it->second));
}

bool ScopeSet::allows(std::string_view type, Permission p) const { return (permissions(type) & p) != 0; }

bool ScopeSet::empty() const {
  if (wildcard_ != 0) return false;
  for (const auto& [type, bits] : types_)
    if (bits != 0) return false;
  return true;
}

ScopeSet ScopeSet::intersect(const ScopeSet& other) const {
  ScopeSet out;
  out.wildcard_ = wildcard_ & other.wildcard_;
  auto add = [&](const std::string& type) {
    auto bits = static_cast<std::uint8_t>(permissions(type) & other.permissions(type) & ~out.wildcard_);
    if (bits != 0) out.types_[type] = bits;
  };
  for (const auto& [type, bits] : types_) add(type);
  for (const auto& [type, bits] : other.types_) add(type);
  return out;
}

bool ScopeSet::within(const ScopeSet& other) const {
  if ((wildcard_ & ~other.wildcard_) != 0) {
    // A wildcard permission is within other only if other has it on every
    // type, which only its own wildcard can say.
    return false;
  }
  for (const auto& [type, bits] : types_)
    if ((bits & ~other.permissions(type)) != 0) return false;
  return true;
}

std::string ScopeSet::to_string() const {
  std::string out;
  auto append = [&out](std::string_view type, std::uint8_t bits) {
    if (!out.empty()) out += ' ';
    out += "system/";
    out += type;
    out += '.';
    out += letters(bits);
  };
  if (wildcard_ != 0) append("*", wildcard_);
  for (const auto& [type, bits] : types_) {
    auto extra = static_cast<std::uint8_t>(bits & ~wildcard_);
    if (extra != 0) append(type, static_cast<std::uint8_t>(bits | wildcard_));
  }
  return out;
}

const ScopeSet& role_ceiling(std::string_view role) {
  auto make = [](std::string_view s) { return *ScopeSet::parse(s); };
  static const ScopeSet kSource = make("system/*.cruds");
  // Partners read, and keep their own Subscriptions (issue 10: the
  // gateway sends them what they subscribe to; subscription_write.hpp).
  static const ScopeSet kReader = make("system/*.rs system/Subscription.cruds");
  // Compliance reviews the trail and accounts for disclosures per patient;
  // it does not read clinical records.
  static const ScopeSet kCompliance =
      make("system/AuditEvent.rs system/Consent.rs system/Patient.rs system/Organization.rs "
           "system/Practitioner.rs system/Provenance.rs");
  static const ScopeSet kAdmin = make("system/*.cruds");
  static const ScopeSet kNone;
  if (role == "source") return kSource;
  if (role == "partner" || role == "care-manager") return kReader;
  if (role == "compliance") return kCompliance;
  if (role == "admin") return kAdmin;
  return kNone;
}

}  // namespace gateway::auth
