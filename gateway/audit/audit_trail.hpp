// The audit stage of the paths out: every response that discloses data, or
// refuses a resource the request named, is sent only after its AuditEvent
// (consent/audit/audit_event.hpp) is durable in the audit log. If the log
// cannot take it, the request fails with 503 and nothing is disclosed.
#pragma once

#include <string>

#include "consent/audit/audit_event.hpp"
#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"
#include "gateway/net/net.hpp"

namespace consent {
class DisclosureFilter;
}

namespace gateway {

struct AppContext;
struct EntryOutcome;
struct Exchange;
struct SearchRequest;
struct SearchResult;

// A description of this request (who, why, what was asked) to fill in:
// interaction is the FHIR restful-interaction code.
consent::AuditDescription describe_request(const Exchange& x, const AppContext& app, std::string interaction);

// Marks d as a disclosure when the patient data in it (d.patients) went to a
// requester that is not a custodian of it, and as break the glass when the
// request's filter let something out only under the emergency rule.
void mark_disclosure(consent::AuditDescription& d, const AppContext& app, const consent::DisclosureFilter* filter);

// "Type/id/_history/v"
std::string version_reference(const fhir::store::VersionRecord& rec);

// Adds rec to d as a version that left (or was written), with what allowed
// it (filter null: the requester is exempt, "policy:custodian") and its
// patients, which join d.patients.
void add_version(consent::AuditDescription& d, const consent::DisclosureFilter* filter,
                 const fhir::store::VersionRecord& rec, std::string basis = {});

// Adds every version a search returned (matches and includes), each with
// what allowed it under the search's filter.
void add_returned(consent::AuditDescription& d, const SearchRequest& request, const SearchResult& result);

// Adds the version a write stored (basis "write"), or that a conditional
// create found existing ("exists"); nothing when none (a delete that
// matched nothing).
void add_written(consent::AuditDescription& d, const EntryOutcome& o);

// The request named asked ("Type/id") and got nothing: rec is what the
// store holds there (null: nothing). Makes d a refusal (outcome 4) naming
// what was asked and why: withheld with the decision's basis, deleted, or
// not found.
void add_refusal(consent::AuditDescription& d, const consent::DisclosureFilter* filter, const std::string& asked,
                 const fhir::store::VersionRecord* rec);

// Appends d to the audit log and waits until it is durable. On failure the
// exchange is answered 503 (whatever it held) with failure_text (default:
// nothing was disclosed) and the error returned.
net::awaitable<fhir::Status> record_audit(Exchange& x, const AppContext& app, consent::AuditDescription d,
                                          const char* failure_text = nullptr);

}  // namespace gateway
