// The map stage of the write pipeline (write_pipeline.hpp), after store:
// a QuestionnaireResponse version just appended is scored by the gateway
// itself (mappers/outcomes) and each complete score is written, in the same
// transaction, as a derived Observation (derivedFrom the response's version,
// meta.tag urn:carebridge:derived|score) with a Provenance (activity
// DERIVE). Both carry the response's security labels. Their ids follow from
// the response and instrument, so an update of the response makes a new
// version of the same Observation; a deleted response deletes it.
// Side effects only: the request's outcome names the response alone.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// The tag every resource the gateway derives carries, so clients can tell
// derived data from what a source sent.
inline constexpr std::string_view kDerivedTagSystem = "urn:carebridge:derived";

// Whether a resource carries the derived tag (the gateway wrote it): as
// stored JSON, or as a parsed resource.
bool is_derived_json(std::string_view json);
bool is_derived(const fhir::json::Value& resource);
inline constexpr std::string_view kDerivedScoreCode = "score";

// Runs after tx.append(v) succeeded. v is the appended version (a delete
// or not); resource is it as stored (null for a delete). Its care facts
// (care_facts_step.hpp) replace the previous version's; a
// QuestionnaireResponse is scored. source: the writing client's
// Organization. touched gets the patients whose care facts changed, whose
// flags the unit reconsiders once all its entries are stored
// (flag_step.hpp). Does nothing unless ctx.instruments is set.
// seq: the version's commit seq; the version is queued for the
// subscriptions it matches (subscription_matcher.hpp).
fhir::Status map_version(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::store::NewVersion& v,
                         std::int64_t seq, const fhir::Resource* resource, std::string_view source,
                         std::set<std::string>& touched);

// The id of the Observation derived from a response for one instrument
// ("cb-" + 24 hex of SHA-256), and of its Provenance.
std::string derived_observation_id(std::string_view response_id, std::string_view instrument);
std::string derived_provenance_id(std::string_view response_id, std::string_view instrument);

}  // namespace gateway
