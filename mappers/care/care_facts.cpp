#include "mappers/care/care_facts.hpp"

#include <array>
#include <optional>
#include <string>
#include <utility>

#include "mappers/care/resource_fields.hpp"
#include "mappers/outcomes/observation_score.hpp"

namespace mappers::care {
namespace {

using fhir::json::Value;
using fhir::store::CareFact;

constexpr std::string_view kDerivedTagSystem = "urn:carebridge:derived";
constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

// v3 ActEncounterCode classes whose end is a discharge: inpatient (IMP and
// its specialisations ACUTE, NONAC), emergency, observation, short stay.
constexpr std::array<std::string_view, 6> kDischargeClasses = {"IMP", "ACUTE", "NONAC", "EMER", "OBSENC", "SS"};
// Encounter statuses that have not ended, or never happened: no discharge.
constexpr std::array<std::string_view, 6> kNotOver = {"planned",     "arrived", "triaged",
                                                      "in-progress", "onleave", "cancelled"};

template <std::size_t N>
bool one_of(std::string_view s, const std::array<std::string_view, N>& set) {
  for (std::string_view x : set)
    if (s == x) return true;
  return false;
}

// detail is split on spaces, so a token's text is percent-encoded where it
// could break that: '%' itself, space and the other controls.
void add_token(std::string& detail, std::string_view prefix, std::string_view text = {}) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  if (!detail.empty()) detail += ' ';
  detail += prefix;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f || c == '%') {
      detail += '%';
      detail += kHex[c >> 4];
      detail += kHex[c & 0xf];
    } else {
      detail += ch;
    }
  }
}

// "<prefix><code>" per coding code of one CodeableConcept, in order; the
// system is not kept: the rules list SNOMED codes, and one list of codes
// per member is all they compare against.
void add_codes(std::string& detail, const Value* concept_value, std::string_view prefix) {
  const Value* codings = concept_value == nullptr ? nullptr : concept_value->find("coding");
  if (codings == nullptr) return;
  for (const Value& coding : codings->items())
    if (auto code = coding.string_at("code"); !code.empty()) add_token(detail, prefix, code);
}

// The same for each CodeableConcept of an array member (CarePlan.category,
// EpisodeOfCare.type, ServiceRequest.category).
void add_concept_codes(std::string& detail, const Value& resource, std::string_view member,
                       std::string_view prefix) {
  const Value* concepts = resource.find(member);
  if (concepts == nullptr) return;
  for (const Value& concept_value : concepts->items()) add_codes(detail, &concept_value, prefix);
}

CareFact fact_of(std::string_view patient, std::string_view kind, std::string_view code) {
  CareFact f;
  f.patient = std::string(patient);
  f.kind = std::string(kind);
  f.code = std::string(code);
  return f;
}

// "ref:ServiceRequest/<id>" for each local ServiceRequest in basedOn.
void add_based_on(std::string& detail, const Value& resource) {
  const Value* based_on = resource.find("basedOn");
  if (based_on == nullptr) return;
  for (const Value& r : based_on->items())
    if (auto ref = local_reference(r.string_at("reference"), "ServiceRequest"); !ref.empty())
      add_token(detail, "ref:", ref);
}

// ---- score ----

std::optional<CareFact> score_fact(const outcomes::InstrumentTable& instruments, const Value& obs,
                                   std::string_view patient) {
  std::string_view status = obs.string_at("status");
  // Not (yet, or ever) a result: score_observation refuses the first two.
  if (status == "entered-in-error" || status == "cancelled" || status == "preliminary") return std::nullopt;
  auto scored = outcomes::score_observation(instruments, obs);
  if (!scored.ok() || !scored->has_value()) return std::nullopt;
  const outcomes::Score& s = **scored;
  if (!s.total) return std::nullopt;  // items without a complete sum
  CareFact f = fact_of(patient, "score", s.instrument);
  f.value = static_cast<double>(*s.total);
  f.at_ms = epoch_ms(s.effective).value_or(0);
  // A known negative is said too: only a score that answered the safety
  // item can clear a positive one (a total-only Observation cannot).
  if (s.safety_positive) add_token(f.detail, *s.safety_positive ? "safety" : "safety-negative");
  if (has_tag(obs, kDerivedTagSystem)) add_token(f.detail, "derived");
  return f;
}

