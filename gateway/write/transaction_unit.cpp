#include "gateway/write/transaction_unit.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "consent/labels/label_output.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/json_patch.hpp"
#include "gateway/write/check.hpp"
#include "gateway/write/criteria.hpp"
#include "gateway/write/flag_step.hpp"
#include "gateway/write/label_stage.hpp"
#include "gateway/write/map_stage.hpp"
#include "gateway/write/reference_rewriter.hpp"
#include "gateway/write/search_index.hpp"
#include "gateway/write/subscription_step.hpp"

namespace gateway {
namespace {

using fhir::store::WriteTxn;

int phase_of(EntryMethod m) {
  switch (m) {
    case EntryMethod::remove: return 0;
    case EntryMethod::post: return 1;
    case EntryMethod::put:
    case EntryMethod::patch: return 2;
    case EntryMethod::get: return 3;
  }
  return 3;
}

fhir::Issue multiple_matches() {
  return fhir::make_issue(fhir::err::kVersionConflict,
                          "The criteria match more than one resource");
}

class TransactionRun {
 public:
  TransactionRun(WritePlan& plan, std::vector<EntryOutcome>& out, WriteTxn& tx, const WriteContext& ctx)
      : plan_(plan), out_(out), tx_(tx), ctx_(ctx), in_bundle_(plan.kind != PlanKind::single) {}

  fhir::Status run() {
    out_.assign(plan_.entries.size(), EntryOutcome{});
    std::vector<std::size_t> order(plan_.entries.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return phase_of(plan_.entries[a].method) < phase_of(plan_.entries[b].method);
    });
    auto deletes_end = std::partition_point(order.begin(), order.end(), [&](std::size_t i) {
      return plan_.entries[i].method == EntryMethod::remove;
    });
    // DELETEs resolve and store first, so the conditional creates and
    // updates after them match against the store as the deletes left it
    // (R4 order: a delete then a create by the same criteria creates).
    for (auto it = order.begin(); it != deletes_end; ++it)
      if (auto st = resolve_target(plan_.entries[*it], out_[*it]); !st) return fail(plan_.entries[*it], st);
    for (auto it = order.begin(); it != deletes_end; ++it)
      if (auto st = store_entry(plan_.entries[*it], out_[*it]); !st) return fail(plan_.entries[*it], st);
    // resolve: every other target and fullUrl before any is stored, so
    // references can be rewritten, forward ones included.
    for (auto it = deletes_end; it != order.end(); ++it)
      if (auto st = resolve_target(plan_.entries[*it], out_[*it]); !st) return fail(plan_.entries[*it], st);
    if (auto st = check_overlaps(); !st) return st;
    for (std::size_t i : order) {
      PlannedEntry& e = plan_.entries[i];
      if (!e.full_url.empty() && !e.id.empty()) refs_[e.full_url] = e.type + "/" + e.id;
    }
    // store: in R4 order.
    for (auto it = deletes_end; it != order.end(); ++it)
      if (auto st = store_entry(plan_.entries[*it], out_[*it]); !st) return fail(plan_.entries[*it], st);
    // map, once per unit: the flags of every patient whose care facts the
    // entries changed, over all of them (a Bundle of a year of visits
    // evaluates each patient once, not once per visit).
    return refresh_flags(ctx_, tx_, touched_);
  }

 private:
  fhir::Status fail(const PlannedEntry& e, fhir::Status& st) {
    return entry_issue(e, st.take_issue(), in_bundle_);
  }

  // R4 transaction rules: if any resource identities (including resolved
  // identities from conditional update/delete) overlap in the DELETE, POST
  // and PUT/PATCH steps, the transaction SHALL fail. The later entry of a
  // pair (in Bundle order) is the one named.
  fhir::Status check_overlaps() {
    std::set<std::pair<std::string, std::string>> seen;
    for (const PlannedEntry& e : plan_.entries) {
      if (e.method == EntryMethod::get || existing_.count(&e) || no_match_.count(&e)) continue;
      if (seen.emplace(e.type, e.id).second) continue;
      fhir::Status st = fhir::make_issue(
          fhir::err::kInvalidRequest, "Another entry of this transaction also writes " + e.type + "/" + e.id);
      return fail(e, st);
    }
    return fhir::ok_status();
  }

