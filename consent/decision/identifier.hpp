// Identifiers and references as Consent actors and requesters spell them.
// LEAP's fixtures name the same organisation "urn:oid:1.1.1" and "1.1.1"
// under system urn:ietf:rfc:3986, so equality normalises OIDs; references
// arrive relative, absolute or versioned and compare as "Type/id".
#pragma once

#include <string>
#include <string_view>

namespace consent {

struct Identifier {
  std::string system;
  std::string value;
};

// Exact system|value, except: under urn:ietf:rfc:3986 a value "urn:oid:X"
// equals "X"; a "urn:oid:" prefix (system or value) compares case-folded.
// Empty values never match.
bool same_identifier(const Identifier& a, const Identifier& b);

// "Type/id" of a literal reference: drops "/_history/n" and anything before
// the last "Type/id" of an absolute URL. "" for contained ("#x"), urn:uuid
// and other references that are not literal Type/id. Returns a view into
// the argument (no allocation: this runs per candidate row).
std::string_view relative_reference(std::string_view reference);

// The resource type of a "Type/id" reference ("" if none).
std::string_view reference_type(std::string_view relative);

}  // namespace consent
