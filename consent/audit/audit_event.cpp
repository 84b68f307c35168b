#include "consent/audit/audit_event.hpp"

#include <cstdlib>
#include <string_view>

#include "consent/audit/audit_fields.hpp"
#include "fhir/core/base64.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"

namespace consent {
namespace {

using fhir::json::Value;

using audit_system::kActReason;
using audit_system::kInteraction;
using audit_system::kLifecycle;
using audit_system::kEventType;
constexpr std::string_view kDicom = "http://dicom.nema.org/resources/ontology/DCM";
constexpr std::string_view kParticipation = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
constexpr std::string_view kEntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
constexpr std::string_view kEntityRole = "http://terminology.hl7.org/CodeSystem/object-role";
constexpr std::string_view kSourceType = "http://terminology.hl7.org/CodeSystem/security-source-type";

Value str(std::string_view s) { return Value::make_string(std::string(s)); }

Value coding(std::string_view system, std::string_view code) {
  Value c = Value::make_object();
  c.set("system", str(system));
  c.set("code", str(code));
  return c;
}

Value concept_of(std::string_view system, std::string_view code) {
  Value cc = Value::make_object();
  Value codings = Value::make_array();
  codings.push_back(coding(system, code));
  cc.set("coding", std::move(codings));
  return cc;
}

Value reference(std::string_view ref) {
  Value r = Value::make_object();
  r.set("reference", str(ref));
  return r;
}

// R(ead), C(reate), U(pdate), D(elete), E(xecute): AuditEvent.action.
std::string_view action_of(std::string_view interaction) {
  if (interaction == "create") return "C";
  if (interaction == "update" || interaction == "patch") return "U";
  if (interaction == "delete") return "D";
  if (interaction == "transaction" || interaction == "batch" || interaction == "operation") return "E";
  return "R";
}

Value agent(std::string_view type_system, std::string_view type_code, Value who, bool requestor) {
  Value a = Value::make_object();
  a.set("type", concept_of(type_system, type_code));
  a.set("who", std::move(who));
  a.set("requestor", Value::make_bool(requestor));
  return a;
}

Value client_who(const AuditDescription& d) {
  Value who = Value::make_object();
  Value id = Value::make_object();
  id.set("system", str(audit_system::kClient));
  id.set("value", str(d.client_id));
  who.set("identifier", std::move(id));
  return who;
}

Value entity(std::string_view what, std::string_view type_code, std::string_view role_code) {
  Value e = Value::make_object();
  e.set("what", reference(what));
  e.set("type", coding(kEntityType, type_code));
  e.set("role", coding(kEntityRole, role_code));
  return e;
}

void add_agents(Value& ev, const AuditDescription& d) {
  Value agents = Value::make_array();
  // The client system, for its Organization (DICOM/BALP: Source Role ID).
  // Without an acting user, the client system itself is the requestor.
  agents.push_back(agent(kDicom, "110153", client_who(d), d.user_id.empty()));
  Value org = agent(kParticipation, "IRCP", reference(d.organization), false);
  if (!d.role.empty()) org.set("altId", str(d.role));
  agents.push_back(std::move(org));
  if (!d.user_id.empty()) {
    Value who = Value::make_object();
    Value id = Value::make_object();
    id.set("value", str(d.user_id));
    who.set("identifier", std::move(id));
    if (!d.user_name.empty()) who.set("display", str(d.user_name));
    agents.push_back(agent(kParticipation, "IRCP", std::move(who), true));
  }
  Value server = Value::make_object();
  server.set("display", str(d.gateway));
  agents.push_back(agent(kDicom, "110152", std::move(server), false));
  if (!d.purpose.empty()) {
    Value pou = Value::make_array();
    pou.push_back(concept_of(kActReason, d.purpose));
    for (auto& a : agents.items())
      if (a.find("requestor")->as_bool()) a.set("purposeOfUse", pou);
  }
  ev.set("agent", std::move(agents));
}

void add_entities(Value& ev, const AuditDescription& d) {
  Value entities = Value::make_array();
  for (const auto& p : d.patients) entities.push_back(entity("Patient/" + p, "1", "1"));
  for (const auto& e : d.entities) {
    Value x = entity(e.reference, "2", "4");
    if (!e.basis.empty()) {
      Value detail = Value::make_object();
      detail.set("type", str("basis"));
      detail.set("valueString", str(e.basis));
      Value details = Value::make_array();
      details.push_back(std::move(detail));
      x.set("detail", std::move(details));
    }
    entities.push_back(std::move(x));
  }
  if (!d.query.empty()) {
    Value q = Value::make_object();
    q.set("type", coding(kEntityType, "2"));
    q.set("role", coding(kEntityRole, "24"));  // Query
    q.set("query", str(fhir::base64_encode(d.query)));
    entities.push_back(std::move(q));
  }
  if (!entities.items().empty()) ev.set("entity", std::move(entities));
}

// Free text into a field value: control characters (never in ids, codes
// or references) become spaces.
std::string clean(std::string text) {
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return text;
}

// An entity field: "Reference patients basis", patients comma-separated
// ("-" for none). References and ids hold no space or comma.
std::string entity_value(const AuditedEntity& x) {
  std::string v = x.reference;
  v += ' ';
  if (x.patients.empty()) v += '-';
  for (std::size_t i = 0; i < x.patients.size(); ++i) {
    if (i > 0) v += ',';
    v += x.patients[i];
  }
  v += ' ';
  v += clean(x.basis);
  return v;
}

AuditedEntity parse_entity(std::string_view v) {
  AuditedEntity x;
  const auto first = v.find(' ');
  x.reference = std::string(v.substr(0, first));
  if (first == std::string_view::npos) return x;
  v.remove_prefix(first + 1);
  const auto second = v.find(' ');
  std::string_view patients = v.substr(0, second);
  x.basis = second == std::string_view::npos ? std::string() : std::string(v.substr(second + 1));
  while (!patients.empty() && patients != "-") {
    const auto comma = patients.find(',');
    x.patients.emplace_back(patients.substr(0, comma));
    patients.remove_prefix(comma == std::string_view::npos ? patients.size() : comma + 1);
  }
  return x;
}

}  // namespace

AuditEntry audit_entry(AuditDescription d) {
  namespace k = audit_kind;
  AuditEntry e;
  e.recorded_ms = d.recorded_ms;
  e.fields.reserve(14 + d.patients.size() + d.entities.size());
  auto add = [&e](std::string_view kind, std::string value) {
    if (!value.empty()) e.fields.push_back(AuditField{std::string(kind), std::move(value)});
  };
  add(k::kType, "rest");
  if (d.disclosure) add(k::kSubtype, "disclose");
  add(k::kSubtype, std::move(d.interaction));
  add(k::kOutcome, std::to_string(d.outcome));
  add(k::kOutcomeText, clean(std::move(d.outcome_text)));
  add(k::kAgent, std::move(d.client_id));
  add(k::kOrganization, std::move(d.organization));
  add(k::kUser, clean(std::move(d.user_id)));
  add(k::kUserName, clean(std::move(d.user_name)));
  add(k::kRole, std::move(d.role));
  add(k::kPurpose, std::move(d.purpose));
  add(k::kQuery, clean(std::move(d.query)));
  if (d.break_glass) add(k::kBreakGlass, "1");
  add(k::kEmergency, clean(std::move(d.emergency)));
  add(k::kGateway, std::move(d.gateway));
  for (auto& p : d.patients) add(k::kPatient, std::move(p));
  for (const auto& x : d.entities) add(k::kEntity, entity_value(x));
  return e;
}

fhir::Result<AuditDescription> describe_record(const AuditRecord& record) {
  namespace k = audit_kind;
  auto fields = parse_fields_text(record.fields);
  if (!fields) return fields.take_issue();
  AuditDescription d;
  d.recorded_ms = record.recorded_ms;
  for (auto& f : *fields) {
    const std::string_view kind = f.kind;
    if (kind == k::kSubtype) {
      if (f.value == "disclose") d.disclosure = true;
      else d.interaction = std::move(f.value);
    } else if (kind == k::kOutcome) {
      d.outcome = std::atoi(f.value.c_str());
    } else if (kind == k::kOutcomeText) {
      d.outcome_text = std::move(f.value);
    } else if (kind == k::kAgent) {
      d.client_id = std::move(f.value);
    } else if (kind == k::kOrganization) {
      d.organization = std::move(f.value);
    } else if (kind == k::kUser) {
      d.user_id = std::move(f.value);
    } else if (kind == k::kUserName) {
      d.user_name = std::move(f.value);
    } else if (kind == k::kRole) {
      d.role = std::move(f.value);
    } else if (kind == k::kPurpose) {
      d.purpose = std::move(f.value);
    } else if (kind == k::kQuery) {
      d.query = std::move(f.value);
    } else if (kind == k::kBreakGlass) {
      d.break_glass = f.value == "1";
    } else if (kind == k::kEmergency) {
      d.emergency = std::move(f.value);
    } else if (kind == k::kGateway) {
      d.gateway = std::move(f.value);
    } else if (kind == k::kPatient) {
      d.patients.push_back(std::move(f.value));
    } else if (kind == k::kEntity) {
      d.entities.push_back(parse_entity(f.value));
    }
    // type is always "rest"; kinds this build does not know are kept in
    // the hash and left out of the rendering.
  }
  return d;
}

fhir::Result<std::string> audit_event_json(const AuditRecord& record) {
  auto d = describe_record(record);
  if (!d) return d.take_issue();
  return audit_event_json(*d, std::to_string(record.seq));
}

std::string audit_event_json(const AuditDescription& d, std::string_view id) {
  Value ev = Value::make_object();
  ev.set("resourceType", str("AuditEvent"));
  if (!id.empty()) ev.set("id", str(id));
  ev.set("type", coding(kEventType, "rest"));
  Value subtypes = Value::make_array();
  subtypes.push_back(coding(kInteraction, d.interaction));
  if (d.disclosure) subtypes.push_back(coding(kLifecycle, "disclose"));
  ev.set("subtype", std::move(subtypes));
  ev.set("action", str(action_of(d.interaction)));
  ev.set("recorded", str(fhir::format_instant(d.recorded_ms)));
  ev.set("outcome", str(std::to_string(d.outcome)));
  if (!d.outcome_text.empty()) ev.set("outcomeDesc", str(d.outcome_text));
  Value purposes = Value::make_array();
  if (!d.purpose.empty()) purposes.push_back(concept_of(kActReason, d.purpose));
  // Disclosed only under the emergency rule (42 CFR 2.51): said as a
  // purpose too, with the nature of the emergency as its text.
  if (d.break_glass || !d.emergency.empty()) {
    Value btg = concept_of(kActReason, "BTG");
    if (!d.emergency.empty()) btg.set("text", str(d.emergency));
    purposes.push_back(std::move(btg));
  }
  if (!purposes.items().empty()) ev.set("purposeOfEvent", std::move(purposes));
  add_agents(ev, d);
  Value source = Value::make_object();
  Value observer = Value::make_object();
  observer.set("display", str(d.gateway));
  source.set("observer", std::move(observer));
  Value source_types = Value::make_array();
  source_types.push_back(coding(kSourceType, "4"));  // Application Server
  source.set("type", std::move(source_types));
  ev.set("source", std::move(source));
  add_entities(ev, d);
  return fhir::json::write(ev);
}

}  // namespace consent
