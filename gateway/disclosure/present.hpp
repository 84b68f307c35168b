// A stored version as it leaves the gateway: its labels merged into
// meta.security and, for 42 CFR Part 2 records, the redisclosure notice on
// meta (consent/labels/label_output.hpp). Every path that answers with a
// stored resource (read, vread, search and includes, history, Bundle
// entries) passes its records through here once, when they come from the
// store; the read cache holds them presented.
#pragma once

#include "fhir/store/store.hpp"

namespace gateway {

struct AppContext;

void present(const AppContext& app, fhir::store::VersionRecord& rec);

}  // namespace gateway
