// The registry as it leaves: a FHIR Parameters resource (one `row` part
// per patient and instrument, one `measure` part per quality measure, and
// `total`, the persons over all pages), or CSV with exactly the issue's
// columns:
//   patient,instrument,baseline_score,baseline_date,latest_score,
//   latest_date,change_percent,weeks_in_treatment,response,remission,
//   not_improving,open_flags,last_contact,next_appointment
// Booleans are true/false; dates are YYYY-MM-DD (UTC); open_flags are flag
// codes joined by ';'; a value there is none of is empty.
#pragma once

#include <string>

#include "gateway/care/registry_service.hpp"

namespace gateway {

std::string registry_parameters(const RegistryAnswer& answer);
std::string registry_csv(const RegistryAnswer& answer);

}  // namespace gateway
