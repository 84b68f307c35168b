// The consent enforcement of one request: a consent::DisclosureFilter for
// the requester the access token names (organization, acting user, role,
// purpose of use) over the consents as they stand when it is made. Every
// path out asks it: reads and Bundle GET entries for the version they
// found, searches, includes, counts and history inside their queries.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "consent/enforcement/disclosure_filter.hpp"
#include "gateway/search/search_service.hpp"

namespace gateway {

struct AppContext;
struct Exchange;

// The requester consent decides for: a client (its id, Organization and
// role), a purpose of use, and the acting user as a token names it
// ("Practitioner/ID", an identifier "system|value", or a bare value).
consent::Requester requester_from(const std::string& client_id, const std::string& organization,
                                  const std::string& role, const std::string& purpose, const std::string& user);

// Null when enforcement is off (setting consent_enforcement) or the route
// is open (no requester). Made once per request.
const consent::DisclosureFilter* disclosure_for(Exchange& x, const AppContext& app);

// Puts the request's filter on a search.
void set_disclosure(Exchange& x, const AppContext& app, SearchRequest& request);

// rec's JSON as this request receives it: without the elements whose
// inline security labels it is not cleared for (consent/enforcement/
// inline_redaction.hpp), and, for a Patient, with a Patient.link (seealso)
// to each record linked to it as the same person that the requester may
// receive (issue 9; present.hpp with_patient_links). Every path out that
// answers with stored resources passes here, so this is where the links
// are merged. rec.json itself when nothing changes or the filter is null
// (consent_enforcement 0, for measuring only: no links then either).
// scratch holds a changed copy.
const std::string& disclosed_json(const consent::DisclosureFilter* filter, const fhir::store::VersionRecord& rec,
                                  std::string& scratch);
// The same for json (rec's, as presented): nullopt when nothing changes.
std::optional<std::string> outgoing_json(const consent::DisclosureFilter& filter, const fhir::store::VersionRecord& rec,
                                         const std::string& json);

// The same as a Bundle GET entry's redactor (write_pipeline.hpp).
std::function<std::optional<std::string>(const fhir::store::VersionRecord&, const std::string&)> entry_redactor(
    Exchange& x, const AppContext& app);

// The filter as a guard for Bundle GET entries (write_pipeline.hpp ReadGuard).
std::function<bool(const fhir::store::VersionRecord&)> read_guard(Exchange& x, const AppContext& app);

// After the response: a compliance alert when data left only because the
// purpose was an emergency (break the glass, 42 CFR 2.51). No PHI: the
// client, its organization, the purpose and how many versions.
void report_break_glass(const Exchange& x);

}  // namespace gateway
