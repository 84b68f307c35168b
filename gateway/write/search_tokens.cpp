#include "gateway/write/search_tokens.hpp"

namespace gateway {
namespace {

void add_identifier(const fhir::json::Value& ident, std::vector<fhir::store::TokenEntry>& out) {
  if (!ident.is_object()) return;
  std::string_view value = ident.string_at("value");
  if (value.empty()) return;
  out.push_back({"identifier", std::string(ident.string_at("system")), std::string(value)});
}

}  // namespace

std::vector<fhir::store::TokenEntry> index_tokens(const fhir::Resource& r) {
  std::vector<fhir::store::TokenEntry> out;
  if (const fhir::json::Value* ids = r.root().find("identifier")) {
    if (ids->is_array())
      for (const auto& i : ids->items()) add_identifier(i, out);
    else
      add_identifier(*ids, out);  // types whose identifier is single (0..1)
  }
  return out;
}

}  // namespace gateway
