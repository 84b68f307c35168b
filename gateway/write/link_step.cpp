#include "gateway/write/link_step.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "gateway/write/criteria.hpp"
#include "gateway/write/link_blocking.hpp"
#include "mappers/identity/match_evidence.hpp"
#include "mappers/identity/patient_matcher.hpp"

namespace gateway {
namespace {

namespace identity = mappers::identity;
using fhir::store::PatientLink;

// What automatic matching writes as decided_by (store.hpp is_manual).
constexpr std::string_view kAutomatic = "auto";

// The stored Patients the blocking searches find (link_blocking.hpp).
fhir::Status find_candidates(fhir::store::WriteTxn& tx, const WriteContext& ctx, const identity::Demographics& d,
                             std::set<std::string>& out) {
  auto searches = blocking_searches(ctx, d);
  if (!searches) return searches.take_issue();
  for (const auto& c : *searches) {
    auto ids = find_matches(tx, ctx, c, kMaxMatchCandidates);
    if (!ids) return ids.take_issue();
    out.insert(ids->begin(), ids->end());
  }
  return fhir::ok_status();
}

// The demographics of a stored Patient's current version; nullopt when it
// is deleted, gone or unreadable (then it links to nothing).
fhir::Result<std::optional<identity::Demographics>> stored_demographics(fhir::store::WriteTxn& tx,
                                                                        const std::string& id) {
  auto head = tx.head("Patient", id);
  if (!head) return head.take_issue();
  if (!*head || (*head)->deleted) return std::optional<identity::Demographics>();
  auto json = fhir::json::parse((*head)->json);
  if (!json) return std::optional<identity::Demographics>();
  auto d = identity::patient_demographics(*json);
  if (!d) return std::optional<identity::Demographics>();
  return std::optional<identity::Demographics>(std::move(*d));
}

bool same_decision(const PatientLink& a, const PatientLink& b) {
  return a.state == b.state && a.score == b.score && a.grade == b.grade && a.evidence == b.evidence &&
         a.decided_by == b.decided_by && a.rules_version == b.rules_version;
}

// The other record of a row about `self`.
const std::string& other_of(const PatientLink& l, const std::string& self) { return l.a == self ? l.b : l.a; }

// Removes the automatic row of a pair (a person's stays), noting both
// records as touched when there was one.
fhir::Status drop(fhir::store::WriteTxn& tx, const PatientLink& row, std::set<std::string>& touched) {
  if (fhir::store::is_manual(row.decided_by)) return fhir::ok_status();
  auto removed = tx.remove_patient_link(row.a, row.b);
  if (!removed) return removed.take_issue();
  if (*removed) {
    touched.insert(row.a);
    touched.insert(row.b);
  }
  return fhir::ok_status();
}

}  // namespace

fhir::Status link_patient(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::store::NewVersion& v,
                          const fhir::Resource* patient, std::set<std::string>& touched) {
  if (ctx.matching == nullptr || ctx.search == nullptr) return fhir::ok_status();
  const std::string& self = v.id;
  fhir::store::PatientLinkQuery mine;
  mine.patient = self;
  auto rows = tx.patient_links(mine);
  if (!rows) return rows.take_issue();
  std::map<std::string, PatientLink> existing;  // by the other record
  for (auto& r : *rows) existing.emplace(other_of(r, self), std::move(r));

  // A deleted record is nobody's: its automatic rows go, a person's
  // decisions stay (they may be undone by unlink).
  auto drop_all = [&]() -> fhir::Status {
    for (const auto& [other, row] : existing)
      if (auto st = drop(tx, row, touched); !st) return st;
    return fhir::ok_status();
  };
  if (v.deleted || patient == nullptr) return drop_all();
  auto demographics = identity::patient_demographics(patient->root());
  if (!demographics) return drop_all();

  // Those that block with this version, and those it was matched with
  // before (its demographics may have changed since).
  std::set<std::string> candidates;
  if (auto st = find_candidates(tx, ctx, *demographics, candidates); !st) return st;
  for (const auto& [other, row] : existing) candidates.insert(other);
  candidates.erase(self);  // never linked to itself

  for (const auto& other : candidates) {
    auto row = existing.find(other);
    const PatientLink* before = row == existing.end() ? nullptr : &row->second;
    // A person's decision is never revisited by matching.
    if (before != nullptr && fhir::store::is_manual(before->decided_by)) continue;
    auto theirs = stored_demographics(tx, other);
    if (!theirs) return theirs.take_issue();
    std::optional<identity::MatchResult> result;
    if (*theirs) {
      // In the pair's canonical order, so matching from either side stores
      // the same evidence (and a re-match that changes nothing writes
      // nothing).
      result = self < other ? identity::match(*demographics, **theirs, *ctx.matching)
                            : identity::match(**theirs, *demographics, *ctx.matching);
    }
    if (!result || result->outcome == identity::Outcome::none) {
      if (before != nullptr)
        if (auto st = drop(tx, *before, touched); !st) return st;
      continue;
    }
    PatientLink l;
    l.a = self;
    l.b = other;
    // Review is never a link: only a person's `patients link` makes it one.
    l.state = result->outcome == identity::Outcome::link ? "linked" : "review";
    l.score = result->score;
    if (result->grade) l.grade = std::string(identity::match_grade_code(*result->grade));
    l.evidence = fhir::json::write(identity::evidence_json(*result));
    l.decided_by = std::string(kAutomatic);
    l.rules_version = result->rules_version;
    l.updated_ms = tx.now_ms();
    if (before != nullptr && same_decision(*before, l)) continue;
    auto put = tx.put_patient_link(l);
    if (!put) return put.take_issue();
    if (*put) {
      touched.insert(self);
      touched.insert(other);
    }
  }
  return fhir::ok_status();
}

}  // namespace gateway
