#include "gateway/audit/audit_query_params.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>
#include <string_view>
#include <variant>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/search/query_escape.hpp"
#include "fhir/search/query_issues.hpp"
#include "consent/audit/audit_event.hpp"
#include "fhir/search/query_values.hpp"

namespace gateway {
namespace {

using fhir::search::invalid_value;
using fhir::search::split_unescaped;
using fhir::search::unescape_value;

// The systems the rendered AuditEvent codes its facts with, so a token
// copied from one matches.
using consent::audit_system::kActReason;
using consent::audit_system::kEventType;
using consent::audit_system::kInteraction;
using consent::audit_system::kLifecycle;
using consent::audit_system::kOutcome;
constexpr std::string_view kClientSystem = consent::audit_system::kClient;

// One alternative of a parameter: the AuditQuery list it joins and the
// value it adds there.
struct Target {
  std::vector<std::string>* list = nullptr;
  std::string value;
};
using ItemParser = fhir::Result<Target> (*)(consent::AuditQuery&, std::string_view name, std::string_view item);

struct Token {
  std::string system;  // "" when the item had none
  std::string code;
};

// "code" or "system|code"; R4's "|code" and "system|" select values
// without a system, or any code, which the trail has no use for.
fhir::Result<Token> token_of(std::string_view name, std::string_view item) {
  auto parts = split_unescaped(item, '|');
  if (parts.size() == 1 && !parts[0].empty()) return Token{{}, unescape_value(parts[0])};
  if (parts.size() == 2 && !parts[0].empty() && !parts[1].empty())
    return Token{unescape_value(parts[0]), unescape_value(parts[1])};
  return invalid_value(name, "expected a token: code or system|code");
}

fhir::Result<std::string> code_in(std::string_view name, std::string_view item, std::string_view system) {
  auto t = token_of(name, item);
  if (!t) return t.take_issue();
  if (!t->system.empty() && t->system != system)
    return invalid_value(name, "the system must be " + std::string(system));
  return std::move(t->code);
}

fhir::Result<Target> patient_item(consent::AuditQuery& q, std::string_view name, std::string_view item) {
  std::string ref = unescape_value(item);
  std::string_view id = ref;
  if (id.rfind("Patient/", 0) == 0) id.remove_prefix(8);
  if (!fhir::is_valid_id(id)) return invalid_value(name, "expected Patient/id or id");
  return Target{&q.patient, std::string(id)};
}

// A client id (or urn:carebridge:client|id, the identifier the AuditEvent
// names it by), or the Organization/ID the client acts for.
fhir::Result<Target> agent_item(consent::AuditQuery& q, std::string_view name, std::string_view item) {
  std::string raw = unescape_value(item);
  if (raw.rfind("Organization/", 0) == 0) {
    if (!fhir::is_valid_id(std::string_view(raw).substr(13)))
      return invalid_value(name, "expected Organization/id");
    return Target{&q.organization, std::move(raw)};
  }
  auto client = code_in(name, item, kClientSystem);
  if (!client) return client.take_issue();
  return Target{&q.agent, std::move(*client)};
}

// "Type/id" (any version) or "Type/id/_history/v", as the log keeps them.
fhir::Result<Target> entity_item(consent::AuditQuery& q, std::string_view name, std::string_view item) {
  std::string ref = unescape_value(item);
  std::vector<std::string_view> segs = split_unescaped(ref, '/');
  const bool shaped = (segs.size() == 2 || (segs.size() == 4 && segs[2] == "_history")) && !segs[0].empty() &&
                      segs[0].front() >= 'A' && segs[0].front() <= 'Z' && fhir::is_valid_id(segs[1]) &&
                      (segs.size() == 2 || fhir::is_valid_id(segs[3]));
  if (!shaped) return invalid_value(name, "expected Type/id or Type/id/_history/version");
  return Target{&q.entity, std::move(ref)};
}

fhir::Result<Target> outcome_item(consent::AuditQuery& q, std::string_view name, std::string_view item) {
  auto code = code_in(name, item, kOutcome);
  if (!code) return code.take_issue();
  return Target{&q.outcome, std::move(*code)};
}

fhir::Result<Target> purpose_item(consent::AuditQuery& q, std::string_view name, std::string_view item) {
  auto code = code_in(name, item, kActReason);
  if (!code) return code.take_issue();
  return Target{&q.purpose, std::move(*code)};
}

fhir::Result<Target> type_item(consent::AuditQuery& q, std::string_view name, std::string_view item) {
  auto code = code_in(name, item, kEventType);
  if (!code) return code.take_issue();
  return Target{&q.type, std::move(*code)};
}

// The FHIR interaction (restful-interaction), or ISO 21089's `disclose`.
fhir::Result<Target> subtype_item(consent::AuditQuery& q, std::string_view name, std::string_view item) {
  auto t = token_of(name, item);
  if (!t) return t.take_issue();
  const bool disclose = t->code == "disclose";
  if (!t->system.empty() && t->system != (disclose ? kLifecycle : kInteraction))
    return invalid_value(name, "disclose is coded in " + std::string(kLifecycle) + ", interactions in " +
                                   std::string(kInteraction));
  return Target{&q.subtype, std::move(t->code)};
}

ItemParser parser_for(std::string_view name) {
  if (name == "patient") return patient_item;
  if (name == "agent") return agent_item;
  if (name == "entity") return entity_item;
  if (name == "outcome") return outcome_item;
  if (name == "purpose") return purpose_item;
  if (name == "type") return type_item;
  if (name == "subtype") return subtype_item;
  return nullptr;
}

// One parameter's OR list into its AuditQuery list. A list takes one
// parameter: two are an AND, which a list of alternatives cannot say.
fhir::Status add_list(consent::AuditQuery& q, std::string_view name, std::string_view value, ItemParser parse) {
  std::set<const std::vector<std::string>*> touched;
  for (std::string_view item : split_unescaped(value, ',')) {
    auto t = parse(q, name, item);
    if (!t) return t.take_issue();
    if (touched.insert(t->list).second && !t->list->empty())
      return invalid_value(name, "give it once, with its alternatives separated by commas");
    t->list->push_back(std::move(t->value));
  }
  // agent=harbor,Organization/x would AND the client and the organization.
  if (touched.size() > 1)
    return invalid_value(name, "client ids and Organization references cannot be alternatives of one another");
  return fhir::ok_status();
}

// The first millisecond after a range's last one.
std::int64_t after(std::int64_t high) {
  return high == std::numeric_limits<std::int64_t>::max() ? high : high + 1;
}

// R4 "date" against AuditEvent.recorded, an instant: the prefixes as
// bounds of a half-open range. Several date parameters AND (narrow it).
fhir::Status add_date(consent::AuditQuery& q, std::string_view value) {
  if (split_unescaped(value, ',').size() > 1)
    return invalid_value("date", "alternatives are not supported; repeat date to narrow the period");
  auto arg = fhir::search::parse_component(fhir::search::ParamType::date, value, "date");
  if (!arg) return arg.take_issue();
  const auto& d = std::get<fhir::search::DateArg>(*arg);
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> before;
  using fhir::search::Prefix;
  switch (d.prefix) {
    case Prefix::eq:
      from = d.low;
      before = after(d.high);
      break;
    case Prefix::ge: from = d.low; break;
    case Prefix::gt:
    case Prefix::sa: from = after(d.high); break;  // an instant starts after the range once it is past it
    case Prefix::le: before = after(d.high); break;
    case Prefix::lt:
    case Prefix::eb: before = d.low; break;
    case Prefix::ne:
    case Prefix::ap: return invalid_value("date", "the prefixes ne and ap are not supported");
  }
  if (from) q.recorded_from_ms = std::max(q.recorded_from_ms.value_or(*from), *from);
  if (before) q.recorded_before_ms = std::min(q.recorded_before_ms.value_or(*before), *before);
  return fhir::ok_status();
}

fhir::Result<std::int64_t> non_negative(std::string_view name, std::string_view value) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < 0)
    return invalid_value(name, "expected a non-negative integer");
  return n;
}