  // Matches in the store plus entries of this plan that will create or
  // update a matching resource.
  fhir::Result<std::vector<std::string>> matches(const Criteria& c) {
    auto found = find_matches(tx_, ctx_, c, 2);
    if (!found) return found;
    for (auto& e : plan_.entries) {
      if (!e.resource || e.type != c.type || e.id.empty()) continue;
      if (std::find(found->begin(), found->end(), e.id) != found->end()) continue;
      if (criteria_match(ctx_, c, e.resource->root(), tx_.now_ms())) found->push_back(e.id);
    }
    return found;
  }

  fhir::Status resolve_target(PlannedEntry& e, EntryOutcome& o) {
    o.type = e.type;
    if (e.failed) return *e.failed;
    if (e.criteria.empty() || e.method == EntryMethod::get) return fhir::ok_status();
    auto c = parse_criteria(ctx_, e.type, e.criteria);
    if (!c) return c.take_issue();
    if (plan_.may_search)
      if (auto st = plan_.may_search(c->type, c->query); !st) return st;
    auto found = find_matches(tx_, ctx_, *c, 2);  // the store as it is, not this plan
    if (!found) return found.take_issue();
    if (found->size() > 1) return multiple_matches();
    switch (e.method) {
      case EntryMethod::post:  // conditional create: an existing match wins
        if (found->size() == 1) {
          e.id = found->front();
          existing_.insert(&e);
        }
        break;
      case EntryMethod::put:  // conditional update
        if (found->empty()) {
          e.id = e.resource->has_id() ? std::string(e.resource->id()) : fhir::new_resource_id();
        } else {
          if (e.resource->has_id() && e.resource->id() != found->front())
            return fhir::make_issue(fhir::err::kIdMismatch,
                                    "The resource id differs from the resource the criteria match");
          e.id = found->front();
        }
        e.resource->set_id(e.id);
        break;
      case EntryMethod::patch:
        if (found->empty()) return fhir::make_issue(fhir::err::kNotFound, "The criteria match no resource");
        e.id = found->front();
        break;
      case EntryMethod::remove:
        if (found->empty()) no_match_.insert(&e);
        else e.id = found->front();
        break;
      case EntryMethod::get: break;
    }
    return fhir::ok_status();
  }

  fhir::Result<std::string> resolve_conditional(std::string_view ref) {
    std::string key(ref);
    if (auto it = conditional_cache_.find(key); it != conditional_cache_.end()) return it->second;
    auto c = parse_conditional_url(ctx_, ref);
    if (!c) return c.take_issue();
    // Also references already stored as sent, which a PATCH resolves.
    if (plan_.may_search)
      if (auto st = plan_.may_search(c->type, c->query); !st) return st.take_issue();
    auto found = matches(*c);
    if (!found) return found.take_issue();
    if (found->empty())
      return fhir::make_issue(fhir::err::kInvalidResource,
                              "A conditional reference matches no resource");
    if (found->size() > 1) return multiple_matches();
    std::string resolved = c->type + "/" + found->front();
    conditional_cache_.emplace(std::move(key), resolved);
    return resolved;
  }

  fhir::Status check_if_match(const PlannedEntry& e, const std::optional<fhir::store::VersionRecord>& head) {
    if (!e.if_match) return fhir::ok_status();
    if (!head || head->deleted || head->version != *e.if_match)
      return fhir::make_issue(fhir::err::kVersionConflict,
                              "If-Match names version " + std::to_string(*e.if_match) +
                                  ", which is not the current version");
    return fhir::ok_status();
  }

