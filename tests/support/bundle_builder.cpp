#include "tests/support/bundle_builder.hpp"

#include "fhir/json/write.hpp"

namespace carebridge::test {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  fhir::json::append_escaped(s, out);
  out += '"';
  return out;
}

std::string member(const char* name, const std::string& value) {
  return value.empty() ? std::string() : std::string(",\"") + name + "\":" + quoted(value);
}

}  // namespace

BundleBuilder& BundleBuilder::add(const std::string& method, const std::string& url,
                                  const std::string& resource, const std::string& full_url,
                                  const std::string& extra_request) {
  std::string e = "{";
  if (!full_url.empty()) e += "\"fullUrl\":" + quoted(full_url) + ",";
  if (!resource.empty()) e += "\"resource\":" + resource + ",";
  e += "\"request\":{\"method\":" + quoted(method) + ",\"url\":" + quoted(url) + extra_request + "}}";
  entries_.push_back(std::move(e));
  return *this;
}

BundleBuilder& BundleBuilder::post(const std::string& url, const std::string& resource,
                                   const std::string& full_url, const std::string& if_none_exist) {
  return add("POST", url, resource, full_url, member("ifNoneExist", if_none_exist));
}

BundleBuilder& BundleBuilder::put(const std::string& url, const std::string& resource,
                                  const std::string& full_url, const std::string& if_match) {
  return add("PUT", url, resource, full_url, member("ifMatch", if_match));
}

BundleBuilder& BundleBuilder::patch(const std::string& url, const std::string& patch,
                                    const std::string& if_match) {
  std::string binary = R"({"resourceType":"Binary","contentType":"application/json-patch+json","data":)" +
                       quoted(base64_encode(patch)) + "}";
  return add("PATCH", url, binary, {}, member("ifMatch", if_match));
}

BundleBuilder& BundleBuilder::del(const std::string& url, const std::string& if_match) {
  return add("DELETE", url, {}, {}, member("ifMatch", if_match));
}

BundleBuilder& BundleBuilder::get(const std::string& url) { return add("GET", url, {}, {}, {}); }

BundleBuilder& BundleBuilder::raw(const std::string& entry) {
  entries_.push_back(entry);
  return *this;
}

std::string BundleBuilder::json() const {
  std::string out = R"({"resourceType":"Bundle","type":)" + quoted(type_) + R"(,"entry":[)";
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (i > 0) out += ',';
    out += entries_[i];
  }
  return out + "]}";
}

std::string base64_encode(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::vector<fhir::json::Value> resources_of(const fhir::json::Value& bundle, std::string_view type) {
  std::vector<fhir::json::Value> out;
  if (const fhir::json::Value* entries = bundle.find("entry"))
    for (const auto& e : entries->items())
      if (const fhir::json::Value* res = e.find("resource"); res && res->string_at("resourceType") == type)
        out.push_back(*res);
  return out;
}

}  // namespace carebridge::test
