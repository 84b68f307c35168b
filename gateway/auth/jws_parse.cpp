#include "gateway/auth/jws_parse.hpp"

#include <algorithm>
#include <utility>

#include "fhir/core/base64.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace gateway::auth {

namespace {

fhir::Issue refuse(std::string why) { return fhir::make_issue(fhir::err::kInvalidToken, "token " + std::move(why)); }

}  // namespace

fhir::Result<JwsParts> parse_jws(std::string_view token) {
  if (token.size() > kMaxJwsBytes)
    return refuse("is " + std::to_string(token.size()) + " bytes; the limit is " + std::to_string(kMaxJwsBytes));
  if (std::count(token.begin(), token.end(), '.') != 2) return refuse("is not a compact JWS (three parts)");
  std::size_t first = token.find('.'), second = token.find('.', first + 1);
  std::string_view header_text = token.substr(0, first);
  std::string_view payload_text = token.substr(first + 1, second - first - 1);
  std::string_view signature_text = token.substr(second + 1);

  auto header_bytes = fhir::base64url_decode(header_text);
  if (!header_bytes || header_bytes->empty()) return refuse("header is not base64url");
  auto payload = fhir::base64url_decode(payload_text);
  if (!payload || payload->empty()) return refuse("payload is not base64url");
  auto signature = fhir::base64url_decode(signature_text);
  // An empty signature is what "alg": "none" sends; refused below by alg,
  // but never let it reach a verifier.
  if (!signature || signature->empty()) return refuse("signature is missing or not base64url");

  auto header = fhir::json::parse(*header_bytes);
  if (!header || !header->is_object()) return refuse("header is not a JSON object");
  const fhir::json::Value* alg = header->find("alg");
  if (alg == nullptr || !alg->is_string()) return refuse("header has no \"alg\"");
  // RFC 8725 §3.1: "none" would make anyone's token valid.
  if (alg->text() == "none") return refuse("is unsigned (alg \"none\"); signed tokens only");
  auto parsed_alg = alg_from_name(alg->text());
  if (!parsed_alg) return refuse("alg is not one we accept (RS384, ES384)");
  // RFC 7515 §4.1.11: a recipient must understand every "crit" extension
  // (b64: false among them); we implement none.
  if (header->find("crit") != nullptr) return refuse("header has \"crit\" extensions, which we do not implement");
  // Keys come from registration only (SMART Backend Services: a jku that
  // is not the registered JWKS URL fails; we register no URLs).
  for (const char* where : {"jku", "jwk", "x5u"})
    if (header->find(where) != nullptr) return refuse("header names a key by URL or inline, which we do not accept");
  std::string kid;
  if (const fhir::json::Value* k = header->find("kid")) {
    if (!k->is_string()) return refuse("header \"kid\" is not a string");
    kid = k->text();
  }

  JwsParts parts;
  parts.header = std::move(*header);
  parts.alg = *parsed_alg;
  parts.kid = std::move(kid);
  parts.signing_input = std::string(token.substr(0, second));
  parts.payload = std::move(*payload);
  parts.signature = std::move(*signature);
  return parts;
}

}  // namespace gateway::auth
