// A Subscription's delivery state (fhir/store/forwarding_rows.hpp) kept in
// step with its versions, in the transaction that writes them (issue 10):
// a client's write creates or updates it (the owner and purpose from the
// plan), a delete removes it with its queue; and the gateway's own status
// changes (a handshake answered, repeated failures) write a new version of
// the resource and the state together.
#pragma once

#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/resource/resource.hpp"
#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// After a client's Subscription version v was appended. resource: null for
// a delete. plan.subscriber names the owner (kInternal when it is empty: a
// Subscription written any other way is a bug).
fhir::Status keep_subscription_state(const WriteContext& ctx, fhir::store::WriteTxn& tx,
                                     const fhir::store::NewVersion& v, const fhir::Resource* resource,
                                     const WritePlan& plan);

// The gateway moves a subscription to `status` (active after its
// handshake, error after repeated failures): a new version of the resource
// with that status and, for error, Subscription.error = error_text; the
// state's status follows. Nothing happens (false) when the resource is no
// longer at `expected_version` (its client changed or deleted it since:
// that decides).
fhir::Result<bool> set_subscription_status(const WriteContext& ctx, fhir::store::WriteTxn& tx, std::string_view id,
                                           std::int64_t expected_version, std::string_view status,
                                           std::string_view error_text);

}  // namespace gateway
