#include "gateway/forwarding/subscription_spec.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/core/query.hpp"
#include "fhir/search/query_parser.hpp"
#include "gateway/forwarding/endpoint_allowlist.hpp"
#include "gateway/forwarding/endpoint_url.hpp"

namespace gateway::forwarding {
namespace {

using fhir::Issue;
using fhir::Result;
using fhir::json::Value;

Issue invalid(std::string diagnostics, std::string expression) {
  return fhir::make_issue(fhir::err::kInvalidValue, std::move(diagnostics), std::move(expression));
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lower(x) == lower(y);
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_type_name(std::string_view s) {
  if (s.empty() || s.front() < 'A' || s.front() > 'Z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// A type the R4 search parameters name as a base: every resource type that
// can be searched by more than the common parameters.
bool known_to_params(const fhir::search::SearchParams& params, std::string_view type) {
  return std::any_of(params.all().begin(), params.all().end(), [type](const auto& p) {
    return std::find(p->base.begin(), p->base.end(), type) != p->base.end();
  });
}

// Result controls: nothing a notification carries; _include/_revinclude
// would widen it. _format/_pretty are skipped by parse_search, so they are
// refused here rather than silently accepted.
constexpr std::array<std::string_view, 15> kControls = {
    "_sort",     "_count",  "_include", "_revinclude", "_summary", "_elements", "_total",  "_contained",
    "_containedType", "_offset", "_snapshot", "_type", "_format", "_pretty", "_page"};

Result<std::pair<std::string, fhir::search::SearchQuery>> read_criteria(
    const Value& subscription, const fhir::search::SearchParams& params,
    const fhir::search::ResourceTypeCheck& is_resource_type) {
  constexpr const char* kExpr = "Subscription.criteria";
  const Value* c = subscription.find("criteria");
  if (c == nullptr || !c->is_string() || c->text().empty()) return invalid("criteria is required", kExpr);
  std::string_view text = c->text();
  std::size_t q = text.find('?');
  std::string_view type = text.substr(0, q);
  // Only the part before '?': values may be URLs ("code=http://loinc.org|x").
  if (type.find_first_of(":/") != std::string_view::npos)
    return invalid("criteria must be relative: Type?query", kExpr);
  bool known = is_resource_type ? is_resource_type(type) : known_to_params(params, type);
  if (!is_type_name(type) || !known) return invalid("criteria must start with a resource type", kExpr);

  fhir::QueryParams query;
  if (q != std::string_view::npos) {
    auto parsed = fhir::parse_query(text.substr(q + 1));
    if (!parsed) return invalid("criteria query has a malformed %-escape", kExpr);
    query = std::move(*parsed);
  }
  for (const auto& [name, value] : query) {
    std::string_view base = std::string_view(name).substr(0, name.find(':'));
    if (std::find(kControls.begin(), kControls.end(), base) != kControls.end())
      return fhir::make_issue(fhir::err::kInvalidParameter,
                              "criteria may not use the result parameter " + std::string(base), kExpr);
    // A search ignores "name=" (R4 search.html); a subscription that
    // dropped it would match more than its client wrote.
    if (value.empty())
      return fhir::make_issue(fhir::err::kInvalidParameter, "criteria parameter " + name + " has no value", kExpr);
  }
  fhir::search::ParseOptions options;
  options.handling = fhir::search::Handling::strict;
  options.is_resource_type = is_resource_type;
  auto parsed = fhir::search::parse_search(params, type, query, options);
  if (!parsed.ok()) {
    Issue i = parsed.take_issue();
    // parse_search names the parameter in expression and never echoes the
    // value; keep the name in diagnostics, point expression at criteria.
    if (!i.expression.empty()) i.diagnostics += " (criteria parameter " + i.expression + ")";
    i.expression = kExpr;
    return i;
  }
  // A chain or _has names other resources than the one a notification is
  // about: matching on them would tell the subscriber those exist, which
  // its consent may withhold (the focus alone is decided at delivery); and
  // each would cost a store search per write on the writer's thread.
  for (const auto& criterion : parsed->criteria)
    if (!criterion.chain.empty() || !criterion.has.empty())
      return fhir::make_issue(fhir::err::kInvalidParameter,
                              "criteria may not use chained or _has parameters (" + criterion.name + ")", kExpr);
  return std::pair<std::string, fhir::search::SearchQuery>{std::string(type), std::move(*parsed)};
}

// The valueCode of the backport-payload-content extension on `_payload`;
// nullopt when absent. An Issue for a repeated or unreadable one.
Result<std::optional<PayloadContent>> read_content_extension(const Value& channel) {
  constexpr const char* kExpr = "Subscription.channel.payload.extension";
  const Value* meta = channel.find("_payload");
  if (meta == nullptr) return std::optional<PayloadContent>{};
  const Value* ext = meta->find("extension");
  if (ext == nullptr) return std::optional<PayloadContent>{};
  std::optional<PayloadContent> found;
  for (const Value& e : ext->items()) {
    if (e.string_at("url") != kBackportPayloadContentUrl) continue;
    if (found) return invalid("payload content extension repeated", kExpr);
    std::string_view code = e.string_at("valueCode");
    if (code == "empty") {
      found = PayloadContent::empty;
    } else if (code == "id-only") {
      found = PayloadContent::id_only;
    } else if (code == "full-resource") {
      found = PayloadContent::full_resource;
    } else {
      return invalid("payload content must be empty, id-only or full-resource", kExpr);
    }
  }
  return found;
}

Result<PayloadContent> read_payload(const Value& channel) {
  constexpr const char* kExpr = "Subscription.channel.payload";
  auto ext = read_content_extension(channel);
  if (!ext.ok()) return ext.take_issue();
  const Value* p = channel.find("payload");
  if (p == nullptr) {
    // R4: no payload, just a notification.
    if (*ext && **ext != PayloadContent::empty)
      return invalid("a payload content level needs a payload type", kExpr);
    return PayloadContent::empty;
  }
  if (!p->is_string()) return invalid("payload must be a MIME type", kExpr);
  std::string_view mime = trim(std::string_view(p->text()).substr(0, p->text().find(';')));
  if (!iequals(mime, "application/fhir+json") && !iequals(mime, "application/json"))
    return invalid("payload must be application/fhir+json", kExpr);
  return ext->value_or(PayloadContent::id_only);
}

bool is_tchar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c)) != 0) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Headers the gateway's own request sets, or that change its framing.
bool reserved_header(std::string_view name) {
  constexpr std::array<std::string_view, 11> kReserved = {
      "host",    "content-type", "content-length", "transfer-encoding", "connection", "keep-alive",
      "upgrade", "te",           "trailer",        "expect",            "proxy-connection"};
  std::string l(name);
  std::transform(l.begin(), l.end(), l.begin(), lower);
  if (l.starts_with("proxy-")) return true;
  return std::find(kReserved.begin(), kReserved.end(), l) != kReserved.end();
}

// Issues name the header by position only: a value may be a secret, and a
// malformed line may have its value where the name should be.
Result<std::vector<std::pair<std::string, std::string>>> read_headers(const Value& channel) {
  std::vector<std::pair<std::string, std::string>> out;
  const Value* h = channel.find("header");
  if (h == nullptr) return out;
  if (!h->is_array()) return invalid("header must be a list of strings", "Subscription.channel.header");
  for (std::size_t i = 0; i < h->items().size(); ++i) {
    const std::string expr = "Subscription.channel.header[" + std::to_string(i) + "]";
    const Value& line = h->items()[i];
    if (!line.is_string()) return invalid("header must be a string \"Name: value\"", expr);
    std::string_view text = line.text();
    if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
      return invalid("header may not contain CR, LF or NUL", expr);
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return invalid("header must be \"Name: value\"", expr);
    std::string_view name = text.substr(0, colon);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar))
      return invalid("header name must be an HTTP token", expr);
    if (reserved_header(name)) return invalid("header is set by the gateway and may not be given", expr);
    std::string_view value = trim(text.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x20 && c != '\t';
        }) || value.find('\x7f') != std::string_view::npos)
      return invalid("header value may not contain control characters", expr);
    out.emplace_back(std::string(name), std::string(value));
  }
  return out;
}

}  // namespace

