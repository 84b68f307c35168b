#include "gateway/write/derived_append.hpp"

#include <utility>

#include "consent/labels/label_key.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/resource/resource.hpp"
#include "gateway/write/care_facts_step.hpp"
#include "gateway/write/check.hpp"
#include "gateway/write/label_stage.hpp"
#include "gateway/write/search_index.hpp"
#include "gateway/write/subscription_matcher.hpp"

namespace gateway {

using fhir::json::Value;

fhir::Result<Appended> append_derived(const WriteContext& ctx, fhir::store::WriteTxn& tx, Value root,
                                      const std::string& inherited, std::string_view source,
                                      std::set<std::string>* touched) {
  auto parsed = fhir::Resource::from_value(std::move(root));
  if (!parsed) return parsed.take_issue();
  fhir::Resource& r = *parsed;
  auto head = tx.head(r.type(), r.id());
  if (!head) return head.take_issue();
  const bool live = *head && !(*head)->deleted;
  fhir::store::NewVersion v;
  v.type = r.type();
  v.id = r.id();
  v.version = *head ? (*head)->version + 1 : 1;
  v.method = "PUT";
  v.last_updated_ms = tx.now_ms();
  r.stamp_version(v.version, fhir::format_instant(v.last_updated_ms));
  // What the gateway writes must meet the rules a client's write meets; a
  // failure is our bug, and fails the transaction rather than store it.
  if (auto st = validate_resource(r, ctx); !st)
    return fhir::make_issue(fhir::err::kInternal,
                            "The " + v.type + " derived by the gateway is invalid: " + st.issue().diagnostics,
                            st.issue().expression);
  v.json = r.to_json();
  v.patient_compartment = ctx.compartment->patients_of(r);
  if (auto st = label_version(ctx, tx, r, false, v); !st) return st.take_issue();
  if (ctx.labels != nullptr && !inherited.empty()) {
    auto labels = consent::decode_label_key(v.label_key);
    labels.add_all(consent::decode_label_key(inherited));
    v.label_key = consent::encode_label_key(labels);
  }
  auto index = index_values(ctx, r);
  v.index = &index;
  fhir::search::IndexValues replaced;
  if (live) {
    auto old = index_values_of(ctx, (*head)->json);
    if (!old) return old.take_issue();
    replaced = std::move(*old);
    v.replaced_index = &replaced;
  }
  auto seq = tx.append(v);
  if (!seq) return seq.take_issue();
  // What the gateway derives reaches subscribers like what sources send.
  if (ctx.subscriptions != nullptr)
    if (auto st = ctx.subscriptions->queue_matches(ctx, tx, v, *seq, r.root()); !st) return st.take_issue();
  // Its own facts (a score, a flag), but no flags recomputed from them:
  // what the gateway derives never derives more.
  auto facts = store_care_facts(ctx, tx, v.type, v.id, &r.root(), source);
  if (!facts) return facts.take_issue();
  if (touched != nullptr) touched->insert(facts->begin(), facts->end());
  return Appended{v.version, v.label_key};
}

// Deletes a derived resource if it is live; the delete is a version, so
// history keeps what was derived.
fhir::Status delete_derived(const WriteContext& ctx, fhir::store::WriteTxn& tx, std::string_view type,
                            const std::string& id, std::set<std::string>* touched) {
  auto head = tx.head(type, id);
  if (!head) return head.take_issue();
  if (!*head || (*head)->deleted) return fhir::ok_status();
  fhir::store::NewVersion v;
  v.type = std::string(type);
  v.id = id;
  v.version = (*head)->version + 1;
  v.deleted = true;
  v.method = "DELETE";
  v.last_updated_ms = tx.now_ms();
  auto old = index_values_of(ctx, (*head)->json);
  if (!old) return old.take_issue();
  v.replaced_index = &*old;
  auto seq = tx.append(v);
  if (!seq) return seq.take_issue();
  auto facts = store_care_facts(ctx, tx, v.type, v.id, nullptr, "");
  if (!facts) return facts.take_issue();
  if (touched != nullptr) touched->insert(facts->begin(), facts->end());
  return fhir::ok_status();
}

}  // namespace gateway
