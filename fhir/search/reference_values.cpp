#include "fhir/search/reference_values.hpp"

#include "fhir/search/reference_parts.hpp"

namespace fhir::search {
namespace {

bool is_absolute(std::string_view s) { return s.find(':') != std::string_view::npos; }

// The reference text (or a canonical's URL) -> type, id, version, url.
void read_target(std::string_view text, bool canonical, ReferenceValue& out) {
  if (canonical) {
    if (auto bar = text.find('|'); bar != std::string_view::npos) {
      out.version = std::string(text.substr(bar + 1));
      text = text.substr(0, bar);
    }
  }
  if (auto parts = parse_reference(text)) {
    out.local = parts->local;
    out.type = std::string(parts->type);
    out.id = std::string(parts->id);
    if (!parts->version.empty()) out.version = std::string(parts->version);
  }
  if (is_absolute(text)) out.url = std::string(text);
}

}  // namespace

void append_reference_values(const fhirpath::Node& n, std::vector<ReferenceValue>& out) {
  const json::Value& v = *n.value;
  ReferenceValue r;
  if (v.is_string()) {
    if (v.text().empty()) return;
    read_target(v.text(), true, r);
    out.push_back(std::move(r));
    return;
  }
  if (!v.is_object() || n.opaque) return;
  std::string_view ref = v.string_at("reference");
  if (!ref.empty()) read_target(ref, false, r);
  // Reference.type names the target when the text cannot (urn:uuid:..,
  // or a logical reference by identifier only).
  if (r.type.empty() && !r.local) r.type = std::string(v.string_at("type"));
  if (const json::Value* id = v.find("identifier"); id != nullptr && id->is_object()) {
    r.identifier_system = std::string(id->string_at("system"));
    r.identifier_value = std::string(id->string_at("value"));
  }
  if (ref.empty() && r.identifier_value.empty()) return;
  out.push_back(std::move(r));
}

void append_uri_values(const fhirpath::Node& n, std::vector<UriValue>& out) {
  if (n.value->is_string() && !n.value->text().empty()) out.push_back(UriValue{n.value->text()});
}

}  // namespace fhir::search
