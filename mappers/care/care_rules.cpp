#include "mappers/care/care_rules.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/json/number.hpp"
#include "fhir/json/parse.hpp"
#include "mappers/outcomes/json_number.hpp"

namespace mappers::care {
namespace {

using fhir::json::Value;

// The file ships with the gateway: a bad one is our failure (fatal), and
// the expression names the member so the fix is one look away.
fhir::Issue bad_rules(const std::string& path, const std::string& what) {
  return fhir::make_issue(fhir::err::kInternal, "care rules: " + (path.empty() ? what : path + " " + what), path);
}

std::string member_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

// The "fields" entry documenting a member: array indexes become "[]", and
// every flag's switch and text share "flags.*.enabled" / "flags.*.display".
std::string doc_path(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '[') {
      out += "[]";
      i = path.find(']', i);
      if (i == std::string::npos) break;
    } else {
      out += path[i];
    }
  }
  if (out.rfind("flags.", 0) == 0) {
    const std::size_t dot = out.find('.', 6);
    if (dot != std::string::npos) {
      const std::string rest = out.substr(dot + 1);
      if (rest == "enabled" || rest == "display") return "flags.*." + rest;
    }
  }
  return out;
}

const Value kAbsent;

// R4 request-intent (required binding of ServiceRequest.intent).
constexpr std::array<std::string_view, 9> kRequestIntents = {
    "proposal", "plan", "directive", "order", "original-order", "reflex-order", "filler-order", "instance-order",
    "option"};

// Reads members by name and keeps the first problem only, so a bad file is
// refused naming exactly one member; after a problem every read returns a
// default and the caller's result is thrown away.
class Reader {
 public:
  explicit Reader(const Value& fields) : fields_(fields) {}

  bool failed() const { return issue_.has_value(); }
  fhir::Issue take_issue() { return std::move(*issue_); }

  void fail(const std::string& path, const std::string& what) {
    if (!issue_) issue_ = bad_rules(path, what);
  }

  // Refuses members of obj that are not in keys, and keys that "fields"
  // does not document.
  void only(const Value& obj, const std::string& path, std::initializer_list<std::string_view> keys) {
    for (const auto& member : obj.members())
      if (std::find(keys.begin(), keys.end(), member.first) == keys.end())
        fail(member_path(path, member.first), "is not a known member");
    for (std::string_view key : keys) {
      const std::string doc = doc_path(member_path(path, key));
      documented_.insert(doc);
      const Value* d = fields_.find(doc);
      if (d == nullptr || !d->is_string() || d->text().empty())
        fail(member_path(path, key), "is not documented in fields (\"" + doc + "\")");
    }
  }

  // After every object was read: a "fields" entry no member has is stale.
  void no_stale_docs() {
    for (const auto& member : fields_.members())
      if (documented_.count(member.first) == 0) fail("fields." + member.first, "documents no member");
  }

  const Value& object(const Value& obj, std::string_view key, const std::string& path) {
    const Value* v = obj.find(key);
    if (v == nullptr || !v->is_object()) {
      fail(member_path(path, key), "must be an object");
      return kAbsent;
    }
    return *v;
  }

  std::string text(const Value& obj, std::string_view key, const std::string& path) {
    std::string_view s = obj.string_at(key);
    if (s.empty()) fail(member_path(path, key), "must be a non-empty string");
    return std::string(s);
  }

  bool boolean(const Value& obj, std::string_view key, const std::string& path) {
    const Value* v = obj.find(key);
    if (v == nullptr || !v->is_bool()) {
      fail(member_path(path, key), "must be true or false");
      return false;
    }
    return v->as_bool();
  }

  int whole(const Value& obj, std::string_view key, const std::string& path, int at_least) {
    auto n = outcomes::whole_number_at(obj, key);
    if (!n || *n < at_least) {
      fail(member_path(path, key), "must be a whole number of at least " + std::to_string(at_least));
      return at_least;
    }
    return *n;
  }

  // A finite number of at least 0.
  double number(const Value& obj, std::string_view key, const std::string& path) {
    auto d = fhir::json::finite_number(obj.find(key));
    if (!d || *d < 0) {
      fail(member_path(path, key), "must be a number of at least 0");
      return 0;
    }
    return *d;
  }