// ---- appointment, encounter, referral ----

std::string_view appointment_patient(const Value& appt) {
  const Value* participants = appt.find("participant");
  if (participants == nullptr) return {};
  for (const Value& p : participants->items())
    if (auto id = patient_id_of(p.find("actor")); !id.empty()) return id;
  return {};
}

CareFact appointment_fact(const Value& appt, std::string_view patient) {
  CareFact f = fact_of(patient, "appointment", appt.string_at("status"));
  f.at_ms = epoch_ms_at(appt, "start");
  f.end_ms = epoch_ms_at(appt, "end");
  add_based_on(f.detail, appt);
  return f;
}

CareFact encounter_fact(const Value& enc, std::string_view patient) {
  std::string_view status = enc.string_at("status");
  CareFact f = fact_of(patient, "encounter", status);
  PeriodMs p = period_ms(enc.find("period"));
  f.at_ms = p.start;
  f.end_ms = p.end;
  const Value* cls = enc.find("class");  // R4: one Coding
  std::string_view cls_code = cls == nullptr ? std::string_view() : cls->string_at("code");
  std::string_view cls_system = cls == nullptr ? std::string_view() : cls->string_at("system");
  if (!cls_code.empty()) add_token(f.detail, "class:", cls_code);
  // Only a stay ends in a discharge: an outpatient visit with a discharge
  // disposition (HL7's f001-f003 have one) needs no follow-up visit.
  const Value* hosp = enc.find("hospitalization");
  const bool disposition = hosp != nullptr && hosp->find("dischargeDisposition") != nullptr;
  const bool stay = (cls_system.empty() || cls_system == kActCode) && one_of(cls_code, kDischargeClasses);
  if (stay && !one_of(status, kNotOver) && (disposition || p.end != 0)) add_token(f.detail, "discharge");
  add_based_on(f.detail, enc);
  return f;
}

// When a Timing starts: its earliest event, else repeat.boundsPeriod.start.
std::int64_t timing_start(const Value* timing) {
  if (timing == nullptr) return 0;
  std::optional<std::int64_t> first;
  if (const Value* events = timing->find("event"); events != nullptr)
    for (const Value& e : events->items())
      if (auto t = e.is_string() ? epoch_ms(e.text()) : std::nullopt; t && (!first || *t < *first)) first = t;
  if (first) return *first;
  const Value* repeat = timing->find("repeat");
  return repeat == nullptr ? 0 : period_ms(repeat->find("boundsPeriod")).start;
}

CareFact referral_fact(const Value& req, std::string_view patient) {
  CareFact f = fact_of(patient, "referral", req.string_at("status"));
  f.at_ms = epoch_ms_at(req, "authoredOn");
  if (f.at_ms == 0) f.at_ms = epoch_ms_at(req, "occurrenceDateTime");
  if (f.at_ms == 0) f.at_ms = period_ms(req.find("occurrencePeriod")).start;
  if (f.at_ms == 0) f.at_ms = timing_start(req.find("occurrenceTiming"));
  // What the request is for: a lab order (HL7's ServiceRequest/ft4, a
  // reflex Free T4) is no referral, and only these say so.
  add_concept_codes(f.detail, req, "category", "category:");
  add_codes(f.detail, req.find("code"), "code:");
  if (auto intent = req.string_at("intent"); !intent.empty()) add_token(f.detail, "intent:", intent);
  const Value* forbid = req.find("doNotPerform");
  if (forbid != nullptr && forbid->is_bool() && forbid->as_bool()) add_token(f.detail, "do-not-perform");
  return f;
}

// ---- medication ----

// A JSON number's text without trailing fractional zeros ("2.50" -> "2.5",
// "1.0" -> "1"), so one dose sent two ways gets one key.
std::string number_text(const Value* n) {
  if (n == nullptr || !n->is_number()) return {};
  std::string t = n->text();
  if (t.find_first_of("eE") != std::string::npos || t.find('.') == std::string::npos) return t;
  while (t.back() == '0') t.pop_back();
  if (t.back() == '.') t.pop_back();
  return t;
}

struct Amount {
  std::string number;  // empty: no value
  std::string unit;    // the UCUM (or other) code, else the unit text
};

