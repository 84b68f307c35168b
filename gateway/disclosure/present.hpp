// A stored version as it leaves the gateway: its labels merged into
// meta.security and, for 42 CFR Part 2 records, the redisclosure notice on
// meta (consent/labels/label_output.hpp). Every path that answers with a
// stored resource (read, vread, search and includes, history, Bundle
// entries) passes its records through here once, when they come from the
// store; the read cache holds them presented.
//
// What depends on the requester is added per request
// (request_filter.hpp disclosed_json): inline redaction, and Patient.link.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/store/store.hpp"

namespace gateway {

struct AppContext;

void present(const AppContext& app, fhir::store::VersionRecord& rec);

// A Patient's JSON with a `link` entry {"other": {"reference":
// "Patient/<id>"}, "type": "seealso"} for each of `others` (issue 9: the
// records linked to it as the same person), after the links it carries;
// one it carries already is not repeated. Never stored: the version stays
// as the source sent it. nullopt when nothing was added (or the JSON does
// not parse).
std::optional<std::string> with_patient_links(std::string_view json, const std::vector<std::string>& others);

}  // namespace gateway