  // Above 0, at most 100.
  double percent(const Value& obj, std::string_view key, const std::string& path) {
    auto d = fhir::json::finite_number(obj.find(key));
    if (!d || *d <= 0 || *d > 100) {
      fail(member_path(path, key), "must be a percent above 0 and at most 100");
      return 100;
    }
    return *d;
  }

  // A number, or null for none; the member itself is required.
  std::optional<double> number_or_null(const Value& obj, std::string_view key, const std::string& path) {
    const Value* v = obj.find(key);
    if (v != nullptr && v->is_null()) return std::nullopt;
    auto d = fhir::json::finite_number(v);
    if (!d || *d < 0) fail(member_path(path, key), "must be a number of at least 0, or null");
    return d;
  }

  // An array of non-empty strings (it may be empty).
  std::vector<std::string> strings(const Value& obj, std::string_view key, const std::string& path) {
    std::vector<std::string> out;
    const Value* v = obj.find(key);
    if (v == nullptr || !v->is_array()) {
      fail(member_path(path, key), "must be an array of non-empty strings");
      return out;
    }
    for (const auto& s : v->items()) {
      if (!s.is_string() || s.text().empty()) {
        fail(member_path(path, key), "must be an array of non-empty strings");
        return {};
      }
      out.push_back(s.text());
    }
    return out;
  }

  // A non-empty array of strictly ascending whole numbers of at least 1.
  std::vector<int> ascending(const Value& obj, std::string_view key, const std::string& path) {
    std::vector<int> out;
    const Value* v = obj.find(key);
    if (v != nullptr && v->is_array()) {
      for (const auto& item : v->items()) {
        auto n = outcomes::whole_number(item);
        if (!n || *n < 1 || (!out.empty() && *n <= out.back())) {
          out.clear();
          break;
        }
        out.push_back(*n);
      }
    }
    if (out.empty()) fail(member_path(path, key), "must be a non-empty array of ascending whole numbers of at least 1");
    return out;
  }

 private:

  const Value& fields_;
  std::set<std::string> documented_;  // the "fields" entries only() asked for
  std::optional<fhir::Issue> issue_;
};

void read_contacts(Reader& r, const Value& doc, CareRules& out) {
  const std::string p = "contacts";
  const Value& c = r.object(doc, p, "");
  r.only(c, p, {"encounter_statuses", "appointment_statuses", "scores", "crisis_classes"});
  out.contacts.encounter_statuses = r.strings(c, "encounter_statuses", p);
  out.contacts.appointment_statuses = r.strings(c, "appointment_statuses", p);
  out.contacts.scores = r.boolean(c, "scores", p);
  out.contacts.crisis_classes = r.strings(c, "crisis_classes", p);

  const std::string a = "appointments";
  const Value& ap = r.object(doc, a, "");
  r.only(ap, a, {"missed_statuses", "upcoming_statuses"});
  out.appointments.missed_statuses = r.strings(ap, "missed_statuses", a);
  out.appointments.upcoming_statuses = r.strings(ap, "upcoming_statuses", a);
  for (const auto& s : out.appointments.missed_statuses)
    if (std::find(out.contacts.appointment_statuses.begin(), out.contacts.appointment_statuses.end(), s) !=
        out.contacts.appointment_statuses.end())
      r.fail("appointments.missed_statuses", "names " + s + ", which contacts.appointment_statuses counts as attended");

  const std::string t = "treatment";
  const Value& tr = r.object(doc, t, "");
  r.only(tr, t,
         {"care_plan_statuses", "care_plan_categories", "episode_statuses", "score_within_days", "series_gap_days"});
  out.treatment.care_plan_statuses = r.strings(tr, "care_plan_statuses", t);
  out.treatment.care_plan_categories = r.strings(tr, "care_plan_categories", t);
  out.treatment.episode_statuses = r.strings(tr, "episode_statuses", t);
  out.treatment.score_within_days = r.whole(tr, "score_within_days", t, 1);
  out.treatment.series_gap_days = r.whole(tr, "series_gap_days", t, 1);
}

