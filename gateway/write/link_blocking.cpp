#include "gateway/write/link_blocking.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "fhir/search/search_params.hpp"
#include "mappers/identity/matching_rules.hpp"

namespace gateway {
namespace {

std::string iso_date(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

bool nine_digits(const std::string& v) {
  return v.size() == 9 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

fhir::Result<std::vector<Criteria>> blocking_searches(const WriteContext& ctx,
                                                      const mappers::identity::Demographics& d) {
  std::vector<Criteria> out;
  if (ctx.search == nullptr || ctx.matching == nullptr) return out;
  if (d.birth_date) {
    const auto& b = *d.birth_date;
    std::vector<std::string> dates = {iso_date(b.year, b.month, b.day)};
    if (b.day <= 12 && b.day != b.month) dates.push_back(iso_date(b.year, b.day, b.month));
    for (const auto& date : dates) {
      auto c = parse_criteria(ctx, "Patient", "birthdate=" + date);
      if (!c) return c.take_issue();
      out.push_back(std::move(*c));
    }
  }
  const auto* bound = ctx.search->find("Patient", "identifier");
  if (bound == nullptr) return out;
  fhir::search::Criterion by_identifier;
  by_identifier.name = "identifier";
  by_identifier.param = bound->param;
  for (const auto& strong : ctx.matching->strong_identifiers()) {
    const auto& systems = strong.systems;
    const auto& placeholders = strong.placeholders;
    for (const auto& id : d.identifiers) {
      if (std::find(systems.begin(), systems.end(), id.system) == systems.end()) continue;
      if (std::find(placeholders.begin(), placeholders.end(), id.value) != placeholders.end()) continue;
      // Compared normalised (an SSN as 9 digits); stored as sent, which
      // for an SSN is often 123-45-6789.
      std::vector<std::string> forms = {id.value};
      if (nine_digits(id.value))
        forms.push_back(id.value.substr(0, 3) + "-" + id.value.substr(3, 2) + "-" + id.value.substr(5));
      for (const auto& system : systems)
        for (const auto& form : forms) by_identifier.any_of.push_back(fhir::search::TokenArg{system, form});
    }
  }
  if (by_identifier.any_of.empty()) return out;
  Criteria c;
  c.type = "Patient";
  c.query.type = "Patient";
  c.query.criteria.push_back(std::move(by_identifier));
  out.push_back(std::move(c));
  return out;
}

}  // namespace gateway
