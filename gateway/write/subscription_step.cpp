#include "gateway/write/subscription_step.hpp"

#include <limits>

#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/parse.hpp"
#include "gateway/write/derived_append.hpp"
#include "gateway/write/subscription_matcher.hpp"

namespace gateway {
namespace {

std::string criteria_type(const fhir::json::Value& root) {
  const std::string_view criteria = root.string_at("criteria");
  return std::string(criteria.substr(0, criteria.find('?')));
}

void invalidate(const WriteContext& ctx) {
  if (ctx.subscriptions != nullptr) ctx.subscriptions->invalidate();
}

}  // namespace

fhir::Status keep_subscription_state(const WriteContext& ctx, fhir::store::WriteTxn& tx,
                                     const fhir::store::NewVersion& v, const fhir::Resource* resource,
                                     const WritePlan& plan) {
  invalidate(ctx);
  if (resource == nullptr) return tx.remove_subscription_state(v.id);
  if (plan.subscriber.empty())
    return fhir::make_issue(fhir::err::kInternal, "A Subscription was written without the client it belongs to");
  auto existing = tx.subscription_state(v.id);
  if (!existing) return existing.take_issue();
  fhir::store::SubscriptionState s;
  if (*existing) s = **existing;
  s.id = v.id;
  s.client_id = plan.subscriber;
  // The purpose and acting user of the token that last wrote it: a partner
  // that re-requests under another purpose is decided under that one from
  // then on.
  s.purpose = plan.subscriber_purpose;
  s.user_id = plan.subscriber_user;
  s.status = std::string(resource->root().string_at("status"));
  s.criteria_type = criteria_type(resource->root());
  // Checked as an instant when it was written (read_subscription).
  const auto end = fhir::parse_instant(resource->root().string_at("end"));
  s.end_ms = end ? *end : 0;
  if (s.status == "requested") {
    // Asked again (or first): a fresh handshake, without the old backoff.
    s.failures = 0;
    s.next_attempt_ms = 0;
  }
  if (*existing) {
    // What was queued matched the definition this version replaces (other
    // criteria, another payload level or endpoint): none of it is sent.
    auto dropped = tx.dequeue(s.id, std::numeric_limits<std::int64_t>::max());
    if (!dropped) return dropped.take_issue();
  } else if (ctx.max_subscriptions_per_client > 0) {
    auto all = tx.subscription_states();
    if (!all) return all.take_issue();
    std::int64_t own = 0;
    for (const auto& other : *all) own += other.client_id == s.client_id ? 1 : 0;
    if (own >= ctx.max_subscriptions_per_client)
      return fhir::make_issue(fhir::err::kForbidden,
                              "This client has " + std::to_string(own) +
                                  " Subscriptions, the most it may have (max_subscriptions_per_client): delete one "
                                  "first");
  }
  s.updated_ms = tx.now_ms();
  return tx.put_subscription_state(s);
}

fhir::Result<bool> set_subscription_status(const WriteContext& ctx, fhir::store::WriteTxn& tx, std::string_view id,
                                           std::int64_t expected_version, std::string_view status,
                                           std::string_view error_text) {
  auto head = tx.head("Subscription", id);
  if (!head) return head.take_issue();
  if (!*head || (*head)->deleted || (*head)->version != expected_version) return false;
  auto state = tx.subscription_state(id);
  if (!state) return state.take_issue();
  if (!*state) return false;
  auto root = fhir::json::parse((*head)->json);
  if (!root) return root.take_issue();
  root->set("status", fhir::json::Value::make_string(std::string(status)));
  if (status == "error" && !error_text.empty())
    root->set("error", fhir::json::Value::make_string(std::string(error_text)));
  else
    root->erase("error");
  auto appended = append_derived(ctx, tx, std::move(*root), (*head)->label_key);
  if (!appended) return appended.take_issue();
  fhir::store::SubscriptionState s = **state;
  s.status = std::string(status);
  s.updated_ms = tx.now_ms();
  if (auto st = tx.put_subscription_state(s); !st) return st.take_issue();
  invalidate(ctx);
  return true;
}

}  // namespace gateway
