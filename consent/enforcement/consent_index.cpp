#include "consent/enforcement/consent_index.hpp"

#include <limits>
#include <set>
#include <utility>

#include "fhir/json/parse.hpp"
#include "fhir/store/store.hpp"

namespace consent {
namespace {

// The current version of Consent/id compiled, or null when there is none
// (deleted, never stored, or not a Consent the engine can read).
fhir::Result<std::shared_ptr<const CompiledConsent>> load_consent(fhir::store::Store& store, const std::string& id) {
  auto rec = store.read_head("Consent", id);
  if (!rec) return rec.take_issue();
  if (!*rec || (*rec)->deleted) return std::shared_ptr<const CompiledConsent>();
  auto json = fhir::json::parse((*rec)->json);
  if (!json) return std::shared_ptr<const CompiledConsent>();
  auto compiled = compile_consent(*json, id, (*rec)->version);
  if (!compiled) return std::shared_ptr<const CompiledConsent>();
  return std::make_shared<const CompiledConsent>(std::move(*compiled));
}

void actor_references(const Provision& p, std::set<std::string>& out) {
  for (const auto& a : p.actors)
    if (!a.reference.empty()) out.insert(a.reference);
  for (const auto& c : p.children) actor_references(c, out);
}

std::vector<Identifier> identifiers_in(const fhir::json::Value& resource) {
  std::vector<Identifier> out;
  const fhir::json::Value* ids = resource.find("identifier");
  if (ids == nullptr || !ids->is_array()) return out;
  for (const auto& i : ids->items())
    if (i.is_object() && !i.string_at("value").empty())
      out.push_back({std::string(i.string_at("system")), std::string(i.string_at("value"))});
  return out;
}

bool same_identifiers(const std::unordered_map<std::string, std::vector<Identifier>>& a,
                      const std::unordered_map<std::string, std::vector<Identifier>>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [ref, ids] : a) {
    auto it = b.find(ref);
    if (it == b.end() || it->second.size() != ids.size()) return false;
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (ids[i].system != it->second[i].system || ids[i].value != it->second[i].value) return false;
  }
  return true;
}

std::uint64_t next_instance() {
  static std::atomic<std::uint64_t> counter{0};
  return ++counter;
}

}  // namespace

std::span<const CompiledConsent* const> ConsentIndex::Snapshot::consents_of(std::string_view patient) const {
  auto it = by_patient.find(patient);
  if (it == by_patient.end()) return {};
  return it->second;
}

const std::vector<Identifier>* ConsentIndex::Snapshot::identifiers_of(std::string_view reference) const {
  auto it = identifiers.find(std::string(reference));
  return it == identifiers.end() ? nullptr : &it->second;
}

ConsentIndex::ConsentIndex() : snapshot_(std::make_shared<const Snapshot>()), instance_(next_instance()) {}

bool ConsentIndex::affects(std::string_view type) {
  // Patient: a linked record's new version may change its labels, which
  // decide whether another record may name it (Patient.link).
  return type == "Consent" || type == "Organization" || type == "Practitioner" || type == "PractitionerRole" ||
         type == "Patient";
}

std::shared_ptr<const ConsentIndex::Snapshot> ConsentIndex::snapshot() const {
  struct Seen {
    std::uint64_t index = 0;
    std::shared_ptr<const Snapshot> snapshot;
  };
  thread_local Seen seen;
  const std::uint64_t published = published_.load(std::memory_order_acquire);
  if (seen.index != instance_ || !seen.snapshot || seen.snapshot->generation != published) {
    std::lock_guard lock(mu_);
    seen.index = instance_;
    seen.snapshot = snapshot_;
  }
  return seen.snapshot;
}

