#include "gateway/write/derived_json.hpp"

#include <openssl/evp.h>

#include <utility>

#include "gateway/write/map_stage.hpp"

namespace gateway::derived {

using fhir::json::Value;

std::string hashed_id(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "cb-";
  for (unsigned int i = 0; i < 12 && i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

Value str(std::string_view s) { return Value::make_string(std::string(s)); }

Value integer(int n) { return Value::make_number(std::to_string(n)); }

Value coding(std::string_view system, std::string_view code, std::string_view display) {
  Value c = Value::make_object();
  c.set("system", str(system));
  c.set("code", str(code));
  if (!display.empty()) c.set("display", str(display));
  return c;
}

Value concept_of(Value one_coding, std::string_view text) {
  Value cc = Value::make_object();
  Value codings = Value::make_array();
  codings.push_back(std::move(one_coding));
  cc.set("coding", std::move(codings));
  if (!text.empty()) cc.set("text", str(text));
  return cc;
}

Value text_concept(std::string_view text) {
  Value cc = Value::make_object();
  cc.set("text", str(text));
  return cc;
}

Value reference(std::string_view ref) {
  Value r = Value::make_object();
  r.set("reference", str(ref));
  return r;
}

Value one(Value v) {
  Value a = Value::make_array();
  a.push_back(std::move(v));
  return a;
}

Value derived_meta(std::string_view code) {
  Value meta = Value::make_object();
  meta.set("tag", one(coding(kDerivedTagSystem, code, "Derived by the gateway")));
  return meta;
}

}  // namespace gateway::derived