void read_instruments(Reader& r, const Value& doc, CareRules& out) {
  const Value* list = doc.find("instruments");
  if (list == nullptr || !list->is_array() || list->items().empty()) {
    r.fail("instruments", "must be a non-empty array");
    return;
  }
  for (std::size_t i = 0; i < list->items().size(); ++i) {
    const std::string p = "instruments[" + std::to_string(i) + "]";
    const Value& v = list->items()[i];
    if (!v.is_object()) {
      r.fail(p, "must be an object");
      return;
    }
    r.only(v, p, {"id", "min_baseline", "positive_screen", "remission_below", "response_percent", "why"});
    InstrumentRule rule;
    rule.id = r.text(v, "id", p);
    rule.min_baseline = r.number(v, "min_baseline", p);
    rule.positive_screen = r.number(v, "positive_screen", p);
    rule.remission_below = r.number_or_null(v, "remission_below", p);
    rule.response_percent = r.percent(v, "response_percent", p);
    if (v.find("why") != nullptr) r.text(v, "why", p);
    if (!rule.id.empty() && out.instrument(rule.id) != nullptr) r.fail(p + ".id", "repeats " + rule.id);
    out.instruments.push_back(std::move(rule));
  }
}

// One flag's object, its switch and text read; the caller reads the rest.
const Value& flag_object(Reader& r, const Value& flags, std::string_view name, bool& enabled, std::string& display,
                         std::initializer_list<std::string_view> keys) {
  const std::string p = "flags." + std::string(name);
  const Value& f = r.object(flags, name, "flags");
  r.only(f, p, keys);
  enabled = r.boolean(f, "enabled", p);
  display = r.text(f, "display", p);
  return f;
}

void read_flags(Reader& r, const Value& doc, CareRules& out) {
  const Value& flags = r.object(doc, "flags", "");
  r.only(flags, "flags",
         {"missed-appointments", "no-contact", "overdue-reassessment", "not-improving", "safety-item",
          "referral-no-outcome", "medication-change-unseen", "discharge-no-follow-up"});
  {
    auto& m = out.missed_appointments;
    const Value& f =
        flag_object(r, flags, "missed-appointments", m.enabled, m.display, {"enabled", "display", "in_a_row"});
    m.in_a_row = r.whole(f, "in_a_row", "flags.missed-appointments", 1);
  }
  {
    auto& m = out.no_contact;
    const Value& f = flag_object(r, flags, "no-contact", m.enabled, m.display, {"enabled", "display", "days"});
    m.days = r.ascending(f, "days", "flags.no-contact");
  }
  {
    auto& m = out.overdue_reassessment;
    const Value& f =
        flag_object(r, flags, "overdue-reassessment", m.enabled, m.display, {"enabled", "display", "days"});
    m.days = r.whole(f, "days", "flags.overdue-reassessment", 1);
  }
  {
    auto& m = out.not_improving;
    const std::string p = "flags.not-improving";
    const Value& f = flag_object(r, flags, "not-improving", m.enabled, m.display,
                                 {"enabled", "display", "early_weeks", "early_points", "early_percent", "late_weeks",
                                  "late_percent"});
    m.early_weeks = r.whole(f, "early_weeks", p, 1);
    m.early_points = r.number(f, "early_points", p);
    m.early_percent = r.percent(f, "early_percent", p);
    m.late_weeks = r.whole(f, "late_weeks", p, 1);
    m.late_percent = r.percent(f, "late_percent", p);
    if (m.late_weeks <= m.early_weeks) r.fail(p + ".late_weeks", "must be above early_weeks");
  }
  {
    auto& m = out.safety_item;
    const Value& f = flag_object(r, flags, "safety-item", m.enabled, m.display, {"enabled", "display", "instruments"});
    m.instruments = r.strings(f, "instruments", "flags.safety-item");
    for (const auto& id : m.instruments)
      if (out.instrument(id) == nullptr)
        r.fail("flags.safety-item.instruments", "names " + id + ", which instruments does not list");
  }
  {
    auto& m = out.referral;
    const std::string p = "flags.referral-no-outcome";
    const Value& f = flag_object(r, flags, "referral-no-outcome", m.enabled, m.display,
                                 {"enabled", "display", "days", "intents", "categories", "codes",
                                  "referral_statuses", "appointment_statuses", "encounter_statuses"});
    m.days = r.whole(f, "days", p, 1);
    m.intents = r.strings(f, "intents", p);
    // A misspelt intent would match no request and silence the flag.
    for (const auto& intent : m.intents)
      if (std::find(kRequestIntents.begin(), kRequestIntents.end(), intent) == kRequestIntents.end())
        r.fail(p + ".intents", "names " + intent + ", which is no R4 request-intent code");
    m.categories = r.strings(f, "categories", p);
    m.codes = r.strings(f, "codes", p);
    m.referral_statuses = r.strings(f, "referral_statuses", p);
    m.appointment_statuses = r.strings(f, "appointment_statuses", p);
    m.encounter_statuses = r.strings(f, "encounter_statuses", p);
  }
  {
    auto& m = out.medication_change;
    const std::string p = "flags.medication-change-unseen";
    const Value& f = flag_object(r, flags, "medication-change-unseen", m.enabled, m.display,
                                 {"enabled", "display", "active_statuses", "ended_statuses", "needs_another_source"});
    m.active_statuses = r.strings(f, "active_statuses", p);
    m.ended_statuses = r.strings(f, "ended_statuses", p);
    m.needs_another_source = r.boolean(f, "needs_another_source", p);
  }
  {
    auto& m = out.discharge;
    const std::string p = "flags.discharge-no-follow-up";
    const Value& f = flag_object(r, flags, "discharge-no-follow-up", m.enabled, m.display,
                                 {"enabled", "display", "days", "lookback_days", "encounter_statuses",
                                  "episode_statuses"});
    m.days = r.whole(f, "days", p, 1);
    m.lookback_days = r.whole(f, "lookback_days", p, 1);
    // At or under days nothing could ever be raised.
    if (m.lookback_days <= m.days) r.fail(p + ".lookback_days", "must be above days");
    m.encounter_statuses = r.strings(f, "encounter_statuses", p);
    m.episode_statuses = r.strings(f, "episode_statuses", p);
  }
}

