#include "gateway/write/criteria.hpp"

#include <algorithm>

#include "fhir/core/errors.hpp"
#include "fhir/core/query.hpp"
#include "fhir/resource/resource.hpp"

namespace gateway {
namespace {

// Token forms (R4 search.html#token): sys|code, |code, code, sys|.
fhir::store::TokenQuery token_query(std::string param, std::string_view v) {
  fhir::store::TokenQuery q;
  q.param = std::move(param);
  std::size_t bar = v.find('|');
  if (bar == std::string_view::npos) {
    q.code = std::string(v);
  } else {
    q.system = std::string(v.substr(0, bar));
    if (bar + 1 < v.size()) q.code = std::string(v.substr(bar + 1));
  }
  return q;
}

bool token_matches(const fhir::store::TokenQuery& q, const fhir::search::Row<fhir::search::TokenValue>& t) {
  const std::string_view system = t.value.has_system ? std::string_view(t.value.system) : "";
  return t.param->code == q.param && (!q.code || t.value.code == *q.code) && (!q.system || system == *q.system);
}

}  // namespace

fhir::Result<Criteria> parse_criteria(std::string_view type, std::string_view query) {
  auto params = fhir::parse_query(query);
  if (!params) return fhir::make_issue(fhir::err::kInvalidParameter, "Malformed search criteria");
  Criteria c;
  c.type = std::string(type);
  for (auto& [name, value] : *params) {
    if (name == "_id") {
      if (!fhir::is_valid_id(value))
        return fhir::make_issue(fhir::err::kInvalidParameter, "_id must be a valid resource id");
      c.id = value;
    } else if (name == "identifier") {
      if (value.empty() || value.find(',') != std::string::npos)
        return fhir::make_issue(fhir::err::kInvalidParameter,
                                "identifier takes one sys|value in conditional operations");
      c.tokens.push_back(token_query(name, value));
    } else {
      return fhir::make_issue(fhir::err::kInvalidParameter,
                              "Conditional operations support the identifier and _id parameters; '" +
                                  name + "' is not supported yet");
    }
  }
  if (!c.id && c.tokens.empty())
    return fhir::make_issue(fhir::err::kInvalidParameter, "Conditional criteria must not be empty");
  return c;
}

fhir::Result<Criteria> parse_conditional_url(std::string_view url) {
  std::size_t q = url.find('?');
  if (q == std::string_view::npos || q == 0)
    return fhir::make_issue(fhir::err::kInvalidParameter, "A conditional URL is Type?criteria");
  return parse_criteria(url.substr(0, q), url.substr(q + 1));
}

bool criteria_match(const Criteria& c, std::string_view id, const fhir::search::IndexValues& rows) {
  if (c.id && *c.id != id) return false;
  return std::all_of(c.tokens.begin(), c.tokens.end(), [&](const fhir::store::TokenQuery& q) {
    return std::any_of(rows.tokens.begin(), rows.tokens.end(),
                       [&](const auto& t) { return token_matches(q, t); });
  });
}

fhir::Result<std::vector<std::string>> find_matches(fhir::store::WriteTxn& tx, const Criteria& c,
                                                    int limit) {
  if (c.tokens.empty()) {
    // _id alone: the resource exists and is not deleted.
    auto head = tx.head(c.type, *c.id);
    if (!head) return head.take_issue();
    std::vector<std::string> out;
    if (*head && !(*head)->deleted) out.push_back(*c.id);
    return out;
  }
  auto ids = tx.find(c.type, c.tokens, c.id ? 1000 : limit);
  if (!ids || !c.id) return ids;
  std::vector<std::string> out;
  if (std::find(ids->begin(), ids->end(), *c.id) != ids->end()) out.push_back(*c.id);
  return out;
}

}  // namespace gateway
