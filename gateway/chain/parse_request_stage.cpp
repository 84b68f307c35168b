#include <algorithm>
#include <cctype>

#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"

namespace gateway {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The media type without parameters, lower-cased.
std::string media_type(std::string_view v) { return lower(trim(v.substr(0, v.find(';')))); }

bool is_json_type(const std::string& t) {
  return t == "application/fhir+json" || t == "application/json" || t == "json" ||
         t == "application/json+fhir";  // DSTU2-era clients still send this
}

// Accept: is any listed media range one we can produce?
bool accepts_json(std::string_view accept) {
  if (trim(accept).empty()) return true;
  while (!accept.empty()) {
    std::size_t comma = accept.find(',');
    std::string t = media_type(accept.substr(0, comma));
    if (is_json_type(t) || t == "*/*" || t == "application/*") return true;
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
  }
  return false;
}

bool is_csv_type(const std::string& t) { return t == "csv" || t == "text/csv"; }

bool accepts_csv(std::string_view accept) {
  while (!accept.empty()) {
    std::size_t comma = accept.find(',');
    if (is_csv_type(media_type(accept.substr(0, comma)))) return true;
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
  }
  return false;
}

Flow fail(Exchange& x, const fhir::ErrorDef& def, std::string why) {
  x.fail(fhir::make_issue(def, std::move(why)));
  return Flow::respond;
}

bool is_search_path(std::string_view path) {
  return path == "_search" || (path.size() > 8 && path.substr(path.size() - 8) == "/_search");
}

}  // namespace

Flow parse_request_stage(Exchange& x, const AppContext& app) {
  std::string_view target = x.request.target;
  std::size_t q = target.find('?');
  auto path = fhir::percent_decode(target.substr(0, q), false);
  auto query = fhir::parse_query(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
  if (!path || !query) return fail(x, fhir::err::kInvalidRequest, "Malformed percent-encoding in the URL");
  std::string_view p = *path;
  if (!app.base_path.empty()) {
    if (p.substr(0, app.base_path.size()) != app.base_path ||
        (p.size() > app.base_path.size() && p[app.base_path.size()] != '/'))  // "/fhirX" is not under "/fhir"
      return fail(x, fhir::err::kUnknownRoute, "No such path on this server");
    p.remove_prefix(app.base_path.size());
  }
  while (!p.empty() && p.front() == '/') p.remove_prefix(1);
  x.path = std::string(p);
  x.query = std::move(*query);

  // The OAuth endpoints answer JSON whatever Accept says (SMART: the
  // well-known document SHALL be JSON); only FHIR routes negotiate.
  const bool oauth = x.path == "auth/token" || x.path == ".well-known/smart-configuration" ||
                     x.path == ".well-known/jwks.json";
  // The accounting of disclosures and the registry also print as CSV
  // (their handlers pick the form).
  const std::string_view route = x.path;
  const bool csv_ok = route.ends_with("/$disclosures") || route == "$registry" || route.ends_with("/$registry");
  // _format overrides Accept (R4 http.html#mime-type).
  if (oauth) {
  } else if (auto f = fhir::first_param(x.query, "_format")) {
    if (!is_json_type(media_type(*f)) && !(csv_ok && is_csv_type(media_type(*f))))
      return fail(x, fhir::err::kNotAcceptable, "This server speaks JSON only (_format=json)");
  } else if (!accepts_json(x.request.header("accept")) && !(csv_ok && accepts_csv(x.request.header("accept")))) {
    return fail(x, fhir::err::kNotAcceptable,
                "This server answers in application/fhir+json only");
  }

  // The token endpoint speaks OAuth (a form in, JSON out) and checks its
  // own body (handlers/token_handler.cpp).
  if (!oauth && (!x.request.body.empty() || x.request.method == "POST" || x.request.method == "PUT")) {
    std::string_view ct = x.request.header("content-type");
    // A search body is a form or nothing: criteria sent any other way would
    // be dropped unread, and the search widened to everything.
    if (x.request.method == "POST" && is_search_path(x.path) && !x.request.body.empty() &&
        media_type(ct) != "application/x-www-form-urlencoded")
      return fail(x, fhir::err::kUnsupportedMediaType,
                  "Send search parameters as application/x-www-form-urlencoded");
    // A body without Content-Type is taken as JSON; anything declared must be.
    if (!ct.empty()) {
      // A PATCH body is a JSON Patch document (R4 http.html#patch); the
      // write pipeline checks that a PATCH carries nothing else.
      bool json_patch = x.request.method == "PATCH" && media_type(ct) == "application/json-patch+json";
      // POST [type]/_search carries its parameters as a form (R4
      // http.html#search): they join the URL's.
      const bool search_form = x.request.method == "POST" && is_search_path(x.path) &&
                               media_type(ct) == "application/x-www-form-urlencoded";
      if (search_form) {
        auto form = fhir::parse_query(x.request.body);
        if (!form) return fail(x, fhir::err::kInvalidRequest, "Malformed percent-encoding in the form body");
        x.query.insert(x.query.end(), form->begin(), form->end());
      } else if (!is_json_type(media_type(ct)) && !json_patch)
        return fail(x, fhir::err::kUnsupportedMediaType,
                    "Send resources as application/fhir+json");
      std::string params = lower(ct);
      std::size_t cs = params.find("charset=");
      if (cs != std::string::npos && params.compare(cs + 8, 5, "utf-8") != 0 &&
          params.compare(cs + 8, 4, "utf8") != 0)
        return fail(x, fhir::err::kUnsupportedMediaType, "Only UTF-8 is accepted");
    }
  }

  std::string prefer = lower(x.request.header("prefer"));
  x.strict_handling = prefer.find("handling=strict") != std::string::npos;
  if (prefer.find("return=minimal") != std::string::npos)
    x.prefer_return = PreferReturn::minimal;
  else if (prefer.find("return=operationoutcome") != std::string::npos)
    x.prefer_return = PreferReturn::operation_outcome;
  else if (prefer.find("return=representation") != std::string::npos)
    x.prefer_return = PreferReturn::representation;
  return Flow::next;
}

}  // namespace gateway
