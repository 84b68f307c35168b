// carebridge patients links|link|unlink|match --db PATH ...: the links
// between Patient records of one person (issue 9), kept in the store's
// link table. Writes go through the store's writer, so this works while a
// server runs on the same store file, and counts there once it returns.
// Nothing here prints PHI: link lines carry ids and scores, match prints
// the evidence summary (fields, levels, weights), never the values
// compared.
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "gateway/app/runtime.hpp"
#include "gateway/cli/cli_store.hpp"
#include "gateway/cli/commands.hpp"
#include "gateway/config/settings_loader.hpp"
#include "gateway/storage/write_sync.hpp"
#include "mappers/identity/match_evidence.hpp"
#include "mappers/identity/patient_matcher.hpp"

namespace gateway {
namespace {

namespace identity = mappers::identity;
using fhir::store::PatientLink;

constexpr const char* kUsage =
    "usage: carebridge patients links --db PATH [--patient ID] [--state linked|review|rejected]\n"
    "       carebridge patients link --db PATH --a ID --b ID [--by NAME]\n"
    "       carebridge patients unlink --db PATH --a ID --b ID [--by NAME]\n"
    "       carebridge patients match --db PATH --a ID --b ID [--record]\n";

// What automatic matching writes as decided_by (store.hpp is_manual).
constexpr std::string_view kAutomatic = "auto";

// Servers on the store follow the link table every change_poll_ms (its
// generation, store_meta patient_link_generation); waiting a few of those
// before returning means that when `link`, `unlink` or `match --record`
// has returned, every running server already shows and decides by the
// change (Patient.link, consent across the linked records, $everything),
// as `client add|revoke` do for the registry.
void wait_for_servers(int change_poll_ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * change_poll_ms + 20));
}

int fail(const std::string& why) {
  std::fprintf(stderr, "carebridge patients: %s\n", why.c_str());
  return 1;
}

// The flags after the subcommand: those taking a value, and --record.
struct Flags {
  std::map<std::string, std::string> values;
  bool record = false;
  std::string value(const std::string& flag) const {
    auto it = values.find(flag);
    return it == values.end() ? std::string() : it->second;
  }
};

fhir::Result<Flags> parse_flags(const std::vector<std::string>& rest, const std::vector<std::string>& allowed,
                                bool record_allowed) {
  Flags f;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const std::string& flag = rest[i];
    if (flag == "--record" && record_allowed) {
      f.record = true;
      continue;
    }
    bool known = false;
    for (const auto& a : allowed) known = known || a == flag;
    if (!known) return fhir::make_issue(fhir::err::kInvalidParameter, "unknown option " + flag);
    if (i + 1 >= rest.size() || rest[i + 1].empty())
      return fhir::make_issue(fhir::err::kInvalidParameter, flag + " needs a value");
    f.values[flag] = rest[++i];
  }
  return f;
}

// The two ids of a pair command, both given and different.
fhir::Status check_pair(const Flags& f) {
  if (f.value("--a").empty() || f.value("--b").empty())
    return fhir::make_issue(fhir::err::kInvalidParameter, "--a ID and --b ID are required");
  if (f.value("--a") == f.value("--b"))
    return fhir::make_issue(fhir::err::kInvalidParameter, "--a and --b name the same Patient");
  return fhir::ok_status();
}