void read_measures(Reader& r, const Value& doc, CareRules& out) {
  const Value& m = r.object(doc, "measures", "");
  r.only(m, "measures", {"outcome_days", "follow_up_days"});
  out.measures.outcome_days = r.ascending(m, "outcome_days", "measures");
  out.measures.follow_up_days = r.ascending(m, "follow_up_days", "measures");
}

fhir::Result<CareRules> from_doc(const Value& doc) {
  if (!doc.is_object()) return bad_rules("", "the file must hold a JSON object");
  const Value* fields = doc.find("fields");
  if (fields == nullptr || !fields->is_object()) return bad_rules("fields", "must be an object");
  Reader r(*fields);
  for (const auto& [name, text] : fields->members())
    if (!text.is_string() || text.text().empty()) r.fail("fields." + name, "must be a non-empty string");
  r.only(doc, "",
         {"version", "description", "fields", "contacts", "appointments", "treatment", "instruments", "flags",
          "measures"});
  CareRules out;
  out.version = r.text(doc, "version", "");
  r.text(doc, "description", "");
  read_contacts(r, doc, out);
  read_instruments(r, doc, out);
  read_flags(r, doc, out);
  read_measures(r, doc, out);
  r.no_stale_docs();
  if (r.failed()) return r.take_issue();
  return out;
}

}  // namespace

const InstrumentRule* CareRules::instrument(std::string_view id) const {
  for (const auto& rule : instruments)
    if (rule.id == id) return &rule;
  return nullptr;
}

fhir::Result<CareRules> parse_care_rules(std::string_view json) {
  auto doc = fhir::json::parse(json);
  if (!doc) return bad_rules("", "not JSON: " + doc.issue().diagnostics);
  return from_doc(*doc);
}

fhir::Result<CareRules> load_care_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad_rules("", "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto rules = parse_care_rules(ss.str());
  if (!rules) {
    fhir::Issue issue = rules.take_issue();
    issue.diagnostics += " (" + path + ")";
    return issue;
  }
  return rules;
}

}  // namespace mappers::care