Result<SubscriptionSpec> read_subscription(const Value& subscription, const fhir::search::SearchParams& params,
                                           const std::vector<std::string>& endpoint_prefixes,
                                           const fhir::search::ResourceTypeCheck& is_resource_type) {
  if (!subscription.is_object() || subscription.string_at("resourceType") != "Subscription")
    return fhir::make_issue(fhir::err::kWrongResourceType, "expected a Subscription", "Subscription");
  SubscriptionSpec spec;

  auto criteria = read_criteria(subscription, params, is_resource_type);
  if (!criteria.ok()) return criteria.take_issue();
  spec.criteria_type = std::move(criteria->first);
  spec.query = std::move(criteria->second);

  const Value* channel = subscription.find("channel");
  if (channel == nullptr || !channel->is_object()) return invalid("channel is required", "Subscription.channel");
  if (channel->string_at("type") != "rest-hook")
    return invalid("channel type must be rest-hook", "Subscription.channel.type");

  const Value* endpoint = channel->find("endpoint");
  if (endpoint == nullptr || !endpoint->is_string() || endpoint->text().empty())
    return invalid("a rest-hook channel needs an endpoint", "Subscription.channel.endpoint");
  if (!endpoint_allowed(endpoint_prefixes, endpoint->text()))
    return fhir::make_issue(fhir::err::kForbidden, "the endpoint is not registered for this client",
                            "Subscription.channel.endpoint");
  spec.endpoint = endpoint->text();
  // Allowed, so it parses.
  if (auto url = parse_endpoint_url(spec.endpoint, true)) spec.origin = url->origin();

  auto content = read_payload(*channel);
  if (!content.ok()) return content.take_issue();
  spec.content = *content;

  auto headers = read_headers(*channel);
  if (!headers.ok()) return headers.take_issue();
  spec.headers = std::move(*headers);

  if (const Value* end = subscription.find("end")) {
    std::optional<std::int64_t> ms;
    // An instant: full precision with a zone (R4 datatypes "instant").
    if (end->is_string() && end->text().size() >= 20 && end->text()[10] == 'T') ms = fhir::parse_instant(end->text());
    if (!ms) return invalid("end must be an instant", "Subscription.end");
    spec.end_ms = ms;
  }
  return spec;
}

}  // namespace gateway::forwarding