  fhir::Status store_entry(PlannedEntry& e, EntryOutcome& o) {
    o.id = e.id;
    if (e.method == EntryMethod::get) return read_entry(e, o);
    if (e.method == EntryMethod::remove && no_match_.count(&e)) {
      o.status = 204;
      return fhir::ok_status();
    }
    auto head = tx_.head(e.type, e.id);
    if (!head) return head.take_issue();
    if (auto st = check_if_match(e, *head); !st) return st;
    const bool live = *head && !(*head)->deleted;
    // What the map stage derives is the gateway's to write: a client writes
    // the data it came from (the QuestionnaireResponse), never the score.
    if ((live && is_derived_json((*head)->json)) || (e.resource && is_derived(e.resource->root())))
      return fhir::make_issue(fhir::err::kConflict,
                              "Derived by the gateway (meta.tag urn:carebridge:derived): write the data it "
                              "was derived from instead");

    if (existing_.count(&e)) {  // conditional create matched: nothing written
      o.status = 200;
      o.version = (*head)->version;
      o.last_updated_ms = (*head)->last_updated_ms;
      o.json = presented((*head)->json, (*head)->label_key);
      return fhir::ok_status();
    }

    fhir::store::NewVersion v;
    v.type = e.type;
    v.id = e.id;
    v.version = *head ? (*head)->version + 1 : 1;
    switch (e.method) {
      case EntryMethod::remove:
        if (!live) {
          // R4 http.html#delete: deleting what is already deleted, or never
          // existed, changes nothing and succeeds.
          o.status = 204;
          o.version = *head ? (*head)->version : 0;
          return fhir::ok_status();
        }
        v.deleted = true;
        v.method = "DELETE";
        break;
      case EntryMethod::post:
        if (*head) return fhir::make_issue(fhir::err::kConflict, "A resource with this id already exists");
        v.method = "POST";
        break;
      case EntryMethod::put:
        v.method = "PUT";
        break;
      case EntryMethod::patch: {
        if (!*head) return fhir::make_issue(fhir::err::kNotFound, "No resource with this id");
        if (!live) return fhir::make_issue(fhir::err::kGone, "This resource has been deleted");
        auto patched = apply_patch(e, (*head)->json);
        if (!patched) return patched.take_issue();
        e.resource = std::move(*patched);
        v.method = "PATCH";
        break;
      }
      case EntryMethod::get: break;
    }

    v.last_updated_ms = tx_.now_ms();
    fhir::search::IndexValues index, replaced;
    if (!v.deleted) {
      fhir::Resource& r = *e.resource;
      // resolve: in a Bundle, fullUrls and conditional references become
      // Type/id. A single write keeps its references as sent, and so does a
      // Bundle resource stored as an entry (a document's references are data).
      if (in_bundle_ && r.type() != "Bundle") {
        auto st = rewrite_references(r.root(), refs_, [this](std::string_view ref) {
          return resolve_conditional(ref);
        });
        if (!st) return st;
      }
      r.stamp_version(v.version, fhir::format_instant(v.last_updated_ms));
      v.json = r.to_json();
      v.patient_compartment = ctx_.compartment->patients_of(r);
      if (auto st = label_version(ctx_, tx_, r, plan_.part2_source, v); !st) return st;
      index = index_values(ctx_, r);
      v.index = &index;
    }
    // The rows of the version being replaced go in the same commit; a first
    // version (most writes of an ingest) has none to remove.
    if (live) {
      auto old = index_values_of(ctx_, (*head)->json);
      if (!old) return old.take_issue();
      replaced = std::move(*old);
      v.replaced_index = &replaced;
    }
    auto seq = tx_.append(v);
    if (!seq) return seq.take_issue();
    // map: what the gateway derives from this version, in the same commit;
    // side effects only, so the outcome below still names this entry alone.
    if (auto st = map_version(ctx_, tx_, v, *seq, v.deleted ? nullptr : &*e.resource, plan_.source_org, touched_);
        !st)
      return st;
    if (v.type == "Subscription")
      if (auto st = keep_subscription_state(ctx_, tx_, v, v.deleted ? nullptr : &*e.resource, plan_); !st) return st;
    o.status = e.method == EntryMethod::remove ? 204 : (!live ? 201 : 200);
    o.version = v.version;
    for (const std::string& p : v.patient_compartment) o.patients += o.patients.empty() ? p : " " + p;
    o.seq = *seq;
    o.deleted = v.deleted;
    o.last_updated_ms = v.last_updated_ms;
    if (plan_.keep_written) o.json = presented(v.json, v.label_key);
    return fhir::ok_status();
  }

