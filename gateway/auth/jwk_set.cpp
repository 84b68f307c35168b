#include "gateway/auth/jwk_set.hpp"

#include <string>
#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "gateway/auth/jwk.hpp"

namespace gateway::auth {

fhir::Result<JwkSet> JwkSet::parse(std::string_view json_text) {
  if (json_text.size() > kMaxJwksBytes)
    return fhir::make_issue(fhir::err::kInvalidValue, "JWKS is " + std::to_string(json_text.size()) +
                                                          " bytes; the limit is " + std::to_string(kMaxJwksBytes));
  auto v = fhir::json::parse(json_text);
  if (!v) return fhir::make_issue(fhir::err::kInvalidValue, "JWKS is not valid JSON");
  return from_json(*v);
}

fhir::Result<JwkSet> JwkSet::from_json(const fhir::json::Value& jwks) {
  const fhir::json::Value* keys = jwks.is_object() ? jwks.find("keys") : nullptr;
  if (keys == nullptr || !keys->is_array())
    return fhir::make_issue(fhir::err::kInvalidValue, "JWKS is not an object with a \"keys\" array", "keys");
  JwkSet set;
  for (std::size_t i = 0; i < keys->items().size(); ++i) {
    auto key = parse_jwk(keys->items()[i], "keys[" + std::to_string(i) + "]");
    if (key) {
      set.keys_.push_back(std::move(*key));
    } else {
      fhir::Issue why = key.take_issue();
      why.severity = fhir::Severity::warning;
      set.skipped_.push_back(std::move(why));
    }
  }
  // SMART Backend Services: a kid is unique within the set, so an
  // assertion's kid names one key.
  for (std::size_t i = 0; i < set.keys_.size(); ++i)
    for (std::size_t j = i + 1; j < set.keys_.size(); ++j)
      if (!set.keys_[i].kid().empty() && set.keys_[i].kid() == set.keys_[j].kid())
        return fhir::make_issue(fhir::err::kInvalidValue,
                                "JWKS keys[" + std::to_string(i) + "] and keys[" + std::to_string(j) +
                                    "] have the same kid; each key needs its own",
                                "keys");
  if (set.keys_.empty()) {
    std::string why = set.skipped_.empty() ? "it is empty" : set.skipped_.front().diagnostics;
    return fhir::make_issue(fhir::err::kInvalidValue, "JWKS holds no usable key: " + why, "keys");
  }
  return set;
}

std::vector<const PublicKey*> JwkSet::candidates(std::string_view kid, JwsAlg alg) const {
  std::vector<const PublicKey*> out;
  for (const PublicKey& k : keys_)
    if (k.kid() == kid && k.accepts(alg)) out.push_back(&k);
  return out;
}

}  // namespace gateway::auth
