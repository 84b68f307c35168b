#include "consent/enforcement/linked_records.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace consent {
namespace {

// Union-find over member indexes: the groups are the connected components
// of the linked pairs.
class Components {
 public:
  std::size_t add(const std::string& id) {
    auto [it, fresh] = index_.try_emplace(id, parent_.size());
    if (fresh) parent_.push_back(parent_.size());
    return it->second;
  }
  void join(std::size_t a, std::size_t b) { parent_[root(a)] = root(b); }
  std::size_t root(std::size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  const std::unordered_map<std::string, std::size_t>& index() const { return index_; }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::size_t> parent_;
};

bool same_head(const fhir::store::VersionRecord& a, const fhir::store::VersionRecord& b) {
  return a.deleted == b.deleted && a.label_key == b.label_key && a.patients == b.patients;
}

// What the records keep of a version: no JSON (a Patient is kilobytes, and
// names need only labels and patients).
fhir::store::VersionRecord head_only(fhir::store::VersionRecord rec) {
  rec.json.clear();
  rec.json.shrink_to_fit();
  return rec;
}

}  // namespace

std::shared_ptr<const LinkedRecords> LinkedRecords::none() {
  static const std::shared_ptr<const LinkedRecords> kNone = std::make_shared<const LinkedRecords>();
  return kNone;
}

std::shared_ptr<const LinkedRecords> LinkedRecords::build(
    const std::vector<fhir::store::PatientLink>& pairs,
    std::unordered_map<std::string, fhir::store::VersionRecord> heads) {
  Components c;
  for (const auto& p : pairs) {
    if (p.state != "linked" || p.a == p.b) continue;
    const std::size_t a = c.add(p.a);
    const std::size_t b = c.add(p.b);
    c.join(a, b);
  }
  auto out = std::make_shared<LinkedRecords>();
  std::unordered_map<std::size_t, std::size_t> group_of_root;
  for (const auto& [id, i] : c.index()) {
    auto [it, fresh] = group_of_root.try_emplace(c.root(i), out->groups_.size());
    if (fresh) out->groups_.emplace_back();
    out->groups_[it->second].push_back(id);
  }
  for (std::size_t g = 0; g < out->groups_.size(); ++g) {
    auto& members = out->groups_[g];
    std::sort(members.begin(), members.end());
    for (const auto& m : members) {
      out->group_index_.emplace(m, g);
      if (auto h = heads.find(m); h != heads.end()) out->heads_.emplace(m, head_only(std::move(h->second)));
    }
  }
  return out;
}

std::string_view LinkedRecords::person_of(std::string_view patient) const {
  const auto* g = group_of(patient);
  return g != nullptr ? std::string_view(g->front()) : patient;
}

const std::vector<std::string>* LinkedRecords::group_of(std::string_view patient) const {
  if (group_index_.empty()) return nullptr;
  auto it = group_index_.find(patient);
  return it == group_index_.end() ? nullptr : &groups_[it->second];
}

const fhir::store::VersionRecord* LinkedRecords::head_of(std::string_view patient) const {
  if (heads_.empty()) return nullptr;
  auto it = heads_.find(patient);
  return it == heads_.end() ? nullptr : &it->second;
}

fhir::Status LinkFollower::load(fhir::store::Store& store) {
  loaded_ = false;
  auto changed = refresh(store, true);
  if (!changed) return changed.take_issue();
  return fhir::ok_status();
}

fhir::Result<bool> LinkFollower::refresh(fhir::store::Store& store, bool reread_heads) {
  // The generation and the last seq first: what is read after them is at
  // least as new, so a change racing this refresh is seen by the next one.
  auto generation = store.read_meta(fhir::store::kPatientLinkGenerationMeta);
  if (!generation) return generation.take_issue();
  auto last = store.last_seq();
  if (!last) return last.take_issue();
  const std::string now = generation->value_or("");
  const bool pairs_moved = !loaded_ || now != generation_;

  // Members written since the last refresh: their labels may have changed
  // (a new version from the source, or its deletion).
  std::vector<std::string> changed;
  if (!reread_heads && !records_->empty()) {
    std::set<std::string> seen;
    constexpr int kBatch = 1000;
    for (std::int64_t from = seq_; from < *last;) {
      auto batch = store.changes_since(from, kBatch);
      if (!batch) return batch.take_issue();
      if (batch->empty()) break;
      for (const auto& v : *batch)
        if (v.type == "Patient" && v.seq <= *last && records_->group_of(v.id) != nullptr && seen.insert(v.id).second)
          changed.push_back(v.id);
      from = batch->back().seq;
      if (batch->size() < static_cast<std::size_t>(kBatch)) break;
    }
  }
  if (!pairs_moved && changed.empty() && !reread_heads) {
    seq_ = *last;
    return false;
  }
  if (pairs_moved) {
    fhir::store::PatientLinkQuery q;
    q.state = "linked";
    auto pairs = store.list_patient_links(q);
    if (!pairs) return pairs.take_issue();
    pairs_ = std::move(*pairs);
  }
  const auto before = records_;
  if (auto st = rebuild(store, changed, reread_heads); !st) return st.take_issue();
  generation_ = now;
  seq_ = *last;
  loaded_ = true;
  if (pairs_moved) return true;
  // Only heads were read again: a change only if one of them differs.
  for (const auto& id : changed) {
    const auto* was = before->head_of(id);
    const auto* is = records_->head_of(id);
    if ((was == nullptr) != (is == nullptr) || (was != nullptr && !same_head(*was, *is))) return true;
  }
  return reread_heads;
}

fhir::Status LinkFollower::rebuild(fhir::store::Store& store, const std::vector<std::string>& changed,
                                   bool reread_all) {
  std::set<std::string> members;
  for (const auto& p : pairs_) {
    if (p.state != "linked") continue;
    members.insert(p.a);
    members.insert(p.b);
  }
  const std::set<std::string> stale(changed.begin(), changed.end());
  std::unordered_map<std::string, fhir::store::VersionRecord> heads;
  for (const auto& id : members) {
    const auto* known = records_->head_of(id);
    if (known != nullptr && !reread_all && stale.count(id) == 0) {
      heads.emplace(id, *known);
      continue;
    }
    auto head = store.read_head("Patient", id);
    if (!head) return head.take_issue();
    if (*head) heads.emplace(id, std::move(**head));
  }
  records_ = LinkedRecords::build(pairs_, std::move(heads));
  return fhir::ok_status();
}

}  // namespace consent
