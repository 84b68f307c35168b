#include "fhir/search/query_canonical.hpp"

#include <string_view>

#include "fhir/core/query.hpp"
#include "fhir/search/query_controls.hpp"

namespace fhir::search {
namespace {

// RFC 3986 unreserved plus the separators FHIR values use (':' '/' ','
// '$' '*' '|' would all be legal percent-encoded, but links stay readable
// this way); '+', '&', '=', '%', '#', '\' and the rest are encoded.
void encode(std::string_view s, std::string& out) { out += percent_encode(s, ",$*"); }

class Writer {
 public:
  void add(std::string_view name, std::string_view value) {
    if (!out_.empty()) out_ += '&';
    encode(name, out_);
    out_ += '=';
    encode(value, out_);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ',';
    out += i;
  }
  return out;
}

std::string include_value(const IncludeSpec& s) {
  if (s.wildcard) return s.source_type.empty() ? "*" : s.source_type + ":*";
  std::string v = s.source_type + ":" + s.param->code;
  if (!s.target_type.empty()) v += ":" + s.target_type;
  return v;
}

void add_includes(Writer& w, std::string_view name, const std::vector<IncludeSpec>& specs) {
  for (const auto& s : specs) w.add(s.iterate ? std::string(name) + ":iterate" : std::string(name), include_value(s));
}

}  // namespace

std::string canonical_query(const SearchQuery& q) {
  Writer w;
  for (const auto& c : q.criteria) w.add(c.name, c.value);
  if (!q.types.empty()) w.add("_type", join(q.types));
  add_includes(w, "_include", q.include);
  add_includes(w, "_revinclude", q.revinclude);
  if (!q.sort.empty()) {
    std::string keys;
    for (const auto& k : q.sort) {
      if (!keys.empty()) keys += ',';
      if (k.descending) keys += '-';
      keys += k.param->code;
    }
    w.add("_sort", keys);
  }
  if (q.count) w.add("_count", std::to_string(*q.count));
  if (q.total != SearchQuery{}.total) w.add("_total", total_code(q.total));
  if (q.summary != Summary::none) w.add("_summary", summary_code(q.summary));
  if (!q.elements.empty()) w.add("_elements", join(q.elements));
  if (q.snapshot) w.add("_snapshot", *q.snapshot);
  if (q.offset) w.add("_offset", std::to_string(*q.offset));
  return w.take();
}

}  // namespace fhir::search