  // PATCH: the patched resource passes the same checks as an update.
  fhir::Result<fhir::Resource> apply_patch(const PlannedEntry& e, const std::string& current) {
    auto r = fhir::Resource::parse(current);
    if (!r) return r.take_issue();
    if (auto st = fhir::json::apply_patch(r->root(), *e.patch); !st) return st.take_issue();
    auto patched = fhir::Resource::from_value(std::move(r->root()));
    if (!patched) return patched.take_issue();
    if (auto st = check_identity(*patched, e.type, e.id, true); !st) return st.take_issue();
    if (auto st = validate_resource(*patched, ctx_); !st) return st.take_issue();
    return patched;
  }

  fhir::Status read_entry(const PlannedEntry& e, EntryOutcome& o) {
    if (e.id.empty()) {
      // A search: run after the plan, on the storage pool, like GET search.
      o.status = 200;
      o.read = true;
      o.search = e.criteria;
      return fhir::ok_status();
    }
    if (!e.criteria.empty())
      return fhir::make_issue(fhir::err::kInvalidRequest, "A GET entry reads Type/id or searches Type?query");
    // read, or vread of any version (Type/id/_history/vid).
    fhir::Result<std::optional<fhir::store::VersionRecord>> found = std::optional<fhir::store::VersionRecord>{};
    if (e.vid.empty()) {
      found = tx_.head(e.type, e.id);
    } else {
      std::int64_t vid = 0;
      auto [end, ec] = std::from_chars(e.vid.data(), e.vid.data() + e.vid.size(), vid);
      if (ec == std::errc() && end == e.vid.data() + e.vid.size()) found = tx_.version(e.type, e.id, vid);
    }
    if (!found) return found.take_issue();
    o.read = true;
    if (*found) o.found = **found;  // for the audit trail, served or not
    // A version the requester may not see is answered as if there were none.
    if (!*found || (plan_.may_read && !plan_.may_read(**found)))
      return fhir::make_issue(fhir::err::kNotFound, "No such resource or version");
    if ((*found)->deleted) return fhir::make_issue(fhir::err::kGone, "This resource has been deleted");
    o.status = 200;
    o.version = (*found)->version;
    o.last_updated_ms = (*found)->last_updated_ms;
    o.json = presented((*found)->json, (*found)->label_key);
    if (plan_.redact)
      if (auto redacted = plan_.redact(**found, o.json)) o.json = std::move(*redacted);
    if (ctx_.notice != nullptr && consent::is_part2_key((*found)->label_key)) o.notice = ctx_.notice->text;
    return fhir::ok_status();
  }

  // A resource as the answer carries it: with its labels (present.hpp).
  std::string presented(const std::string& json, const std::string& label_key) const {
    if (ctx_.notice == nullptr || json.empty()) return json;
    return consent::render_labeled(json, label_key, *ctx_.notice);
  }

  WritePlan& plan_;
  std::vector<EntryOutcome>& out_;
  WriteTxn& tx_;
  const WriteContext& ctx_;
  const bool in_bundle_;
  ReferenceMap refs_;
  // Patients whose care facts this unit changed (map_stage.hpp).
  std::set<std::string> touched_;
  std::map<std::string, std::string> conditional_cache_;
  std::set<const PlannedEntry*> existing_;  // conditional creates that matched
  std::set<const PlannedEntry*> no_match_;  // conditional deletes that matched nothing
};

}  // namespace

fhir::store::WriteUnit transaction_unit(std::shared_ptr<WritePlan> plan,
                                        std::shared_ptr<std::vector<EntryOutcome>> outcomes,
                                        const WriteContext* ctx) {
  return [plan = std::move(plan), outcomes = std::move(outcomes), ctx](WriteTxn& tx) {
    return TransactionRun(*plan, *outcomes, tx, *ctx).run();
  };
}

std::vector<std::shared_ptr<WritePlan>> split_batch(WritePlan&& plan) {
  std::vector<std::shared_ptr<WritePlan>> out;
  // Each one-entry plan keeps everything the batch says about its entries
  // (guards, the source's Part 2 flag, ...): copied whole, so a setting
  // added to WritePlan later cannot be dropped here.
  std::vector<PlannedEntry> entries = std::move(plan.entries);
  plan.entries.clear();
  for (auto& e : entries) {
    auto one = std::make_shared<WritePlan>(plan);
    one->kind = PlanKind::batch;
    one->entries.push_back(std::move(e));
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace gateway
