#include "mappers/identity/field_compare.hpp"

#include <algorithm>
#include <cstdio>

namespace mappers::identity {
namespace {

constexpr std::string_view kAbsent = "(none)";

int rank(Agreement a) {
  switch (a) {
    case Agreement::agree: return 3;
    case Agreement::partial: return 2;
    case Agreement::disagree: return 1;
    case Agreement::missing: return 0;
  }
  return 0;
}

// Keeps the better of the current best and a candidate.
void keep_best(Comparison& best, Agreement level, const std::string& a, const std::string& b) {
  if (rank(level) > rank(best.level)) best = {level, a + " | " + b};
}

// Single-valued lists compared for any value in common.
Comparison any_equal(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return {Agreement::missing, {}};
  Comparison best;
  for (const auto& x : a)
    for (const auto& y : b) keep_best(best, x == y ? Agreement::agree : Agreement::disagree, x, y);
  return best;
}

std::vector<std::string> families(const Demographics& d) {
  std::vector<std::string> out;
  for (const auto& n : d.names)
    if (!n.family.empty()) out.push_back(n.family);
  return out;
}

// The first character (a whole UTF-8 sequence) of a folded name.
std::string_view initial(const std::string& name) {
  auto lead = static_cast<unsigned char>(name[0]);
  std::size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return std::string_view(name).substr(0, len);
}

bool has(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

Comparison given_names(const Demographics& a, const Demographics& b) {
  Comparison best;
  for (const auto& x : a.names)
    for (const auto& y : b.names) {
      if (x.given.empty() || y.given.empty()) continue;
      const std::string &gx = x.given.front(), &gy = y.given.front();
      Agreement level = Agreement::disagree;
      if (gx == gy)
        level = Agreement::agree;
      else if (initial(gx) == initial(gy) || has(x.given, gy) || has(y.given, gx))
        level = Agreement::partial;
      keep_best(best, level, gx, gy);
    }
  return best;
}

std::string date_text(const BirthDate& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year % 10000, d.month % 100, d.day % 100);
  return buf;
}

Comparison birth_dates(const Demographics& a, const Demographics& b) {
  if (!a.birth_date || !b.birth_date) return {Agreement::missing, {}};
  const BirthDate &x = *a.birth_date, &y = *b.birth_date;
  Agreement level = Agreement::disagree;
  if (x == y)
    level = Agreement::agree;
  else if (x.year == y.year && x.month == y.day && x.day == y.month)
    level = Agreement::partial;
  return {level, date_text(x) + " | " + date_text(y)};
}

std::string address_text(const PostalAddress& p) {
  return (p.line.empty() ? std::string(kAbsent) : p.line) + ", " +
         (p.postal_code.empty() ? std::string(kAbsent) : p.postal_code);
}

Agreement address_level(const PostalAddress& x, const PostalAddress& y) {
  bool lines = !x.line.empty() && !y.line.empty();
  if (!x.postal_code.empty() && !y.postal_code.empty()) {
    if (x.postal_code != y.postal_code) return Agreement::disagree;
    return lines && x.line == y.line ? Agreement::agree : Agreement::partial;
  }
  if (!lines) return Agreement::missing;
  // No ZIP on one side: the same line in the same city.
  bool city = !x.city.empty() && x.city == y.city;
  return x.line == y.line && city ? Agreement::agree : Agreement::disagree;
}

Comparison addresses(const Demographics& a, const Demographics& b) {
  Comparison best;
  for (const auto& x : a.addresses)
    for (const auto& y : b.addresses) keep_best(best, address_level(x, y), address_text(x), address_text(y));
  return best;
}

}  // namespace

Comparison compare_field(Field f, const Demographics& a, const Demographics& b) {
  switch (f) {
    case Field::family_name: return any_equal(families(a), families(b));
    case Field::given_name: return given_names(a, b);
    case Field::birth_date: return birth_dates(a, b);
    case Field::gender:
      if (a.gender.empty() || b.gender.empty()) return {Agreement::missing, {}};
      return {a.gender == b.gender ? Agreement::agree : Agreement::disagree, a.gender + " | " + b.gender};
    case Field::address: return addresses(a, b);
    case Field::phone: return any_equal(a.phones, b.phones);
    case Field::email: return any_equal(a.emails, b.emails);
    case Field::count: break;
  }
  return {Agreement::missing, {}};
}

}  // namespace mappers::identity
