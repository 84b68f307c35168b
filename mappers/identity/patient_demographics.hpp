// A Patient's matching-relevant data, normalised once so that comparing
// two records is plain equality: names, birth date, gender, current
// addresses, phones, emails and identifiers. Everything here is PHI.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace mappers::identity {

struct PersonName {
  std::string family;              // normalise_family_name; may be ""
  std::vector<std::string> given;  // every given name's words, in order
};

struct BirthDate {
  int year = 0;
  int month = 0;
  int day = 0;
  bool operator==(const BirthDate&) const = default;
};

struct PostalAddress {
  std::string line;         // normalise_address_lines
  std::string city;         // normalise_city
  std::string postal_code;  // normalise_postal_code
};

struct PatientIdentifier {
  std::string system;
  std::string value;     // trimmed; SSNs as 9 digits
  bool current = true;   // false for use "old" or a period with an end
};

struct Demographics {
  // Names with use official, usual or none; maiden, old, nickname,
  // anonymous and temp names are not who the person is now.
  std::vector<PersonName> names;
  std::optional<BirthDate> birth_date;  // full dates only
  std::string gender;                   // male | female | other; "" if unknown
  std::vector<PostalAddress> addresses;  // current ones
  std::vector<std::string> phones;       // normalise_phone, current, distinct
  std::vector<std::string> emails;       // normalise_email, current, distinct
  std::vector<PatientIdentifier> identifiers;
};

// The demographics of a Patient resource. An element with use "old" or a
// period with an end is not current (a pure function has no clock to tell
// a future end from a past one; EHRs close a period when it ends): names, addresses and telecoms
// that are not current are left out, identifiers kept but marked. Values
// that cannot be compared (a birth date without a day, a phone without an
// area code, an SSN that is not 9 digits or was never issuable) are left
// out, as if absent. Fails only when the resource is not a Patient.
fhir::Result<Demographics> patient_demographics(const fhir::json::Value& patient);

}  // namespace mappers::identity
