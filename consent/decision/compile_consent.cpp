// Consent JSON -> CompiledConsent (compiled_consent.hpp). Rules G1, G2, G4
// of the consent design (README "Consent decisions"): what makes a consent
// applicable is checked per decision; what makes it computable is settled
// here, once, when the consent is written or loaded.
#include <array>
#include <string>

#include "consent/decision/compiled_consent.hpp"
#include "consent/labels/security_label.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/search/date_range.hpp"

namespace consent {
namespace {

using fhir::json::Value;

constexpr std::string_view kScopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope";
constexpr std::string_view kActionSystem = "http://terminology.hl7.org/CodeSystem/consentaction";
constexpr std::string_view kActReasonSystem = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
constexpr std::string_view kResourceTypesSystem = "http://hl7.org/fhir/resource-types";
constexpr std::string_view kMimeSystem = "urn:ietf:bcp:13";

const std::vector<Value>& items(const Value* v) {
  static const std::vector<Value> kNone;
  return v != nullptr ? v->items() : kNone;
}

const std::vector<Value>& codings(const Value* cc) {
  return cc != nullptr ? items(cc->find("coding")) : items(nullptr);
}

bool has_coding(const Value* cc, std::string_view system, std::string_view code) {
  for (const auto& c : codings(cc))
    if (c.string_at("system") == system && c.string_at("code") == code) return true;
  return false;
}

// LEAP writes "http://loinc.org/": a trailing slash does not make another system.
std::string canonical_system(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

struct Compiler {
  const Value& consent;
  std::string reason;  // first reason the consent is not computable

  void not_computable(std::string why) {
    if (reason.empty()) reason = std::move(why);
  }

  bool period(const Value* p, const std::string& where, TimeRange& out) {
    out = {fhir::search::kMinInstant, fhir::search::kMaxInstant};
    if (p == nullptr) return false;
    if (auto s = p->string_at("start"); !s.empty()) {
      auto r = fhir::search::parse_date_range(s);
      if (!r) {
        not_computable(where + ".start is not a dateTime");
        return false;
      }
      out.low = r->low;
    }
    if (auto e = p->string_at("end"); !e.empty()) {
      auto r = fhir::search::parse_date_range(e);
      if (!r) {
        not_computable(where + ".end is not a dateTime");
        return false;
      }
      out.high = r->high;  // inclusive: a date-only end covers its whole day
    }
    return true;
  }

  std::vector<Identifier> identifiers(const Value* list) {
    std::vector<Identifier> out;
    for (const auto& i : items(list))
      out.push_back({std::string(i.string_at("system")), std::string(i.string_at("value"))});
    return out;
  }

  void actor(const Value& a, Provision& p) {
    bool source_side = false;
    std::string role;
    for (const auto& c : codings(a.find("role"))) {
      role = std::string(c.string_at("code"));
      if (role == "CST" || role == "AUT") source_side = true;
    }
    if (source_side) {
      ++p.ignored_actors;
      return;
    }
    ActorRef out;
    out.role = role;
    if (const auto* ref = a.find("reference")) {
      std::string_view literal = ref->string_at("reference");
      if (!literal.empty() && literal[0] == '#') {
        for (const auto& c : items(consent.find("contained")))
          if (c.string_at("id") == literal.substr(1)) out.identifiers = identifiers(c.find("identifier"));
      } else {
        out.reference = std::string(relative_reference(literal));
      }
      if (const auto* id = ref->find("identifier"))
        out.identifiers.push_back({std::string(id->string_at("system")), std::string(id->string_at("value"))});
    }
    p.has_actors = true;
    p.actors.push_back(std::move(out));
  }

  void label(const Value& c, Provision& p) {
    std::string system(c.string_at("system")), code(c.string_at("code"));
    ProvisionLabel l{LabelKind::other, system, code};
    static constexpr std::array<std::string_view, 4> kDeprecated = {"ETH", "PSY", "HIV", "SDV"};
    if (code == "42CFRPart2" && (system == kPrivacyLawSystem || system == kActCodeSystem)) {
      l.kind = LabelKind::part2;
    } else if (system == kConfidentialitySystem) {
      l.rank = confidentiality_rank(code);
      if (l.rank >= 0) {
        l.kind = LabelKind::confidentiality;
      } else {
        // "Replaced by ActCode.ETH" etc.: the deprecated v3-Confidentiality
        // sensitivity codes read as their ActCode successors.
        for (auto d : kDeprecated)
          if (code == d) l = {LabelKind::sensitivity, std::string(kActCodeSystem), code};
      }
    } else if (system == kActCodeSystem) {
      l.kind = LabelKind::sensitivity;
    }
    p.labels.push_back(std::move(l));
  }

  void klass(const Value& c, Provision& p) {
    std::string_view system = c.string_at("system"), code = c.string_at("code");
    ProvisionClass out{ClassKind::profile, std::string(code)};
    if (system == kResourceTypesSystem ||
        (system.empty() && code.find(':') == std::string_view::npos && code.find('/') == std::string_view::npos)) {
      out.kind = ClassKind::resource_type;
    } else if (system == kMimeSystem) {
      out.kind = ClassKind::mime_type;
    } else if (auto bar = out.value.find('|'); bar != std::string::npos) {
      out.value.resize(bar);  // a profile matches whatever version meta.profile names
    }
    if (out.kind != ClassKind::resource_type) p.needs_content = true;
    p.classes.push_back(std::move(out));
  }

  void data(const Value& d, Provision& p) {
    std::string_view meaning = d.string_at("meaning");
    DataMeaning m = DataMeaning::related;
    if (meaning == "instance")
      m = DataMeaning::instance;
    else if (meaning == "related")
      m = DataMeaning::related;
    else if (meaning == "dependents")
      m = DataMeaning::dependents;
    else if (meaning == "authoredby")
      m = DataMeaning::authoredby;
    else
      not_computable("provision.data.meaning '" + std::string(meaning) + "' is not a DataMeaning code");
    const Value* ref = d.find("reference");
    std::string target(relative_reference(ref != nullptr ? ref->string_at("reference") : ""));
    if (target.empty()) not_computable("provision.data.reference is not a literal Type/id reference");
    if (m != DataMeaning::instance) p.needs_content = true;
    p.data.push_back({m, std::move(target)});
  }

  Provision provision(const Value& v, std::string path, bool nested) {
    Provision p;
    p.path = path;
    std::string_view type = v.string_at("type");
    if (type == "permit")
      p.type = ProvisionType::permit;
    else if (type == "deny")
      p.type = ProvisionType::deny;
    else if (!type.empty())
      not_computable(path + ".type '" + std::string(type) + "' is neither permit nor deny");
    else if (nested)
      not_computable(path + " has no type (R4: required in all nested rules)");
    p.has_period = period(v.find("period"), path + ".period", p.period);
    for (const auto& a : items(v.find("actor"))) actor(a, p);
    for (const auto& c : items(v.find("purpose"))) {
      std::string_view system = c.string_at("system");
      if (system.empty() || system == kActReasonSystem) p.purposes.emplace_back(c.string_at("code"));
    }
    p.purpose_unmatchable = p.purposes.empty() && !items(v.find("purpose")).empty();
    const auto& actions = items(v.find("action"));
    p.has_actions = !actions.empty();
    if (p.has_actions) {
      // R4: "the only action in the understood and tested scope of this
      // resource is 'read'"; a disclosure is access, disclose or use.
      p.action_covers_read = false;
      for (const auto& a : actions)
        for (const auto& c : codings(&a)) {
          std::string_view s = c.string_at("system"), code = c.string_at("code");
          if ((s.empty() || s == kActionSystem) && (code == "access" || code == "disclose" || code == "use"))
            p.action_covers_read = true;
        }
    }
    for (const auto& c : items(v.find("securityLabel"))) label(c, p);
    for (const auto& c : items(v.find("class"))) klass(c, p);
    for (const auto& cc : items(v.find("code")))
      for (const auto& c : codings(&cc))
        p.codes.push_back({canonical_system(c.string_at("system")), std::string(c.string_at("code"))});
    if (!p.codes.empty()) p.needs_content = true;
    p.has_data_period = period(v.find("dataPeriod"), path + ".dataPeriod", p.data_period);
    if (p.has_data_period) p.needs_content = true;
    for (const auto& d : items(v.find("data"))) data(d, p);
    const auto& kids = items(v.find("provision"));
    for (std::size_t i = 0; i < kids.size(); ++i)
      p.children.push_back(provision(kids[i], path + ".provision[" + std::to_string(i) + "]", true));
    return p;
  }
};

bool any_needs_content(const Provision& p) {
  if (p.needs_content) return true;
  for (const auto& c : p.children)
    if (any_needs_content(c)) return true;
  return false;
}

// G2: the policyRule's consent directive, when the root has no type.
ProvisionType policy_rule_base(const Value* rule, std::string& source) {
  for (const auto& c : codings(rule)) {
    std::string_view s = c.string_at("system"), code = c.string_at("code");
    if (!s.empty() && s != kActCodeSystem) continue;
    source = "policyRule " + std::string(code);
    if (code == "OPTIN" || code == "OPTINR") return ProvisionType::permit;
    // EMRGONLY: deny; emergencies are opened by the policy's emergency rule.
    if (code == "OPTOUT" || code == "OPTOUTE" || code == "EMRGONLY") return ProvisionType::deny;
  }
  source.clear();
  return ProvisionType::none;
}

}  // namespace

fhir::Result<CompiledConsent> compile_consent(const Value& consent, std::string_view id, std::int64_t version) {
  if (!consent.is_object() || consent.string_at("resourceType") != "Consent")
    return fhir::make_issue(fhir::err::kWrongResourceType, "a consent decision needs a Consent", "Consent");
  CompiledConsent out;
  out.id = std::string(id);
  out.version = version;
  out.status = std::string(consent.string_at("status"));
  out.active = out.status == "active";
  out.privacy_scope = has_coding(consent.find("scope"), kScopeSystem, "patient-privacy");
  for (const auto& cat : items(consent.find("category")))
    if (has_coding(&cat, kScopeSystem, "patient-privacy")) out.privacy_scope = true;  // LEAP fixtures
  if (const auto* patient = consent.find("patient")) {
    std::string_view ref = relative_reference(patient->string_at("reference"));
    if (reference_type(ref) == "Patient") out.patient_id = std::string(ref.substr(8));
  }

  Compiler compiler{consent, {}};
  static const Value kEmpty = Value::make_object();
  const Value* root = consent.find("provision");
  out.root = compiler.provision(root != nullptr ? *root : kEmpty, "provision", false);
  if (out.root.type != ProvisionType::none) {
    out.base = out.root.type;
    out.base_source = "provision.type";
  } else {
    out.base = policy_rule_base(consent.find("policyRule"), out.base_source);
    if (out.base == ProvisionType::none)
      compiler.not_computable("no root provision.type and no OPTIN/OPTINR/OPTOUT/OPTOUTE policyRule");
  }
  out.not_computable_reason = std::move(compiler.reason);
  out.computable = out.not_computable_reason.empty();
  out.needs_content = any_needs_content(out.root);
  return out;
}

std::string consent_label(const CompiledConsent& c) {
  return "Consent/" + c.id + "/_history/" + std::to_string(c.version);
}

}  // namespace consent