Amount amount_of(const Value* q) {
  if (q == nullptr) return {};
  std::string_view unit = q->string_at("code");
  return Amount{number_text(q->find("value")), std::string(unit.empty() ? q->string_at("unit") : unit)};
}

std::string quantity_text(const Amount& a) { return a.number.empty() ? std::string() : a.number + a.unit; }

// "1-2TAB" when both ends share the unit, else each end with its own.
std::string range_text(const Value& range) {
  Amount lo = amount_of(range.find("low"));
  Amount hi = amount_of(range.find("high"));
  if (lo.number.empty() && hi.number.empty()) return {};
  if (!lo.number.empty() && !hi.number.empty() && lo.unit == hi.unit) return lo.number + "-" + hi.number + hi.unit;
  return quantity_text(lo) + "-" + quantity_text(hi);
}

// "<frequency>[-<max>]/<period>[-<max>]<unit>" of Timing.repeat (a period
// of 1 is left out: "1/d", "3/wk", "1/4-6h"), else Timing.code's code.
std::string timing_text(const Value* timing) {
  if (timing == nullptr) return {};
  if (const Value* r = timing->find("repeat"); r != nullptr) {
    std::string freq = number_text(r->find("frequency"));
    std::string period = number_text(r->find("period"));
    if (!freq.empty() || !period.empty()) {
      std::string out = freq.empty() ? "1" : freq;  // R4: frequency defaults to 1
      if (auto m = number_text(r->find("frequencyMax")); !m.empty()) out += "-" + m;
      out += "/";
      std::string period_max = number_text(r->find("periodMax"));
      if (period != "1" || !period_max.empty()) out += period;
      if (!period_max.empty()) out += "-" + period_max;
      return out + std::string(r->string_at("periodUnit"));
    }
  }
  auto code = first_coding(timing->find("code"));
  return code ? std::string(code->code) : std::string();
}

// The first dosage's amount and schedule: "<amount>[@<timing>][+prn]";
// empty when it has neither (free text only).
std::string dose_key(const Value& request) {
  const Value* dosages = request.find("dosageInstruction");
  if (dosages == nullptr || dosages->items().empty()) return {};
  const Value& d = dosages->items().front();
  std::string amount;
  if (const Value* dr = d.find("doseAndRate"); dr != nullptr && !dr->items().empty()) {
    const Value& first = dr->items().front();
    if (const Value* q = first.find("doseQuantity"); q != nullptr)
      amount = quantity_text(amount_of(q));
    else if (const Value* range = first.find("doseRange"); range != nullptr)
      amount = range_text(*range);
  }
  std::string timing = timing_text(d.find("timing"));
  const Value* prn = d.find("asNeededBoolean");
  const bool as_needed =
      (prn != nullptr && prn->is_bool() && prn->as_bool()) || d.find("asNeededCodeableConcept") != nullptr;
  if (amount.empty() && timing.empty()) return {};
  std::string key = amount;
  if (!timing.empty()) key += "@" + timing;
  if (as_needed) key += "+prn";
  return key;
}

std::string coding_key(const CodingView& c) { return std::string(c.system) + "|" + std::string(c.code); }

// system|code of medicationCodeableConcept, or of the contained Medication
// a "#id" names; "Medication/<id>" for a local reference; another
// reference as sent. Empty when nothing is coded.
std::string medication_key(const Value& request) {
  if (auto c = first_coding(request.find("medicationCodeableConcept"))) return coding_key(*c);
  const Value* ref = request.find("medicationReference");
  std::string_view text = ref == nullptr ? std::string_view() : ref->string_at("reference");
  if (text.empty()) return {};
  if (text.front() == '#') {
    const Value* contained = request.find("contained");
    if (contained == nullptr) return {};
    for (const Value& r : contained->items())
      if (r.string_at("resourceType") == "Medication" && r.string_at("id") == text.substr(1)) {
        auto c = first_coding(r.find("code"));
        return c ? coding_key(*c) : std::string();
      }
    return {};
  }
  std::string_view local = local_reference(text, "Medication");
  return std::string(local.empty() ? text : local);
}

