#include "gateway/write/flag_step.hpp"

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "consent/labels/label_key.hpp"
#include "fhir/json/parse.hpp"
#include "gateway/write/derived_append.hpp"
#include "gateway/write/flag_resource.hpp"
#include "mappers/care/care_rules.hpp"
#include "mappers/care/fact_timeline.hpp"
#include "mappers/care/flag_rules.hpp"

namespace gateway {
namespace {

using fhir::json::Value;
using fhir::store::CareFact;
using fhir::store::WriteTxn;
using mappers::care::has_token;

// The records of one person: patient and every record linked to it,
// transitively (a person sent by three EHRs is three records, two links).
fhir::Result<std::set<std::string>> person_of(WriteTxn& tx, const std::string& patient) {
  std::set<std::string> person{patient};
  std::vector<std::string> queue{patient};
  while (!queue.empty()) {
    fhir::store::PatientLinkQuery q;
    q.patient = queue.back();
    q.state = "linked";
    queue.pop_back();
    auto links = tx.patient_links(q);
    if (!links) return links.take_issue();
    for (const auto& l : *links)
      for (const std::string& other : {l.a, l.b})
        if (person.insert(other).second) queue.push_back(other);
  }
  return person;
}

// The labels a Flag carries: those of every piece of evidence, so it is
// withheld from whoever may not see what raised it.
fhir::Result<std::string> evidence_labels(WriteTxn& tx, const std::vector<std::string>& evidence) {
  consent::LabelSet labels;
  for (const std::string& ref : evidence) {
    const std::size_t slash = ref.find('/');
    if (slash == std::string::npos) continue;
    auto key = tx.head_label_key(std::string_view(ref).substr(0, slash), std::string_view(ref).substr(slash + 1));
    if (!key) return key.take_issue();
    labels.add_all(consent::decode_label_key(*key));
  }
  return consent::encode_label_key(labels);
}

// One Patient record's Flags brought in line with the person's findings.
fhir::Status reconcile(const WriteContext& ctx, WriteTxn& tx, const std::string& patient,
                       const std::vector<mappers::care::FlagFinding>& findings, const std::vector<CareFact>& facts) {
  // Its gateway Flags now active, by id.
  std::set<std::string> active;
  for (const CareFact& f : facts)
    if (f.kind == "flag" && f.patient == patient && f.type == "Flag" && has_token(f.detail, "derived") &&
        has_token(f.detail, "status:active"))
      active.insert(f.id);
  for (const auto& finding : findings) {
    const std::string id = flag_id(patient, finding.code, finding.instrument);
    active.erase(id);
    Value wanted = active_flag(id, patient, finding);
    auto head = tx.head("Flag", id);
    if (!head) return head.take_issue();
    if (*head && !(*head)->deleted) {
      auto stored = fhir::json::parse((*head)->json);
      if (stored && same_flag(*stored, wanted)) continue;
    }
    auto labels = evidence_labels(tx, finding.evidence);
    if (!labels) return labels.take_issue();
    if (auto st = append_derived(ctx, tx, std::move(wanted), *labels); !st) return st.take_issue();
  }
  // What no longer holds is cleared: a new version, so history shows when
  // it rose and when it cleared.
  for (const std::string& id : active) {
    auto head = tx.head("Flag", id);
    if (!head) return head.take_issue();
    if (!*head || (*head)->deleted) continue;
    auto stored = fhir::json::parse((*head)->json);
    if (!stored) return stored.take_issue();
    const std::string labels = (*head)->label_key;
    if (auto st = append_derived(ctx, tx, cleared_flag(std::move(*stored), tx.now_ms()), labels); !st)
      return st.take_issue();
  }
  return fhir::ok_status();
}

}  // namespace

fhir::Status refresh_flags(const WriteContext& ctx, WriteTxn& tx, const std::set<std::string>& patients) {
  if (ctx.care_rules == nullptr || !ctx.care_flags) return fhir::ok_status();
  std::set<std::string> done;
  for (const std::string& patient : patients) {
    if (done.count(patient)) continue;
    auto person = person_of(tx, patient);
    if (!person) return person.take_issue();
    fhir::store::CareFactQuery q;
    q.patients.assign(person->begin(), person->end());
    auto facts = tx.care_facts(q);
    if (!facts) return facts.take_issue();
    auto findings = mappers::care::evaluate_flags(*ctx.care_rules, *facts, tx.now_ms());
    for (const std::string& record : *person) {
      done.insert(record);
      if (auto st = reconcile(ctx, tx, record, findings, *facts); !st) return st;
    }
  }
  return fhir::ok_status();
}

fhir::store::WriteUnit flag_sweep_unit(const WriteContext* ctx, std::string after, int limit,
                                       std::shared_ptr<std::string> last, std::shared_ptr<int> done) {
  return [ctx, after = std::move(after), limit, last, done](WriteTxn& tx) -> fhir::Status {
    auto patients = tx.care_patients(after, limit);
    if (!patients) return patients.take_issue();
    *last = patients->empty() ? std::string() : patients->back();
    *done = static_cast<int>(patients->size());
    return refresh_flags(*ctx, tx, std::set<std::string>(patients->begin(), patients->end()));
  };
}

}  // namespace gateway
