#include "consent/enforcement/disclosure_filter.hpp"

#include <algorithm>
#include <utility>

#include "consent/enforcement/subscription_owner.hpp"
#include "consent/labels/label_key.hpp"
#include "fhir/json/parse.hpp"

namespace consent {

std::vector<std::string> split_patients(std::string_view patients) {
  std::vector<std::string> out;
  while (!patients.empty()) {
    const auto space = patients.find(' ');
    if (space != 0) out.emplace_back(patients.substr(0, space));
    if (space == std::string_view::npos) break;
    patients.remove_prefix(space + 1);
  }
  return out;
}

DisclosureFilter::DisclosureFilter(const DecisionEngine& engine, Requester requester,
                                   std::shared_ptr<const ConsentIndex::Snapshot> consents,
                                   const TypeVisibility& types, std::int64_t now_ms)
    : engine_(engine), requester_(std::move(requester)), consents_(std::move(consents)), types_(types), now_ms_(now_ms) {
  if (const auto* ids = consents_->identifiers_of(requester_.organization); ids != nullptr)
    requester_.organization_identifiers = *ids;
  if (!requester_.user.empty())
    if (const auto* ids = consents_->identifiers_of(requester_.user); ids != nullptr)
      requester_.user_identifiers.insert(requester_.user_identifiers.end(), ids->begin(), ids->end());
}

std::vector<Identifier> DisclosureFilter::identifiers_of(std::string_view reference) const {
  const auto* ids = consents_->identifiers_of(reference);
  return ids != nullptr ? *ids : std::vector<Identifier>{};
}

bool DisclosureFilter::subscription_reader(std::string_view id) const {
  if (owns_subscription(requester_.client_id, id)) return true;
  const auto& roles = types_.subscription_reader_roles;
  return std::find(roles.begin(), roles.end(), requester_.role) != roles.end();
}

bool DisclosureFilter::consent_reader() const {
  const auto& roles = types_.consent_reader_roles;
  return std::find(roles.begin(), roles.end(), requester_.role) != roles.end();
}

ResourceFacts DisclosureFilter::facts(const Row& row) const {
  ResourceFacts f;
  f.type = std::string(row.type);
  f.id = std::string(row.id);
  f.patients = persons_of(row.patients);
  // Decoded label keys, kept per thread across requests (pure, and few
  // distinct ones): a bounded cache, emptied when it grows past its size.
  thread_local std::unordered_map<std::string, LabelSet, TextHash, std::equal_to<>> decoded;
  auto it = decoded.find(row.label_key);
  if (it == decoded.end()) {
    if (decoded.size() >= 4096) decoded.clear();
    it = decoded.emplace(std::string(row.label_key), decode_label_key(row.label_key)).first;
  }
  f.labels = it->second;
  return f;
}

std::vector<const CompiledConsent*> DisclosureFilter::consents_about(const std::vector<std::string>& patients) const {
  std::vector<const CompiledConsent*> out;
  for (const auto& p : patients) {
    auto c = consents_->consents_of(p);
    out.insert(out.end(), c.begin(), c.end());
  }
  return out;
}

fhir::store::RowFilter::Row DisclosureFilter::row_of(const fhir::store::VersionRecord& rec, bool with_json) {
  return Row{rec.type, rec.id, rec.label_key, rec.patients, with_json ? std::string_view(rec.json) : std::string_view()};
}

Verdict DisclosureFilter::verdict(const Row& row, const LabelSet* extra) const {
  ResourceFacts f = facts(row);
  if (extra != nullptr) f.labels.add_all(*extra);
  const std::vector<const CompiledConsent*> relevant = consents_about(f.patients);
  Verdict v = engine_.evaluate(requester_, f, relevant, *this, now_ms_);
  if (v.effect == Effect::needs_content && !row.json.empty()) {
    auto content = fhir::json::parse(row.json);
    if (content) {
      f.content = &*content;
      v = engine_.evaluate(requester_, f, relevant, *this, now_ms_);
    }
  }
  // Content that cannot be read is never disclosed on a guess.
  if (v.effect == Effect::needs_content) v.effect = Effect::deny;
  return v;
}

std::vector<std::string> DisclosureFilter::persons_of(std::string_view patients) const {
  std::vector<std::string> out = split_patients(patients);
  if (consents_->links->empty()) return out;
  // Records linked as one person are decided as that person (one patient
  // to the engine, with all the person's consents), once.
  for (auto& p : out) p = std::string(consents_->person_of(p));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> DisclosureFilter::linked_records(std::string_view patient) const {
  std::vector<std::string> out;
  const auto& links = *consents_->links;
  const auto* group = links.group_of(patient);
  if (group == nullptr) return out;
  for (const auto& other : *group) {
    if (other == patient) continue;
    const auto* head = links.head_of(other);
    // Deleted, or never stored: nothing to point at. Withheld from this
    // requester: naming it would tell that it exists.
    if (head == nullptr || head->deleted || !may_receive(*head)) continue;
    out.push_back(other);
  }
  return out;
}

bool DisclosureFilter::any_consents(std::string_view patients) const {
  while (!patients.empty()) {
    const auto space = patients.find(' ');
    const std::string_view p = patients.substr(0, space);
    if (!p.empty() && consents_->has_consents(consents_->person_of(p))) return true;
    if (space == std::string_view::npos) break;
    patients.remove_prefix(space + 1);
  }
  return false;
}

bool DisclosureFilter::visible(const Row& row) const {
  // Consents go to the roles that keep and review them, and only to them:
  // whose consents say what is itself sensitive.
  if (row.type == "Consent") return consent_reader();
  // A Subscription goes to its owner (subscription_owner.hpp) and the
  // roles that administer the gateway; it is no patient's data.
  if (row.type == "Subscription") return subscription_reader(row.id);
  // Unlabeled patient data (never relabeled) is withheld, not guessed at.
  if (row.label_key.empty() && !row.patients.empty()) return false;
  const bool memoable = memo_key(row);
  if (memoable) {
    if (auto it = memo_.find(key_buffer_); it != memo_.end()) {
      if (it->second.permit && it->second.break_glass) break_glass_.fetch_add(1, std::memory_order_relaxed);
      return it->second.permit;
    }
  }
  const Verdict v = verdict(row, nullptr);
  const bool permit = v.effect == Effect::permit;
  if (permit && v.break_glass) break_glass_.fetch_add(1, std::memory_order_relaxed);
  if (memoable) memo_.emplace(key_buffer_, Memo{permit, v.break_glass, basis_of(v)});
  return permit;
}

bool DisclosureFilter::memo_key(const Row& row) const {
  // Without consents about its patients, a row's decision depends on its
  // type and labels (and whether it is patient data) only: one memo entry
  // serves every such patient. With consents, the patients are part of
  // the key, unless some consent reads resource content (no memo then).
  const bool consents = any_consents(row.patients);
  if (consents && consents_->any_needs_content) return false;
  // One buffer for every row's key: no allocation once it has grown.
  std::string& key = key_buffer_;
  key.assign(row.type).append(1, '\x1f');
  if (consents)
    key.append(row.patients);
  else
    key.append(row.patients.empty() ? "-" : "+");
  key.append(1, '\x1f').append(row.label_key);
  return true;
}

std::string DisclosureFilter::basis_of(const Verdict& v) {
  if (v.consent != nullptr) {
    std::string out = consent_label(*v.consent);
    if (v.provision != nullptr) out += " " + v.provision->path;
    return out;
  }
  return v.rule != nullptr ? "policy:" + v.rule->id : std::string("policy:none");
}

bool DisclosureFilter::may_receive(const fhir::store::VersionRecord& rec) const {
  return visible(row_of(rec, wants_content()));
}

bool DisclosureFilter::may_receive_with(const fhir::store::VersionRecord& rec, const LabelSet& extra) const {
  if (rec.type == "Consent") return consent_reader();
  if (rec.type == "Subscription") return subscription_reader(rec.id);
  return verdict(row_of(rec, true), &extra).effect == Effect::permit;
}

std::string DisclosureFilter::basis(const fhir::store::VersionRecord& rec) const {
  if (rec.type == "Consent") return "policy:consent-readers";
  if (rec.type == "Subscription") return "policy:subscription-owner";
  const Row row = row_of(rec, true);
  // The read or the search that let rec out decided it already: the memo
  // holds what decided it (basis_of), unless content mattered.
  if (row.label_key.empty() && !row.patients.empty()) return basis_of(verdict(row, nullptr));
  if (memo_key(row))
    if (auto it = memo_.find(key_buffer_); it != memo_.end()) return it->second.basis;
  return basis_of(verdict(row, nullptr));
}

Decision DisclosureFilter::explain(const fhir::store::VersionRecord& rec) const {
  if (rec.type == "Consent") {
    Decision d;
    d.effect = consent_reader() ? Effect::permit : Effect::deny;
    d.basis = "policy:consent-readers";
    d.notes.push_back("Consent resources go to the roles the policy names (consent_reader_roles), and only to them");
    return d;
  }
  if (rec.type == "Subscription") {
    Decision d;
    d.effect = subscription_reader(rec.id) ? Effect::permit : Effect::deny;
    d.basis = "policy:subscription-owner";
    d.notes.push_back("A Subscription goes to the client that created it (and to administrators), and only to them");
    return d;
  }
  ResourceFacts f = facts(row_of(rec, true));
  auto content = fhir::json::parse(rec.json);
  if (content) f.content = &*content;
  const std::vector<const CompiledConsent*> relevant = consents_about(f.patients);
  return engine_.decide(requester_, f, relevant, *this, now_ms_);
}

}  // namespace consent
