#include "consent/audit/audit_fields.hpp"

#include <algorithm>
#include <utility>

#include "fhir/core/errors.hpp"

namespace consent {
namespace {

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool less(const AuditField& a, const AuditField& b) {
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.value < b.value;
}

}  // namespace

bool is_indexed_kind(std::string_view kind) {
  return kind == audit_kind::kPatient || kind == audit_kind::kAgent;
}

fhir::Result<std::vector<AuditField>> audit_fields(AuditEntry entry) {
  std::vector<AuditField> out;
  out.reserve(entry.fields.size());
  for (auto& f : entry.fields) {
    // The text format has no escapes: a control character in a kind or a
    // value is refused (callers clean free text first, audit_event.cpp).
    if (f.kind.empty() || has_control(f.kind))
      return fhir::make_issue(fhir::err::kInvalidValue, "an audit field kind is empty or holds a control character",
                              "AuditEntry.kind");
    if (has_control(f.value))
      return fhir::make_issue(fhir::err::kInvalidValue, "audit " + f.kind + " value holds a control character",
                              "AuditEntry." + f.kind);
    if (!f.value.empty()) out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), less);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void append_fields_text(const std::vector<AuditField>& fields, std::string& out) {
  out.clear();
  for (const auto& f : fields) {
    out += f.kind;
    out += '\t';
    out += f.value;
    out += '\n';
  }
}

std::string fields_text(const std::vector<AuditField>& fields) {
  std::string text;
  append_fields_text(fields, text);
  return text;
}

fhir::Result<std::vector<AuditField>> parse_fields_text(std::string_view text) {
  auto bad = [] { return fhir::make_issue(fhir::err::kInvalidValue, "malformed audit fields"); };
  std::vector<AuditField> out;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    if (eol == std::string_view::npos) return bad();
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0 || tab + 1 == line.size()) return bad();
    AuditField f{std::string(line.substr(0, tab)), std::string(line.substr(tab + 1))};
    if (has_control(f.kind) || has_control(f.value)) return bad();
    if (!out.empty() && !less(out.back(), f)) return bad();
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace consent
