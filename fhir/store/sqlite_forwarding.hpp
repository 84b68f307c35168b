// The forwarding tables (sqlite_migrations.cpp step 10,
// forwarding_rows.hpp): written on the writer's connection inside its
// transaction, read on any.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/forwarding_rows.hpp"

namespace fhir::store {

class Connection;

Result<std::optional<SubscriptionState>> query_subscription_state(Connection& conn, std::string_view id);
// Every subscription's state, by id.
Result<std::vector<SubscriptionState>> query_subscription_states(Connection& conn);
// Inserts or replaces the row of s.id. Errors: kInvalidValue for an empty
// id or client, or a status the table does not know. A matching change
// moves the subscription generation; a delivery change does not.
Status upsert_subscription_state(Connection& conn, const SubscriptionState& s, StateChange change);
// Deletes the row and everything queued for it.
Status delete_subscription_state(Connection& conn, std::string_view id);

// Queues item; a version already queued for the subscription stays queued
// once (the key refuses a repeat, which is not an error).
Status insert_outbox(Connection& conn, const OutboxItem& item);
// Removes the subscription's items with seq <= up_to_seq; how many.
Result<std::int64_t> delete_outbox(Connection& conn, std::string_view subscription_id, std::int64_t up_to_seq);
// The subscription's oldest items after seq after_seq, in seq order, at
// most limit.
Result<std::vector<OutboxItem>> query_outbox(Connection& conn, std::string_view subscription_id, int limit,
                                             std::int64_t after_seq);
Result<std::int64_t> count_outbox(Connection& conn, std::string_view subscription_id);

}  // namespace fhir::store
