#include "mappers/identity/patient_demographics.hpp"

#include <algorithm>
#include <string_view>

#include "fhir/core/errors.hpp"
#include "mappers/identity/address_normalise.hpp"
#include "mappers/identity/name_normalise.hpp"
#include "mappers/identity/telecom_normalise.hpp"

namespace mappers::identity {
namespace {

using fhir::json::Value;

// The US SSN's system and its OID, compared as 9 digits.
constexpr std::string_view kSsnSystems[] = {"http://hl7.org/fhir/sid/us-ssn", "urn:oid:2.16.840.1.113883.4.1"};

const std::vector<Value>& items_of(const Value& resource, std::string_view key) {
  static const std::vector<Value> kNone;
  const Value* v = resource.find(key);
  return v != nullptr && v->is_array() ? v->items() : kNone;
}

bool is_current(const Value& element) {
  if (element.string_at("use") == "old") return false;
  const Value* period = element.find("period");
  return period == nullptr || period->string_at("end").empty();
}

std::string trimmed(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

void add_distinct(std::vector<std::string>& out, std::string v) {
  if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
}

void read_names(const Value& patient, Demographics& out) {
  for (const auto& n : items_of(patient, "name")) {
    std::string_view use = n.string_at("use");
    if (!(use.empty() || use == "official" || use == "usual") || !is_current(n)) continue;
    PersonName name;
    name.family = normalise_family_name(n.string_at("family"));
    for (const auto& g : items_of(n, "given"))
      for (auto& w : name_words(g.text())) name.given.push_back(std::move(w));
    // Only text: its last word is taken as the family name (R4 lets a
    // name be text alone; Western order is the common case in US feeds).
    if (name.family.empty() && name.given.empty()) {
      auto words = name_words(n.string_at("text"));
      if (words.empty()) continue;
      name.family = words.back();
      words.pop_back();
      name.given = std::move(words);
    }
    out.names.push_back(std::move(name));
  }
}

// "YYYY-MM-DD" only: a year or a year-month cannot agree on the day.
std::optional<BirthDate> birth_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](std::size_t from, std::size_t len) {
    int v = 0;
    for (std::size_t i = from; i < from + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  BirthDate d{num(0, 4), num(5, 2), num(8, 2)};
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 0 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > kDays[d.month - 1]) return std::nullopt;
  return d;
}

void read_addresses(const Value& patient, Demographics& out) {
  for (const auto& a : items_of(patient, "address")) {
    if (!is_current(a)) continue;
    std::vector<std::string> lines;
    for (const auto& l : items_of(a, "line"))
      if (l.is_string()) lines.push_back(l.text());
    PostalAddress addr{normalise_address_lines(lines), normalise_city(a.string_at("city")),
                       normalise_postal_code(a.string_at("postalCode"))};
    if (!addr.line.empty() || !addr.postal_code.empty()) out.addresses.push_back(std::move(addr));
  }
}

void read_telecom(const Value& patient, Demographics& out) {
  for (const auto& t : items_of(patient, "telecom")) {
    if (!is_current(t)) continue;
    std::string_view system = t.string_at("system");
    if (system == "phone" || system == "sms") add_distinct(out.phones, normalise_phone(t.string_at("value")));
    if (system == "email") add_distinct(out.emails, normalise_email(t.string_at("value")));
  }
}

// The SSA never issues area 000 or 666, group 00 or serial 0000. Area
// 900-999 is not issued either (ITINs live there), but Synthea and test
// systems use it, so it is kept; placeholders are the rules file's.
bool issuable_ssn(const std::string& d) {
  return d.size() == 9 && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         d.compare(0, 3, "000") != 0 && d.compare(0, 3, "666") != 0 && d.compare(3, 2, "00") != 0 &&
         d.compare(5, 4, "0000") != 0;
}

void read_identifiers(const Value& patient, Demographics& out) {
  for (const auto& i : items_of(patient, "identifier")) {
    PatientIdentifier id{std::string(i.string_at("system")), trimmed(i.string_at("value")), is_current(i)};
    if (id.system.empty() || id.value.empty()) continue;
    if (std::find(std::begin(kSsnSystems), std::end(kSsnSystems), id.system) != std::end(kSsnSystems)) {
      std::erase_if(id.value, [](char c) { return c == '-' || c == ' '; });
      if (!issuable_ssn(id.value)) continue;
    }
    out.identifiers.push_back(std::move(id));
  }
}

}  // namespace

fhir::Result<Demographics> patient_demographics(const Value& patient) {
  if (!patient.is_object() || patient.string_at("resourceType") != "Patient")
    return fhir::make_issue(fhir::err::kWrongResourceType, "patient matching needs a Patient", "resourceType");
  Demographics out;
  read_names(patient, out);
  out.birth_date = birth_date(patient.string_at("birthDate"));
  std::string_view gender = patient.string_at("gender");
  if (gender == "male" || gender == "female" || gender == "other") out.gender = std::string(gender);
  read_addresses(patient, out);
  read_telecom(patient, out);
  read_identifiers(patient, out);
  return out;
}

}  // namespace mappers::identity
