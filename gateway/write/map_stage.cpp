#include "gateway/write/map_stage.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fhir/core/instant.hpp"
#include "gateway/write/care_facts_step.hpp"
#include "gateway/write/derived_append.hpp"
#include "gateway/write/derived_json.hpp"
#include "gateway/write/link_step.hpp"
#include "gateway/write/subscription_matcher.hpp"
#include "mappers/outcomes/instrument_table.hpp"
#include "mappers/outcomes/questionnaire_scoring.hpp"

namespace gateway {
namespace {

using fhir::json::Value;
using namespace derived;
using mappers::outcomes::Instrument;
using mappers::outcomes::Score;

constexpr std::string_view kCategorySystem = "http://terminology.hl7.org/CodeSystem/observation-category";
constexpr std::string_view kUcum = "http://unitsofmeasure.org";
constexpr std::string_view kDataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
constexpr std::string_view kProvenanceRole = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

// The Observation a complete score becomes. An item without a verified
// LOINC code (PCL-5) is named by its text: component.code is required.
Value score_observation(const Instrument& inst, const Score& s, const std::string& id,
                        const std::string& source_version) {
  Value o = Value::make_object();
  o.set("resourceType", str("Observation"));
  o.set("id", str(id));
  o.set("meta", derived_meta(kDerivedScoreCode));
  o.set("status", str("final"));
  o.set("category", one(concept_of(coding(kCategorySystem, "survey", "Survey"))));
  o.set("code", concept_of(coding(mappers::outcomes::kLoinc, s.total_code), inst.name));
  if (!s.subject.empty()) o.set("subject", reference(s.subject));
  if (!s.effective.empty()) o.set("effectiveDateTime", str(s.effective));
  Value quantity = Value::make_object();
  quantity.set("value", integer(*s.total));
  quantity.set("unit", str("{score}"));
  quantity.set("system", str(kUcum));
  quantity.set("code", str("{score}"));
  o.set("valueQuantity", std::move(quantity));
  if (!s.severity.empty()) o.set("interpretation", one(text_concept(s.severity)));
  Value components = Value::make_array();
  for (std::size_t i = 0; i < s.items.size() && i < inst.items.size(); ++i) {
    const auto& item = inst.items[i];
    Value c = Value::make_object();
    c.set("code", item.code.empty() ? text_concept(item.text)
                                    : concept_of(coding(mappers::outcomes::kLoinc, item.code), item.text));
    c.set("valueInteger", integer(*s.items[i]));
    components.push_back(std::move(c));
  }
  // The safety item (PHQ-9 item 9) at or above its threshold, said once
  // where a reader looks for it, beside the item's own value.
  if (s.safety_positive) {
    Value c = Value::make_object();
    c.set("code", concept_of(coding(kDerivedTagSystem, "safety-item-positive",
                                    "Safety item at or above its threshold")));
    c.set("valueBoolean", Value::make_bool(*s.safety_positive));
    components.push_back(std::move(c));
  }
  if (!components.items().empty()) o.set("component", std::move(components));
  o.set("derivedFrom", one(reference(source_version)));
  return o;
}

Value score_provenance(const std::string& id, const std::string& target_version,
                       const std::string& source_version, std::int64_t now_ms) {
  Value p = Value::make_object();
  p.set("resourceType", str("Provenance"));
  p.set("id", str(id));
  p.set("meta", derived_meta(kDerivedScoreCode));
  p.set("target", one(reference(target_version)));
  p.set("recorded", str(fhir::format_instant(now_ms)));
  p.set("activity", concept_of(coding(kDataOperation, "DERIVE", "derive")));
  Value who = Value::make_object();
  who.set("display", str("CareBridge"));
  Value agent = Value::make_object();
  agent.set("type", concept_of(coding(kProvenanceRole, "assembler", "Assembler")));
  agent.set("who", std::move(who));
  p.set("agent", one(std::move(agent)));
  Value entity = Value::make_object();
  entity.set("role", str("source"));
  entity.set("what", reference(source_version));
  p.set("entity", one(std::move(entity)));
  return p;
}

}  // namespace

std::string derived_observation_id(std::string_view response_id, std::string_view instrument) {
  return hashed_id("QuestionnaireResponse/" + std::string(response_id) + "|" + std::string(instrument));
}

std::string derived_provenance_id(std::string_view response_id, std::string_view instrument) {
  return hashed_id("QuestionnaireResponse/" + std::string(response_id) + "|" + std::string(instrument) +
                   "|provenance");
}

namespace {

// A QuestionnaireResponse of a known instrument: each complete score
// becomes a derived Observation with its Provenance.
fhir::Status score_response(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::store::NewVersion& qr,
                            const fhir::Resource* response, std::string_view source, std::set<std::string>& touched) {
  std::set<std::string> written;  // instrument ids with a derived Observation of this version
  if (!qr.deleted && response != nullptr) {
    // A response that cannot be scored at all (entered-in-error, ...) is
    // still stored as sent; it just derives nothing.
    auto scores = mappers::outcomes::score_questionnaire_response(*ctx.instruments, response->root());
    const std::string source_version = "QuestionnaireResponse/" + qr.id + "/_history/" + std::to_string(qr.version);
    for (const Score& s : scores.ok() ? scores.value() : std::vector<Score>()) {
      // An incomplete score writes nothing: a partial sum understates the
      // score (score.hpp), and a low PHQ-9 that is really unanswered items
      // would read as reassurance. The response itself is stored as sent.
      const Instrument* inst = ctx.instruments->find(s.instrument);
      if (!s.complete || !s.total || inst == nullptr) continue;
      const std::string obs_id = derived_observation_id(qr.id, s.instrument);
      auto obs = append_derived(ctx, tx, score_observation(*inst, s, obs_id, source_version), qr.label_key, source,
                                &touched);
      if (!obs) return obs.take_issue();
      const std::string target = "Observation/" + obs_id + "/_history/" + std::to_string(obs->version);
      // The Provenance is at the level of its target (label-rules.json
      // propagate), which is the response's level or above.
      auto prov = append_derived(
          ctx, tx, score_provenance(derived_provenance_id(qr.id, s.instrument), target, source_version, tx.now_ms()),
          obs->label_key);
      if (!prov) return prov.take_issue();
      written.insert(s.instrument);
    }
  }
  // What this version no longer scores (deleted, changed, now incomplete)
  // keeps no current derived Observation: one derived from an older version
  // would stand as the response's score. The Provenance stays, as history.
  // A first version has none to delete.
  if (qr.version == 1) return fhir::ok_status();
  for (const Instrument& inst : ctx.instruments->instruments()) {
    if (written.count(inst.id)) continue;
    if (auto st = delete_derived(ctx, tx, "Observation", derived_observation_id(qr.id, inst.id), &touched); !st)
      return st;
  }
  return fhir::ok_status();
}

}  // namespace

fhir::Status map_version(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::store::NewVersion& v,
                         std::int64_t seq, const fhir::Resource* resource, std::string_view source,
                         std::set<std::string>& touched) {
  if (ctx.subscriptions != nullptr && resource != nullptr)
    if (auto st = ctx.subscriptions->queue_matches(ctx, tx, v, seq, resource->root()); !st) return st;
  if (ctx.instruments == nullptr) return fhir::ok_status();
  auto patients = store_care_facts(ctx, tx, v.type, v.id, resource != nullptr ? &resource->root() : nullptr, source);
  if (!patients) return patients.take_issue();
  touched.insert(patients->begin(), patients->end());
  if (v.type == "QuestionnaireResponse") return score_response(ctx, tx, v, resource, source, touched);
  if (v.type == "Patient") return link_patient(ctx, tx, v, resource, touched);
  return fhir::ok_status();
}

bool is_derived_json(std::string_view json) {
  // The tag's system, as the map stage writes it: one search over the text,
  // no parse (every client write passes here).
  return json.find("\"urn:carebridge:derived\"") != std::string_view::npos;
}

bool is_derived(const fhir::json::Value& resource) {
  const fhir::json::Value* meta = resource.find("meta");
  const fhir::json::Value* tags = meta != nullptr ? meta->find("tag") : nullptr;
  if (tags == nullptr || !tags->is_array()) return false;
  for (const auto& t : tags->items())
    if (t.is_object() && t.string_at("system") == kDerivedTagSystem) return true;
  return false;
}

}  // namespace gateway