fhir::Status ConsentIndex::load_all(fhir::store::Store& store, const std::vector<std::string>& organizations) {
  std::lock_guard refresh(refresh_mu_);
  fhir::store::SearchSpec spec;
  spec.types = {"Consent"};
  spec.limit = std::numeric_limits<std::int64_t>::max();
  auto hits = store.search(spec);
  if (!hits) return hits.take_issue();
  ById by_id;
  for (const auto& h : *hits) {
    auto c = load_consent(store, h.id);
    if (!c) return c.take_issue();
    if (*c) by_id.emplace(h.id, std::move(*c));
  }
  auto identifiers = read_identifiers(store, by_id, organizations);
  if (!identifiers) return identifiers.take_issue();
  if (auto st = links_.load(store); !st) return st;
  publish(std::move(by_id), std::move(*identifiers), links_.records());
  return fhir::ok_status();
}

fhir::Status ConsentIndex::refresh(fhir::store::Store& store, const std::vector<std::string>& consent_ids,
                                   const std::vector<std::string>& organizations) {
  std::lock_guard refresh(refresh_mu_);
  const auto current = snapshot();
  ById by_id = current->by_id;
  for (const auto& id : consent_ids) {
    auto c = load_consent(store, id);
    if (!c) return c.take_issue();
    if (*c)
      by_id[id] = std::move(*c);
    else
      by_id.erase(id);
  }
  auto identifiers = read_identifiers(store, by_id, organizations);
  if (!identifiers) return identifiers.take_issue();
  // Last of what can fail: the follower's state moves only with a snapshot
  // that is then published.
  auto links_changed = links_.refresh(store);
  if (!links_changed) return links_changed.take_issue();
  // Nothing moved (a Patient written that is linked to nothing, say): the
  // snapshot stays, and with it the paging cursors bound to its generation.
  if (consent_ids.empty() && !*links_changed && same_identifiers(*identifiers, current->identifiers))
    return fhir::ok_status();
  publish(std::move(by_id), std::move(*identifiers), links_.records());
  return fhir::ok_status();
}

fhir::Status ConsentIndex::relabeled(fhir::store::Store& store) {
  std::lock_guard refresh(refresh_mu_);
  auto changed = links_.refresh(store, true);
  if (!changed) return changed.take_issue();
  if (!*changed) return fhir::ok_status();
  const auto current = snapshot();
  publish(current->by_id, current->identifiers, links_.records());
  return fhir::ok_status();
}

fhir::Result<ConsentIndex::Identifiers> ConsentIndex::read_identifiers(
    fhir::store::Store& store, const ById& by_id, const std::vector<std::string>& organizations) const {
  Identifiers out;
  std::set<std::string> refs(organizations.begin(), organizations.end());
  for (const auto& [id, c] : by_id) actor_references(c->root, refs);
  for (const auto& ref : refs) {
    const auto slash = ref.find('/');
    if (slash == std::string::npos) continue;
    auto rec = store.read_head(std::string_view(ref).substr(0, slash), std::string_view(ref).substr(slash + 1));
    if (!rec) return rec.take_issue();
    if (!*rec || (*rec)->deleted) continue;
    auto json = fhir::json::parse((*rec)->json);
    if (json) out.emplace(ref, identifiers_in(*json));
  }
  return out;
}

void ConsentIndex::publish(ById by_id, Identifiers identifiers, std::shared_ptr<const LinkedRecords> links) {
  auto next = std::make_shared<Snapshot>();
  next->links = std::move(links);
  for (const auto& [id, c] : by_id) {
    next->any_needs_content = next->any_needs_content || (c->active && c->needs_content);
    if (c->patient_id.empty()) continue;
    const std::string_view person = next->links->person_of(c->patient_id);
    if (person == c->patient_id) {
      next->by_patient[c->patient_id].push_back(c.get());
      continue;
    }
    // About a record linked to others: the engine matches a consent to a
    // resource's patient by id, so the person's copy names the person key.
    auto copy = std::make_shared<CompiledConsent>(*c);
    copy->patient_id = std::string(person);
    next->by_patient[copy->patient_id].push_back(copy.get());
    next->person_copies.push_back(std::move(copy));
  }
  next->identifiers = std::move(identifiers);
  next->by_id = std::move(by_id);
  next->generation = ++generation_;
  const std::uint64_t generation = next->generation;
  std::lock_guard lock(mu_);
  snapshot_ = std::move(next);
  published_.store(generation, std::memory_order_release);
}

}  // namespace consent