// decided_by of a person's decision: "manual" or "manual:NAME". Link lines
// are space-separated, so a name is one printable word.
fhir::Result<std::string> manual_decider(const std::string& name) {
  if (name.empty()) return std::string("manual");
  for (char c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f')
      return fhir::make_issue(fhir::err::kInvalidParameter, "--by takes one word without spaces");
  return "manual:" + name;
}

std::string format_score(double score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", score);
  return buf;
}

void print_link(const PatientLink& l) {
  std::printf("%s %s %s %s %s %s\n", l.a.c_str(), l.b.c_str(), l.state.c_str(), format_score(l.score).c_str(),
              l.grade.empty() ? "-" : l.grade.c_str(), l.decided_by.c_str());
}

int list_links(fhir::store::Store& store, const std::vector<std::string>& rest) {
  auto f = parse_flags(rest, {"--patient", "--state"}, false);
  if (!f) return fail(f.issue().diagnostics);
  fhir::store::PatientLinkQuery q;
  q.patient = f->value("--patient");
  q.state = f->value("--state");
  if (!q.state.empty() && q.state != "linked" && q.state != "review" && q.state != "rejected")
    return fail("--state is linked, review or rejected");
  auto links = store.list_patient_links(q);
  if (!links) return fail(links.issue().diagnostics);
  for (const auto& l : *links) print_link(l);
  return 0;
}

// Whether Patient/id is stored; deleted ones count only when allow_deleted.
fhir::Status check_patient(fhir::store::WriteTxn& tx, const std::string& id, bool allow_deleted) {
  auto head = tx.head("Patient", id);
  if (!head) return head.take_issue();
  if (!*head || ((*head)->deleted && !allow_deleted))
    return fhir::make_issue(fhir::err::kNotFound, "Patient/" + id + " is not in the store");
  return fhir::ok_status();
}

// link (state linked) and unlink (state rejected): a person's decision. It
// keeps the score and evidence of a row the matcher left for review, so
// the evidence the decision was made on stays with it.
int decide(fhir::store::Store& store, const fhir::Clock& clock, const std::vector<std::string>& rest,
           const std::string& state, int change_poll_ms) {
  auto f = parse_flags(rest, {"--a", "--b", "--by"}, false);
  if (!f) return fail(f.issue().diagnostics);
  if (auto st = check_pair(*f); !st) return fail(st.issue().diagnostics);
  auto by = manual_decider(f->value("--by"));
  if (!by) return fail(by.issue().diagnostics);
  const std::string a = f->value("--a");
  const std::string b = f->value("--b");
  const std::string decided_by = *by;
  const std::int64_t now = clock.now_ms();
  // Unlinking a deleted record is allowed: its old links may still stand.
  const bool allow_deleted = state == "rejected";
  auto st = write_sync(store, [&](fhir::store::WriteTxn& tx) -> fhir::Status {
    if (auto c = check_patient(tx, a, allow_deleted); !c) return c;
    if (auto c = check_patient(tx, b, allow_deleted); !c) return c;
    auto old = tx.patient_link(a, b);
    if (!old) return old.take_issue();
    PatientLink l = old->value_or(PatientLink{});
    l.a = a;
    l.b = b;
    l.state = state;
    l.decided_by = decided_by;
    l.updated_ms = now;
    auto put = tx.put_patient_link(l);
    if (!put) return put.take_issue();
    return fhir::ok_status();
  });
  if (!st) return fail(st.issue().diagnostics);
  wait_for_servers(change_poll_ms);
  std::printf("Patient/%s and Patient/%s %s (%s)\n", a.c_str(), b.c_str(), state.c_str(), decided_by.c_str());
  return 0;
}

fhir::Result<identity::Demographics> read_demographics(fhir::store::Store& store, const std::string& id) {
  auto head = store.read_head("Patient", id);
  if (!head) return head.take_issue();
  if (!*head || (*head)->deleted)
    return fhir::make_issue(fhir::err::kNotFound, "Patient/" + id + " is not in the store");
  auto json = fhir::json::parse((*head)->json);
  if (!json) return json.take_issue();
  return identity::patient_demographics(*json);
}

// Stores a match as automatic matching would: link or review as a row,
// none as no row; a person's decision on the pair is left as it is.
fhir::Result<std::string> record_match(fhir::store::Store& store, const fhir::Clock& clock, const std::string& a,
                                       const std::string& b, const identity::MatchResult& r) {
  PatientLink l;
  l.a = a;
  l.b = b;
  l.state = r.outcome == identity::Outcome::link ? "linked" : "review";
  l.score = r.score;
  if (r.grade) l.grade = std::string(identity::match_grade_code(*r.grade));
  l.evidence = fhir::json::write(identity::evidence_json(r));
  l.decided_by = std::string(kAutomatic);
  l.rules_version = r.rules_version;
  l.updated_ms = clock.now_ms();
  std::string note;
  auto st = write_sync(store, [&](fhir::store::WriteTxn& tx) -> fhir::Status {
    auto old = tx.patient_link(a, b);
    if (!old) return old.take_issue();
    if (*old && fhir::store::is_manual((*old)->decided_by)) {
      note = "not recorded: the pair was " + (*old)->state + " by " + (*old)->decided_by;
      return fhir::ok_status();
    }
    if (r.outcome == identity::Outcome::none) {
      auto removed = tx.remove_patient_link(a, b);
      if (!removed) return removed.take_issue();
      note = *removed ? "recorded: the earlier automatic row was removed" : "recorded: no link";
      return fhir::ok_status();
    }
    auto put = tx.put_patient_link(l);
    if (!put) return put.take_issue();
    note = "recorded as " + l.state;
    return fhir::ok_status();
  });
  if (!st) return st.take_issue();
  return note;
}

int match_pair(fhir::store::Store& store, const fhir::Clock& clock, const std::string& share_dir,
               const std::vector<std::string>& rest, int change_poll_ms) {
  auto f = parse_flags(rest, {"--a", "--b"}, true);
  if (!f) return fail(f.issue().diagnostics);
  if (auto st = check_pair(*f); !st) return fail(st.issue().diagnostics);
  const std::string a = f->value("--a");
  const std::string b = f->value("--b");
  auto rules = identity::MatchingRules::load(share_dir + "/mappers/matching-rules.json");
  if (!rules) return fail(rules.issue().diagnostics);
  auto da = read_demographics(store, a);
  if (!da) return fail(da.issue().diagnostics);
  auto db = read_demographics(store, b);
  if (!db) return fail(db.issue().diagnostics);
  const identity::MatchResult r = identity::match(*da, *db, **rules);
  std::printf("%s %s %s\n", std::string(identity::outcome_code(r.outcome)).c_str(), format_score(r.score).c_str(),
              r.grade ? std::string(identity::match_grade_code(*r.grade)).c_str() : "-");
  std::printf("evidence: %s\n", r.summary().c_str());
  if (!f->record) return 0;
  auto note = record_match(store, clock, a, b, r);
  if (!note) return fail(note.issue().diagnostics);
  wait_for_servers(change_poll_ms);
  std::printf("%s\n", note->c_str());
  return 0;
}

}  // namespace

int patients_command(const std::vector<std::string>& args) {
  const std::string sub = args.empty() ? std::string() : args[0];
  if (sub != "links" && sub != "link" && sub != "unlink" && sub != "match") {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto loaded = load_settings(std::vector<std::string>(args.begin() + 1, args.end()));
  if (!loaded) return fail(loaded.issue().diagnostics);
  fhir::SystemClock clock;
  auto store = open_command_store(loaded->settings, clock);
  if (!store) return fail(store.issue().diagnostics);
  int code = 2;
  const int poll_ms = loaded->settings.change_poll_ms;
  if (sub == "links") code = list_links(**store, loaded->rest);
  else if (sub == "link") code = decide(**store, clock, loaded->rest, "linked", poll_ms);
  else if (sub == "unlink") code = decide(**store, clock, loaded->rest, "rejected", poll_ms);
  else code = match_pair(**store, clock, resolve_share_dir(loaded->settings.share_dir), loaded->rest, poll_ms);
  (*store)->close();
  return code;
}

}  // namespace gateway