CareFact medication_fact(const Value& req, std::string_view patient) {
  CareFact f = fact_of(patient, "medication", req.string_at("status"));
  f.at_ms = epoch_ms_at(req, "authoredOn");
  if (auto med = medication_key(req); !med.empty()) add_token(f.detail, "med:", med);
  if (auto dose = dose_key(req); !dose.empty()) add_token(f.detail, "dose:", dose);
  if (auto intent = req.string_at("intent"); !intent.empty()) add_token(f.detail, "intent:", intent);
  return f;
}

// ---- care plan, goal, episode, flag ----

CareFact care_plan_fact(const Value& plan, std::string_view patient) {
  CareFact f = fact_of(patient, "care-plan", plan.string_at("status"));
  PeriodMs p = period_ms(plan.find("period"));
  f.at_ms = p.start != 0 ? p.start : epoch_ms_at(plan, "created");
  f.end_ms = p.end;
  add_concept_codes(f.detail, plan, "category", "category:");
  return f;
}

CareFact goal_fact(const Value& goal, std::string_view patient) {
  CareFact f = fact_of(patient, "goal", goal.string_at("lifecycleStatus"));
  f.at_ms = epoch_ms_at(goal, "startDate");
  if (f.at_ms == 0) f.at_ms = epoch_ms_at(goal, "statusDate");
  if (auto a = first_coding(goal.find("achievementStatus"))) add_token(f.detail, "achievement:", a->code);
  return f;
}

CareFact episode_fact(const Value& episode, std::string_view patient) {
  CareFact f = fact_of(patient, "episode", episode.string_at("status"));
  PeriodMs p = period_ms(episode.find("period"));
  f.at_ms = p.start;
  f.end_ms = p.end;
  add_concept_codes(f.detail, episode, "type", "type:");
  return f;
}

CareFact flag_fact(const Value& flag, std::string_view patient) {
  auto code = first_coding(flag.find("code"));
  CareFact f = fact_of(patient, "flag", code ? code->code : std::string_view());
  PeriodMs p = period_ms(flag.find("period"));
  f.at_ms = p.start;
  f.end_ms = p.end;
  if (auto status = flag.string_at("status"); !status.empty()) add_token(f.detail, "status:", status);
  if (has_tag(flag, kDerivedTagSystem)) add_token(f.detail, "derived");
  return f;
}

}  // namespace

bool has_care_facts(std::string_view type) {
  static constexpr std::array<std::string_view, 9> kTypes = {"Observation",    "Appointment",       "Encounter",
                                                             "ServiceRequest", "MedicationRequest", "CarePlan",
                                                             "Goal",           "EpisodeOfCare",     "Flag"};
  return one_of(type, kTypes);
}

std::vector<CareFact> care_facts_of(const outcomes::InstrumentTable& instruments, const Value& resource) {
  std::vector<CareFact> out;
  std::string_view type = resource.string_at("resourceType");
  if (!has_care_facts(type)) return out;
  // Every kind's status (Goal: lifecycleStatus) has entered-in-error: the
  // source says it never was.
  if (resource.string_at(type == "Goal" ? "lifecycleStatus" : "status") == "entered-in-error") return out;
  std::string_view patient = type == "Appointment"     ? appointment_patient(resource)
                             : type == "EpisodeOfCare" ? patient_id_of(resource.find("patient"))
                                                       : patient_id_of(resource.find("subject"));
  if (patient.empty()) return out;
  if (type == "Observation") {
    if (auto f = score_fact(instruments, resource, patient)) out.push_back(std::move(*f));
  } else if (type == "Appointment") {
    out.push_back(appointment_fact(resource, patient));
  } else if (type == "Encounter") {
    out.push_back(encounter_fact(resource, patient));
  } else if (type == "ServiceRequest") {
    out.push_back(referral_fact(resource, patient));
  } else if (type == "MedicationRequest") {
    out.push_back(medication_fact(resource, patient));
  } else if (type == "CarePlan") {
    out.push_back(care_plan_fact(resource, patient));
  } else if (type == "Goal") {
    out.push_back(goal_fact(resource, patient));
  } else if (type == "EpisodeOfCare") {
    out.push_back(episode_fact(resource, patient));
  } else if (type == "Flag") {
    out.push_back(flag_fact(resource, patient));
  }
  return out;
}

}  // namespace mappers::care