void append_criterion(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty()) out += '&';
  out += name;
  out += '=';
  out += fhir::percent_encode(value, ",|");
}

}  // namespace

fhir::Result<AuditSearch> parse_audit_search(const fhir::QueryParams& params) {
  AuditSearch s;
  s.query.limit = kAuditPageDefault;
  for (const auto& [name, value] : params) {
    if (name == "_format") continue;  // the parse stage checked it
    if (name == "_count" || name == "_offset") {
      auto n = non_negative(name, value);
      if (!n) return n.take_issue();
      if (name == "_count") s.query.limit = std::min(*n, kAuditPageMax);
      else s.query.offset = *n;
      continue;
    }
    if (name == "_total") {  // the total is always given
      if (value != "none" && value != "estimate" && value != "accurate")
        return invalid_value(name, "expected none, estimate or accurate");
      continue;
    }
    fhir::Status st = fhir::ok_status();
    if (name == "date") {
      st = add_date(s.query, value);
    } else if (ItemParser parse = parser_for(name)) {
      st = add_list(s.query, name, value, parse);
    } else {
      return fhir::make_issue(fhir::err::kInvalidParameter,
                              "Parameter '" + name +
                                  "' is not served on AuditEvent: date, patient, agent, entity, outcome, purpose, "
                                  "type, subtype, _count, _offset and _total are",
                              name);
    }
    if (!st) return st.take_issue();
    append_criterion(s.criteria, name, value);
  }
  return s;
}

}  // namespace gateway
