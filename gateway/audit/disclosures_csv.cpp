#include "gateway/audit/disclosures_csv.hpp"

#include "fhir/core/instant.hpp"
#include "gateway/http/csv_text.hpp"

namespace gateway {
namespace {

std::string recipient(const consent::AuditDescription& d) {
  if (d.organization.empty()) return d.client_id;
  return d.organization + " (" + d.client_id + ")";
}

}  // namespace

std::string disclosures_csv(const std::vector<Disclosure>& disclosures) {
  std::string out(kDisclosuresCsvHeader);
  out += "\r\n";
  for (const auto& disclosure : disclosures) {
    const consent::AuditDescription& d = disclosure.event;
    const std::string date = fhir::format_instant(d.recorded_ms);
    const std::string to = csv_field(recipient(d));
    const std::string purpose = csv_field(d.purpose);
    for (const auto& e : d.entities) {
      out += date;
      out += ',';
      out += to;
      out += ',';
      out += purpose;
      out += ',';
      out += csv_field(e.reference);
      out += ',';
      out += csv_field(e.basis);
      out += "\r\n";
    }
  }
  return out;
}

}  // namespace gateway
