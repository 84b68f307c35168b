#include "consent/decision/decision_engine.hpp"

#include "consent/decision/provision_eval.hpp"

namespace consent {
namespace {

struct Needs {
  DataClass data;
  PurposeClass purpose;
  const Policy* policy;
};

// G8: is a permit with this path good enough for the data?
bool covers(const PathScope& s, const void* arg) {
  const auto& n = *static_cast<const Needs*>(arg);
  if (n.data.part2) {
    // 42 CFR 2.31(a)(4)(i): a named recipient, or "my treating providers,
    // health plans, ..." for a single TPO consent; (a)(3): the information
    // identified "in a specific and meaningful fashion".
    bool recipient =
        s.recipient_named || (!s.recipient_actors && n.policy->general_designation_allowed() && n.purpose.tpo);
    bool scoped = s.scopes_part2 || n.policy->optin_without_data_scope_covers_part2();
    if (!recipient || !scoped) return false;
  }
  if (n.data.psythpn && !s.scopes_psythpn) return false;  // 45 CFR 164.508(a)(2)
  if (n.data.sensitive && !n.data.part2 && !s.data_scoped) return false;
  return true;
}

const char* applies_text(Applies a) {
  switch (a) {
    case Applies::yes:
      return "applies";
    case Applies::other_patient:
      return "is about another patient";
    case Applies::inactive:
      return "is not active";
    case Applies::not_privacy:
      return "is not a patient-privacy consent";
    case Applies::out_of_period:
      return "is outside its provision.period (expired or not yet valid)";
    case Applies::not_computable:
      return "is not computable and gives no permission";
    case Applies::root_not_matched:
      return "does not apply: its root provision does not match on";
    case Applies::needs_content:
      return "needs the resource content to decide";
  }
  return "";
}

Verdict by_rule(Effect e, const Policy& p, RuleId id, bool break_glass = false) {
  return {e, nullptr, nullptr, &p.rule(id), break_glass};
}

}  // namespace

const char* effect_code(Effect e) {
  switch (e) {
    case Effect::permit:
      return "permit";
    case Effect::deny:
      return "deny";
    case Effect::needs_content:
      return "needs-content";
  }
  return "";
}

DecisionEngine::DecisionEngine(std::shared_ptr<const Policy> policy, const fhir::terminology::CodeSystem& act_reason,
                               const fhir::terminology::CodeSystem& act_code)
    : policy_(std::move(policy)), labels_(act_code, *policy_), purposes_(act_reason, *policy_) {}

bool DecisionEngine::needs_content(std::span<const CompiledConsent* const> consents) {
  for (const auto* c : consents)
    if (c != nullptr && c->active && c->needs_content) return true;
  return false;
}

Verdict DecisionEngine::evaluate(const Requester& r, const ResourceFacts& f,
                                 std::span<const CompiledConsent* const> consents, const Directory& d,
                                 std::int64_t now_ms) const {
  return run(r, f, consents, d, now_ms, nullptr);
}

Decision DecisionEngine::decide(const Requester& r, const ResourceFacts& f,
                                std::span<const CompiledConsent* const> consents, const Directory& d,
                                std::int64_t now_ms) const {
  Decision out;
  Verdict v = run(r, f, consents, d, now_ms, &out.notes);
  out.effect = v.effect;
  out.break_glass = v.break_glass;
  if (v.consent != nullptr) {
    out.basis = consent_label(*v.consent) + " " + (v.provision != nullptr ? v.provision->path : "provision");
  } else if (v.rule != nullptr) {
    out.basis = "policy:" + v.rule->id;
  } else {
    out.basis = "needs-content";
  }
  if (v.rule != nullptr) {
    out.legal_basis = v.rule->legal_basis;
    out.notes.push_back("rule " + v.rule->id + ": " + v.rule->why);
  }
  return out;
}

Verdict DecisionEngine::run(const Requester& r, const ResourceFacts& f,
                            std::span<const CompiledConsent* const> consents, const Directory& dir, std::int64_t now_ms,
                            std::vector<std::string>* notes) const {
  const Policy& p = *policy_;
  if (p.is_custodian(r.role)) return by_rule(Effect::permit, p, RuleId::custodian);

  const Needs needs{labels_.classify(f.labels), purposes_.classify(r.purpose), &p};
  const bool partner = p.is_partner(r.role);
  const bool emergency =
      needs.purpose.emergency && partner && (!needs.data.psythpn || p.emergency_opens_psychotherapy_notes());
  const EvalContext ctx{r, f, dir, now_ms, labels_, purposes_, &covers, &needs};

  if (notes != nullptr)
    for (const auto* c : consents) {
      bool ours = false;
      for (const auto& patient : f.patients) ours = ours || c->patient_id == patient;
      if (!ours) notes->push_back(consent_label(*c) + " " + applies_text(Applies::other_patient));
    }

  // One patient at a time; the empty patient stands for non-patient data.
  static const std::string kNoPatient;
  std::span<const std::string> patients(f.patients);
  if (patients.empty()) patients = std::span<const std::string>(&kNoPatient, 1);
  Verdict result{Effect::permit};
  bool unknown = false;
  for (const auto& patient : patients) {
    const CompiledConsent* deny_by = nullptr;
    const CompiledConsent* permit_by = nullptr;
    ConsentOutcome deny, permit;
    bool permit_covers = false, patient_unknown = false;
    for (const auto* c : consents) {
      if (patient.empty() || c->patient_id != patient) continue;
      ConsentOutcome o = evaluate_consent(*c, ctx);
      if (o.applies != Applies::yes) {
        if (o.applies == Applies::needs_content) patient_unknown = true;
        if (notes != nullptr) {
          std::string line = consent_label(*c) + " " + applies_text(o.applies);
          if (o.applies == Applies::root_not_matched) line += std::string(" ") + o.failed;
          if (o.applies == Applies::not_computable) line += ": " + c->not_computable_reason;
          notes->push_back(std::move(line));
        }
        continue;
      }
      if (notes != nullptr && !c->computable)
        notes->push_back(consent_label(*c) + " is not computable (" + c->not_computable_reason +
                         "); its opt-out base still denies what its root covers");
      if (o.effect == ProvisionType::deny) {
        if (deny_by == nullptr) {
          deny_by = c;
          deny = o;
        }
      } else if (!permit_covers) {
        bool cov = covers(o.scope, &needs);
        if (permit_by == nullptr || cov) {
          permit_by = c;
          permit = o;
        }
        permit_covers = cov;
      }
    }

    Verdict v;
    if (deny_by != nullptr) {
      if (emergency && p.emergency_overrides_consent_deny()) {
        v = by_rule(Effect::permit, p, RuleId::emergency, true);
        if (notes != nullptr)
          notes->push_back("emergency purpose overrides the deny of " + consent_label(*deny_by) + " " +
                           deny.provision->path);
      } else {
        v = {Effect::deny, deny_by, deny.provision, &p.rule(RuleId::consent_deny)};
      }
    } else if (patient_unknown) {
      unknown = true;
      continue;
    } else if (permit_by != nullptr && permit_covers) {
      v = {Effect::permit, permit_by, permit.provision,
           &p.rule(needs.data.part2 ? RuleId::part2_consent : RuleId::consent_permit)};
    } else {
      if (permit_by != nullptr && notes != nullptr)
        notes->push_back(consent_label(*permit_by) + " " + permit.provision->path +
                         " permits, but does not cover this data (Part 2 needs a named recipient or a TPO general "
                         "designation and a provision scoping Part 2/SUD data; psychotherapy notes need PSYTHPN; "
                         "other sensitive data needs a data scope)");
      if (!partner)
        v = by_rule(Effect::deny, p, RuleId::not_partner);
      else if (needs.data.part2)
        v = emergency ? by_rule(Effect::permit, p, RuleId::emergency, true)
                      : by_rule(Effect::deny, p, RuleId::part2_no_consent);
      else if (needs.data.psythpn)
        v = emergency ? by_rule(Effect::permit, p, RuleId::emergency, true)
                      : by_rule(Effect::deny, p, RuleId::psychotherapy_notes);
      else if (needs.data.sensitive)
        v = needs.purpose.sensitive_permit ? by_rule(Effect::permit, p, RuleId::sensitive_treatment)
            : emergency                    ? by_rule(Effect::permit, p, RuleId::emergency, true)
                                           : by_rule(Effect::deny, p, RuleId::sensitive_other_purpose);
      else if (needs.purpose.tpo)
        v = by_rule(Effect::permit, p, RuleId::tpo_default);
      else
        v = emergency ? by_rule(Effect::permit, p, RuleId::emergency, true) : by_rule(Effect::deny, p, RuleId::not_tpo);
    }
    if (v.effect == Effect::deny) return v;  // every patient must permit
    // Report the first permit, but a break-glass one if any was needed.
    if (result.rule == nullptr && result.consent == nullptr)
      result = v;
    else if (v.break_glass && !result.break_glass)
      result = v;
  }
  if (unknown) return {Effect::needs_content};
  return result;
}

}  // namespace consent
