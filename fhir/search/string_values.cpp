#include "fhir/search/string_values.hpp"

#include <array>
#include <span>

#include "fhir/search/string_normalise.hpp"

namespace fhir::search {
namespace {

constexpr std::array<std::string_view, 5> kNameParts = {"family", "given", "prefix", "suffix", "text"};
constexpr std::array<std::string_view, 7> kAddressParts = {"line", "city", "district", "state",
                                                           "postalCode", "country", "text"};

void append_text(const json::Value& v, std::vector<StringValue>& out) {
  if (v.is_string() && !v.text().empty()) out.push_back(make_string_value(v.text()));
}

void append_parts(const json::Value& obj, std::span<const std::string_view> parts, std::vector<StringValue>& out) {
  for (std::string_view part : parts) {
    const json::Value* v = obj.find(part);
    if (v == nullptr) continue;
    if (v->is_array())
      for (const auto& item : v->items()) append_text(item, out);
    else
      append_text(*v, out);
  }
}

bool has_any(const json::Value& obj, std::span<const std::string_view> parts) {
  for (std::string_view p : parts)
    if (p != "text" && obj.find(p) != nullptr) return true;
  return false;
}

}  // namespace

StringValue make_string_value(std::string_view raw) {
  return StringValue{normalise_string(raw), std::string(raw)};
}

void append_string_values(const fhirpath::Node& n, std::vector<StringValue>& out) {
  const json::Value& v = *n.value;
  if (v.is_string()) {
    append_text(v, out);
    return;
  }
  if (!v.is_object() || n.opaque) return;
  // Without a type model the members tell HumanName from Address; a node
  // with only `text` is either, and both index that text.
  if (n.type == "HumanName" || (n.type.empty() && has_any(v, kNameParts)))
    append_parts(v, kNameParts, out);
  else if (n.type == "Address" || (n.type.empty() && has_any(v, kAddressParts)))
    append_parts(v, kAddressParts, out);
  else if (const json::Value* text = v.find("text"); text != nullptr && n.type.empty())
    append_text(*text, out);
}

}  // namespace fhir::search
