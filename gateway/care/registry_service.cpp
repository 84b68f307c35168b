#include "gateway/care/registry_service.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "consent/enforcement/disclosure_filter.hpp"
#include "consent/enforcement/linked_records.hpp"
#include "mappers/care/care_rules.hpp"

namespace gateway {
namespace {

using fhir::store::CareFact;

// One row's person: the record naming it and the records the requester may see.
struct Person {
  std::string named;
  std::vector<std::string> records;
  fhir::store::VersionRecord named_version;
};

fhir::Result<std::optional<fhir::store::VersionRecord>> visible_patient(fhir::store::Store& store,
                                                                        const consent::DisclosureFilter* filter,
                                                                        const std::string& id) {
  // Labels and patients decide, unless a consent reads the resource itself:
  // a population is thousands of Patients, each read only when it must be.
  const bool content = filter != nullptr && filter->wants_content();
  auto head = content ? store.read_head("Patient", id) : store.read_head_meta("Patient", id);
  if (!head) return head.take_issue();
  if (!*head || (*head)->deleted) return std::optional<fhir::store::VersionRecord>{};
  if (filter != nullptr && !filter->may_receive(**head)) return std::optional<fhir::store::VersionRecord>{};
  return head;
}

// The persons of the ask, in row order, with what the requester may see.
fhir::Result<std::vector<Person>> persons_of(fhir::store::Store& store, const consent::LinkedRecords& links,
                                             const consent::DisclosureFilter* filter, const RegistryAsk& ask) {
  std::vector<std::string> candidates;
  if (ask.caseload) {
    candidates = *ask.caseload;
  } else {
    std::string after;
    for (;;) {
      auto page = store.care_patients(after, 10000);
      if (!page) return page.take_issue();
      if (page->empty()) break;
      after = page->back();
      candidates.insert(candidates.end(), page->begin(), page->end());
    }
  }
  std::vector<Person> out;
  std::set<std::string> seen;  // persons already given a row
  for (const std::string& candidate : candidates) {
    const std::string person(links.person_of(candidate));
    if (seen.count(person)) continue;
    Person p;
    // The record asked for names the row; failing that, the first of the
    // person's records the requester may see.
    std::vector<std::string> order{candidate};
    if (const auto* group = links.group_of(candidate))
      for (const auto& r : *group)
        if (r != candidate) order.push_back(r);
    for (const std::string& record : order) {
      auto v = visible_patient(store, filter, record);
      if (!v) return v.take_issue();
      if (!*v) continue;
      if (p.named.empty()) {
        p.named = record;
        p.named_version = std::move(**v);
      }
      p.records.push_back(record);
    }
    if (p.named.empty()) continue;  // nothing of them may be seen: no row
    seen.insert(person);
    out.push_back(std::move(p));
  }
  // The population is listed by patient id; a caseload keeps its Group's order.
  if (!ask.caseload)
    std::sort(out.begin(), out.end(), [](const Person& a, const Person& b) { return a.named < b.named; });
  return out;
}

// The facts of these persons the requester may see, by person index.
fhir::Result<std::vector<std::vector<CareFact>>> facts_of(fhir::store::Store& store,
                                                          const consent::DisclosureFilter* filter,
                                                          const std::vector<Person>& persons, std::size_t from,
                                                          std::size_t to, bool everyone) {
  std::map<std::string, std::size_t> owner;  // record -> person index
  fhir::store::CareFactQuery q;
  q.filter = filter;
  for (std::size_t i = from; i < to; ++i)
    for (const auto& r : persons[i].records) {
      owner[r] = i;
      if (!everyone) q.patients.push_back(r);
    }
  std::vector<std::vector<CareFact>> out(persons.size());
  if (owner.empty()) return out;
  auto facts = store.care_facts(q);
  if (!facts) return facts.take_issue();
  for (auto& f : *facts) {
    auto it = owner.find(f.patient);
    if (it != owner.end()) out[it->second].push_back(std::move(f));
  }
  return out;
}

// Whether a person belongs in the population registry: a score or a flag
// the requester may see. Everyone with an encounter has care facts; the
// registry is about people in measurement-based care.
bool in_population(const std::vector<CareFact>& facts) {
  for (const auto& f : facts)
    if (f.kind == "score" || f.kind == "flag") return true;
  return false;
}

}  // namespace

fhir::Result<RegistryAnswer> compute_registry(fhir::store::Store& store, const mappers::care::CareRules& rules,
                                              const consent::LinkedRecords& links,
                                              const consent::DisclosureFilter* filter, const RegistryAsk& ask) {
  auto found = persons_of(store, links, filter, ask);
  if (!found) return found.take_issue();
  std::vector<Person> persons = std::move(*found);
  // The population reads everyone's facts (one pass over the table) to
  // know who is in it; a caseload reads its page's, or all of its own for
  // the measures.
  const bool everyone = !ask.caseload || ask.measures;
  std::size_t from = 0, to = persons.size();
  auto page_bounds = [&] {
    from = std::min<std::size_t>(persons.size(), static_cast<std::size_t>(std::max<std::int64_t>(0, ask.offset)));
    to = ask.count ? std::min<std::size_t>(persons.size(), from + static_cast<std::size_t>(*ask.count))
                   : persons.size();
  };
  page_bounds();
  auto facts = facts_of(store, filter, persons, everyone ? 0 : from, everyone ? persons.size() : to, !ask.caseload);
  if (!facts) return facts.take_issue();
  if (!ask.caseload) {
    std::vector<Person> kept;
    std::vector<std::vector<CareFact>> kept_facts;
    for (std::size_t i = 0; i < persons.size(); ++i) {
      if (!in_population((*facts)[i])) continue;
      kept.push_back(std::move(persons[i]));
      kept_facts.push_back(std::move((*facts)[i]));
    }
    persons = std::move(kept);
    *facts = std::move(kept_facts);
    page_bounds();
  }
  RegistryAnswer answer;
  answer.persons = static_cast<std::int64_t>(persons.size());
  for (std::size_t i = from; i < to; ++i) {
    const Person& p = persons[i];
    auto rows = mappers::care::registry_rows(rules, p.named, (*facts)[i], ask.now_ms);
    for (auto& r : rows) answer.rows.push_back(std::move(r));
    answer.patients.push_back(p.named_version);
  }
  if (ask.measures) {
    std::vector<mappers::care::PersonFacts> people;
    people.reserve(persons.size());
    for (std::size_t i = 0; i < persons.size(); ++i)
      people.push_back(mappers::care::PersonFacts{persons[i].named, std::move((*facts)[i])});
    answer.measures = mappers::care::quality_measures(rules, people, ask.now_ms);
  }
  return answer;
}

}  // namespace gateway
