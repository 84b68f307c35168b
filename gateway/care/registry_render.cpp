#include "gateway/care/registry_render.hpp"

#include <cmath>
#include <cstdio>

#include "fhir/core/instant.hpp"
#include "fhir/json/write.hpp"
#include "gateway/http/csv_text.hpp"

namespace gateway {
namespace {

using mappers::care::QualityMeasure;
using mappers::care::RegistryRow;

// 18 -> "18", 12.5 -> "12.5", -33.3 -> "-33.3": scores are whole, the
// change has one decimal; never an exponent.
std::string number(double v) {
  char buf[64];
  if (std::nearbyint(v) == v && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

std::string date_of(std::int64_t ms) { return fhir::format_instant(ms).substr(0, 10); }

void part(std::string& out, bool& first, std::string_view name, std::string_view type, const std::string& json_value) {
  out += first ? "" : ",";
  first = false;
  out += R"({"name":")";
  out += name;
  out += R"(","value)";
  out += type;
  out += R"(":)";
  out += json_value;
  out += '}';
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  fhir::json::append_escaped(s, out);
  out += '"';
  return out;
}

void row_json(std::string& out, const RegistryRow& r) {
  out += R"({"name":"row","part":[)";
  bool first = true;
  part(out, first, "patient", "Reference", R"({"reference":)" + quoted("Patient/" + r.patient) + "}");
  if (!r.instrument.empty()) part(out, first, "instrument", "Code", quoted(r.instrument));
  if (r.baseline_score) part(out, first, "baseline_score", "Decimal", number(*r.baseline_score));
  if (r.baseline_ms) part(out, first, "baseline_date", "Date", quoted(date_of(r.baseline_ms)));
  if (r.latest_score) part(out, first, "latest_score", "Decimal", number(*r.latest_score));
  if (r.latest_ms) part(out, first, "latest_date", "Date", quoted(date_of(r.latest_ms)));
  if (r.change_percent) part(out, first, "change_percent", "Decimal", number(*r.change_percent));
  if (r.weeks_in_treatment) part(out, first, "weeks_in_treatment", "Integer", std::to_string(*r.weeks_in_treatment));
  part(out, first, "response", "Boolean", r.response ? "true" : "false");
  part(out, first, "remission", "Boolean", r.remission ? "true" : "false");
  part(out, first, "not_improving", "Boolean", r.not_improving ? "true" : "false");
  for (const auto& flag : r.open_flags) part(out, first, "open_flag", "Code", quoted(flag));
  if (r.last_contact_ms) part(out, first, "last_contact", "Date", quoted(date_of(r.last_contact_ms)));
  if (r.next_appointment_ms) part(out, first, "next_appointment", "Date", quoted(date_of(r.next_appointment_ms)));
  out += "]}";
}

void measure_json(std::string& out, const QualityMeasure& m) {
  out += R"({"name":"measure","part":[)";
  bool first = true;
  part(out, first, "code", "Code", quoted(m.code));
  part(out, first, "display", "String", quoted(m.display));
  part(out, first, "numerator", "Integer", std::to_string(m.numerator));
  part(out, first, "denominator", "Integer", std::to_string(m.denominator));
  if (m.value) part(out, first, "value", "Decimal", number(*m.value));
  if (!m.unit.empty()) part(out, first, "unit", "String", quoted(m.unit));
  out += "]}";
}

}  // namespace

std::string registry_parameters(const RegistryAnswer& answer) {
  std::string out = R"({"resourceType":"Parameters","parameter":[{"name":"total","valueInteger":)";
  out += std::to_string(answer.persons);
  out += '}';
  for (const auto& r : answer.rows) {
    out += ',';
    row_json(out, r);
  }
  for (const auto& m : answer.measures) {
    out += ',';
    measure_json(out, m);
  }
  out += "]}";
  return out;
}

std::string registry_csv(const RegistryAnswer& answer) {
  std::string out =
      "patient,instrument,baseline_score,baseline_date,latest_score,latest_date,change_percent,"
      "weeks_in_treatment,response,remission,not_improving,open_flags,last_contact,next_appointment\r\n";
  for (const auto& r : answer.rows) {
    out += csv_field(r.patient);
    out += ',';
    out += csv_field(r.instrument);
    out += ',';
    if (r.baseline_score) out += number(*r.baseline_score);
    out += ',';
    if (r.baseline_ms) out += date_of(r.baseline_ms);
    out += ',';
    if (r.latest_score) out += number(*r.latest_score);
    out += ',';
    if (r.latest_ms) out += date_of(r.latest_ms);
    out += ',';
    if (r.change_percent) out += number(*r.change_percent);
    out += ',';
    if (r.weeks_in_treatment) out += std::to_string(*r.weeks_in_treatment);
    out += r.response ? ",true" : ",false";
    out += r.remission ? ",true" : ",false";
    out += r.not_improving ? ",true," : ",false,";
    std::string flags;
    for (const auto& f : r.open_flags) flags += (flags.empty() ? "" : ";") + f;
    out += csv_field(flags);
    out += ',';
    if (r.last_contact_ms) out += date_of(r.last_contact_ms);
    out += ',';
    if (r.next_appointment_ms) out += date_of(r.next_appointment_ms);
    out += "\r\n";
  }
  return out;
}

}  // namespace gateway
