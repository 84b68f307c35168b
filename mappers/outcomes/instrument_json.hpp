// One member of instruments.json's "instruments" array into an Instrument,
// checked on its own: ranges, items, answers, bands, safety item, forms.
// Checks across instruments (unique ids, codes, canonicals) are the
// table's (instrument_table.cpp).
#pragma once

#include <string>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "mappers/outcomes/instrument.hpp"

namespace mappers::outcomes {

// where: the member's path for diagnostics, e.g. "instruments[2]".
fhir::Result<Instrument> parse_instrument(const fhir::json::Value& v, const std::string& where);

// The Issue a bad instruments file gives: the file ships with the gateway,
// so it is our failure (fatal), not the client's.
fhir::Issue bad_table(const std::string& what);

}  // namespace mappers::outcomes
