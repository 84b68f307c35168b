#include "consent/decision/provision_eval.hpp"

#include "consent/decision/actor_match.hpp"
#include "consent/decision/content_match.hpp"

namespace consent {
namespace {

// AND of tri-state matches: no wins, then unknown.
struct Conjunction {
  Match state = Match::yes;
  const char* failed = "";
  bool add(Match m, const char* what) {
    if (m == Match::no) {
      state = Match::no;
      failed = what;
      return false;
    }
    if (m == Match::unknown) state = Match::unknown;
    return true;
  }
};

template <class List, class F>
Match any(const List& list, F&& f) {
  Match out = Match::no;
  for (const auto& item : list) {
    Match m = f(item);
    if (m == Match::yes) return Match::yes;
    if (m == Match::unknown) out = Match::unknown;
  }
  return out;
}

Match yes_if(bool b) { return b ? Match::yes : Match::no; }

// Does node (effective type `effective`) match? Adds what it says to scope.
Match match(const Provision& node, ProvisionType effective, const EvalContext& ctx, PathScope& scope,
            const char*& failed) {
  const ResourceFacts& f = ctx.facts;
  Conjunction all;
  bool ok =
      (!node.has_period || all.add(yes_if(node.period.contains(ctx.now_ms)), "period")) &&
      (!node.has_actions || all.add(yes_if(node.action_covers_read), "action")) &&
      (!node.purpose_unmatchable || all.add(Match::no, "purpose")) &&
      (node.purposes.empty() ||
       all.add(yes_if(ctx.purposes.any_of(ctx.requester.purpose, node.purposes)), "purpose")) &&
      (node.labels.empty() ||
       all.add(any(node.labels,
                   [&](const ProvisionLabel& l) { return yes_if(ctx.labels.matches(l, effective, f.labels)); }),
               "securityLabel")) &&
      (node.classes.empty() ||
       all.add(any(node.classes, [&](const ProvisionClass& c) { return class_matches(c, f); }), "class")) &&
      (node.codes.empty() || all.add(code_matches(node.codes, f), "code")) &&
      (!node.has_data_period || all.add(data_period_matches(node.data_period, f), "dataPeriod")) &&
      (node.data.empty() || all.add(any(node.data, [&](const DataRef& d) { return data_matches(d, f); }), "data")) &&
      (!node.has_actors ||
       all.add(
           any(node.actors, [&](const ActorRef& a) { return yes_if(actor_matches(a, ctx.requester, ctx.directory)); }),
           "actor"));
  failed = all.failed;
  if (!ok) return Match::no;
  if (node.has_actors) scope.recipient_actors = scope.recipient_named = true;
  bool lists = !node.classes.empty() || !node.codes.empty() || !node.data.empty();
  if (lists || !node.labels.empty()) scope.data_scoped = true;
  if (lists) scope.scopes_part2 = true;
  for (const auto& l : node.labels) {
    if (ctx.labels.scopes_part2(l)) scope.scopes_part2 = true;
    if (ctx.labels.scopes_psythpn(l)) scope.scopes_psythpn = true;
  }
  return all.state;
}

struct NodeResult {
  Match known = Match::yes;  // unknown: some matching needed the content
  ProvisionType effect = ProvisionType::none;
  const Provision* provision = nullptr;
  PathScope scope;
};

NodeResult decide(const Provision& node, ProvisionType d, const PathScope& scope, const EvalContext& ctx) {
  bool unknown = false;
  NodeResult best_permit;
  bool have_permit = false, permit_covers = false;
  for (const auto& child : node.children) {
    ProvisionType dc = child.type != ProvisionType::none ? child.type : d;
    PathScope sc = scope;
    const char* failed = "";
    Match m = match(child, dc, ctx, sc, failed);
    if (m == Match::no) continue;
    if (m == Match::unknown) {
      unknown = true;
      continue;
    }
    NodeResult r = decide(child, dc, sc, ctx);
    if (r.known == Match::unknown) {
      unknown = true;
    } else if (r.effect == ProvisionType::deny) {
      return r;  // deny-overrides: nothing else can change it
    } else if (!permit_covers) {
      bool covers = ctx.covers(r.scope, ctx.covers_arg);
      if (!have_permit || covers) best_permit = r;
      have_permit = true;
      permit_covers = covers;
    }
  }
  if (unknown) return {Match::unknown, ProvisionType::none, &node, scope};
  if (have_permit) return best_permit;
  return {Match::yes, d, &node, scope};
}

ConsentOutcome outcome_for(ConsentOutcome out, Applies why) {
  out.applies = why;
  return out;
}

}  // namespace

ConsentOutcome evaluate_consent(const CompiledConsent& c, const EvalContext& ctx) {
  ConsentOutcome out;
  if (!c.active) return outcome_for(out, Applies::inactive);
  if (!c.privacy_scope) return outcome_for(out, Applies::not_privacy);
  if (c.root.has_period && !c.root.period.contains(ctx.now_ms)) return outcome_for(out, Applies::out_of_period);
  if (!c.computable && c.base != ProvisionType::deny) return outcome_for(out, Applies::not_computable);
  PathScope scope;
  Match m = match(c.root, c.base, ctx, scope, out.failed);
  if (m == Match::no) return outcome_for(out, Applies::root_not_matched);
  if (m == Match::unknown) return outcome_for(out, Applies::needs_content);
  if (!c.computable) {
    // An opt-out whose exceptions cannot be read: deny what its root covers.
    out.effect = ProvisionType::deny;
    out.provision = &c.root;
    return out;
  }
  NodeResult r = decide(c.root, c.base, scope, ctx);
  if (r.known == Match::unknown) return outcome_for(out, Applies::needs_content);
  out.effect = r.effect;
  out.provision = r.provision;
  out.scope = r.scope;
  return out;
}

}  // namespace consent
