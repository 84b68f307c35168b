// Patient matching (mappers/identity) against real Synthea patients
// (tests/fixtures/synthea-sud, the demo patients and, when present,
// ../shared/fixtures/synthea) under the shipped rules file. Variants are
// made by editing a parsed Patient the way a second EHR would send it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "mappers/identity/address_normalise.hpp"
#include "mappers/identity/match_evidence.hpp"
#include "mappers/identity/name_normalise.hpp"
#include "mappers/identity/patient_matcher.hpp"
#include "mappers/identity/telecom_normalise.hpp"
#include "tests/support/fixture_paths.hpp"

namespace mappers::identity {
namespace {

using fhir::json::Value;
namespace fs = std::filesystem;

constexpr std::string_view kSsn = "http://hl7.org/fhir/sid/us-ssn";
constexpr std::string_view kMpi = "urn:carebridge:mpi";
const std::string kSud = "d69f0917-eea1-af79-624f-1bd8b274b255";

std::string rules_path() { return carebridge::test::share_dir() + "/mappers/matching-rules.json"; }

const MatchingRules& rules() {
  static const std::shared_ptr<const MatchingRules> kRules = [] {
    auto r = MatchingRules::load(rules_path());
    EXPECT_TRUE(r.ok()) << r.issue().diagnostics;
    return r.ok() ? *r : nullptr;
  }();
  return *kRules;
}

Value rules_json() {
  auto v = fhir::json::parse(carebridge::test::read_file(rules_path()));
  EXPECT_TRUE(v.ok());
  return v.ok() ? std::move(*v) : Value();
}

// The Patient of every Synthea bundle under dir, by id.
void collect_patients(const fs::path& dir, std::map<std::string, Value>& out) {
  if (!fs::is_directory(dir)) return;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (f.path().extension() != ".json") continue;
    auto bundle = fhir::json::parse(carebridge::test::read_file(f.path().string()));
    if (!bundle.ok() || bundle->find("entry") == nullptr) continue;
    for (const auto& e : bundle->find("entry")->items())
      if (const Value* r = e.find("resource"); r != nullptr && r->string_at("resourceType") == "Patient")
        out.emplace(std::string(r->string_at("id")), *r);
  }
}

// Distinct Synthea patients: 7 in the repo, 25 with ../shared.
const std::vector<Value>& patients() {
  static const std::vector<Value> kPatients = [] {
    std::map<std::string, Value> by_id;
    collect_patients(carebridge::test::fixtures_dir() + "/synthea-sud", by_id);
    collect_patients(carebridge::test::demo_dir(), by_id);
    if (auto shared = carebridge::test::shared_fixtures_dir()) collect_patients(*shared + "/synthea", by_id);
    std::vector<Value> out;
    for (auto& [id, p] : by_id) out.push_back(std::move(p));
    return out;
  }();
  return kPatients;
}

const Value& patient(const std::string& id) {
  for (const auto& p : patients())
    if (p.string_at("id") == id) return p;
  ADD_FAILURE() << "no patient " << id;
  static const Value kNone;
  return kNone;
}

Demographics demo(const Value& p) {
  auto d = patient_demographics(p);
  EXPECT_TRUE(d.ok()) << d.issue().diagnostics;
  return d.ok() ? std::move(*d) : Demographics{};
}

MatchResult compare(const Value& a, const Value& b) { return match(demo(a), demo(b), rules()); }

const Evidence& line(const MatchResult& r, std::string_view field) {
  for (const auto& e : r.evidence)
    if (e.field == field) return e;
  ADD_FAILURE() << "no evidence for " << field;
  static const Evidence kNone;
  return kNone;
}

// --- Building variants, the way another system would send the patient ---

// Upper case with Latin-1 accents dropped, as a system without Unicode
// names keys them ("Frías523" -> "FRIAS523").
std::string ehr_upper(std::string_view s) {
  static constexpr std::string_view kLatin1 = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTSAAAAAAACEEEEIIIIDNOOOOO/OUUUUYTY";
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      out += kLatin1[static_cast<unsigned char>(s[++i]) - 0x80];
    } else {
      out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : static_cast<char>(c);
    }
  }
  return out;
}

// Street words as a clerk abbreviates them, upper-cased, the unit after a comma.
std::string abbreviate_line(const std::string& line, int& changed) {
  static const std::map<std::string, std::string> kShort = {
      {"Street", "ST."}, {"Avenue", "AVE"},  {"Boulevard", "BLVD"}, {"Drive", "DR."},   {"Road", "RD"},
      {"Lane", "LN"},    {"Court", "CT"},    {"Grove", "GRV"},      {"Crossroad", "XRD"}, {"Light", "LGT"},
      {"Landing", "LNDG"}, {"View", "VW"},   {"Brook", "BRK"},      {"Vista", "VIS"},   {"Alley", "ALY"},
      {"Branch", "BR"},  {"Arcade", "ARC"},  {"Flat", "FLT"},       {"Track", "TRAK"},  {"Apt", ", #"},
      {"Suite", ", STE"}, {"Unit", ", APT"}};
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    auto it = kShort.find(word);
    if (!out.empty() && (it == kShort.end() || it->second[0] != ',')) out += ' ';
    out += it == kShort.end() ? ehr_upper(word) : it->second;
    changed += it != kShort.end();
    word.clear();
  };
  for (char c : line) {
    if (c == ' ') flush();
    else word += c;
  }
  flush();
  return out;
}

std::string digits(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

int abbreviations = 0;  // across all variants: the address edits must bite

// A second EHR's copy: its own id and MRN, no SSN, upper-case names
// without accents or prefix, abbreviated address with ZIP+4, phone in
// another format.
Value second_ehr(const Value& p) {
  Value v = p;
  std::string id(p.string_at("id"));
  v.set("id", Value::make_string("ehr2-" + id.substr(0, 8)));
  Value ids = Value::make_array();
  Value mrn = Value::make_object();
  mrn.set("system", Value::make_string("urn:oid:2.16.840.1.113883.3.9999.2"));
  mrn.set("value", Value::make_string("MRN" + digits(id).substr(0, 7)));
  ids.push_back(std::move(mrn));
  v.set("identifier", std::move(ids));
  for (auto& n : v.find("name")->items()) {
    n.erase("prefix");
    if (Value* f = n.find("family")) *f = Value::make_string(ehr_upper(f->text()));
    for (auto& g : n.find("given")->items()) g = Value::make_string(ehr_upper(g.text()));
  }
  for (auto& a : v.find("address")->items()) {
    for (auto& l : a.find("line")->items()) l = Value::make_string(abbreviate_line(l.text(), abbreviations));
    if (Value* zip = a.find("postalCode")) *zip = Value::make_string(zip->text() + "-0417");
  }
  for (auto& t : v.find("telecom")->items()) {
    std::string d = digits(t.string_at("value"));
    if (t.string_at("system") == "phone" && d.size() == 10)
      t.set("value", Value::make_string("+1 (" + d.substr(0, 3) + ") " + d.substr(3, 3) + "-" + d.substr(6)));
  }
  return v;
}

int birth_day(const Value& p) { return std::stoi(std::string(p.string_at("birthDate").substr(8, 2))); }
int birth_month(const Value& p) { return std::stoi(std::string(p.string_at("birthDate").substr(5, 2))); }
bool transposable(const Value& p) { return birth_day(p) <= 12 && birth_day(p) != birth_month(p); }

// Day and month swapped: 1967-01-04 -> 1967-04-01.
void transpose_birth_date(Value& v) {
  std::string d(v.string_at("birthDate"));
  v.set("birthDate", Value::make_string(d.substr(0, 5) + d.substr(8, 2) + "-" + d.substr(5, 2)));
}

void add_identifier(Value& v, std::string_view system, std::string value) {
  Value id = Value::make_object();
  id.set("system", Value::make_string(std::string(system)));
  id.set("value", Value::make_string(std::move(value)));
  if (v.find("identifier") == nullptr) v.set("identifier", Value::make_array());
  v.find("identifier")->push_back(std::move(id));
}

void set_identifier(Value& v, std::string_view system, const std::string& value) {
  for (auto& id : v.find("identifier")->items())
    if (id.string_at("system") == system) id.set("value", Value::make_string(value));
}

const Value& first_name(const Value& p) { return p.find("name")->items()[0]; }
std::string first_given(const Value& p) { return first_name(p).find("given")->items()[0].text(); }

TEST(PatientMatchTest, TheFixturesHoldDistinctSyntheaPatients) {
  EXPECT_GE(patients().size(), 7u);
  if (carebridge::test::shared_fixtures_dir()) {
    EXPECT_EQ(patients().size(), 25u);
  }
  EXPECT_EQ(rules().version(), std::string(rules_json().string_at("version")));
}

// Issue 9: the same person from a second EHR links on demographics alone.
TEST(PatientMatchTest, TheSamePatientFromASecondEhrLinks) {
  for (const auto& p : patients()) {
    Value other = second_ehr(p);
    MatchResult r = compare(p, other);
    SCOPED_TRACE(r.summary());
    EXPECT_EQ(r.outcome, Outcome::link);
    EXPECT_EQ(r.grade, MatchGrade::certain);
    EXPECT_GE(r.total_weight, rules().link_threshold());
    EXPECT_GT(r.score, rules().score_at_link());
    EXPECT_EQ(line(r, "identifier:ssn").level, Agreement::missing);
    for (auto f : {"family_name", "given_name", "birth_date", "gender", "address", "phone"})
      EXPECT_EQ(line(r, f).level, Agreement::agree) << f;
    EXPECT_EQ(line(r, "email").level, Agreement::missing);
  }
  EXPECT_GT(abbreviations, 0);
}

TEST(PatientMatchTest, AccentsCaseAbbreviationsAndPhoneFormatAreNormalisedAway) {
  Value p = patient(kSud);
  p.find("name")->items()[0].set("family", Value::make_string("Frías-DuBuque211"));
  Value other = second_ehr(p);
  EXPECT_EQ(other.find("name")->items()[0].string_at("family"), "FRIAS-DUBUQUE211");
  Demographics a = demo(p), b = demo(other);
  EXPECT_EQ(a.names[0].family, "frias dubuque");
  EXPECT_EQ(b.names[0].family, "frias dubuque");
  EXPECT_EQ(a.names[0].given, (std::vector<std::string>{"ebony", "faustina"}));
  EXPECT_EQ(b.addresses[0].line, "115 stoltenberg row unit 59");
  EXPECT_EQ(a.addresses[0].line, b.addresses[0].line);
  EXPECT_EQ(b.addresses[0].postal_code, "11420");
  EXPECT_EQ(a.phones, (std::vector<std::string>{"5558689576"}));
  EXPECT_EQ(a.phones, b.phones);
  EXPECT_EQ(match(a, b, rules()).outcome, Outcome::link);
}

// Birth date keyed day-for-month and no phone: probably the person, but a
// human decides.
TEST(PatientMatchTest, ATransposedBirthDateWithoutPhoneIsReviewed) {
  int tried = 0;
  for (const auto& p : patients()) {
    if (!transposable(p)) continue;
    ++tried;
    Value other = second_ehr(p);
    transpose_birth_date(other);
    other.erase("telecom");
    MatchResult r = compare(p, other);
    SCOPED_TRACE(r.summary());
    EXPECT_EQ(r.outcome, Outcome::review);
    EXPECT_EQ(r.grade, MatchGrade::possible);
    EXPECT_EQ(line(r, "birth_date").level, Agreement::partial);
    EXPECT_EQ(line(r, "phone").level, Agreement::missing);
    EXPECT_GT(r.score, rules().score_at_review());
    EXPECT_LT(r.score, rules().score_at_link());
  }
  EXPECT_GT(tried, 0);
}

// With the phone the weight reaches the link threshold, but a demographic
// link needs the exact birth date.
TEST(PatientMatchTest, ATransposedBirthDateNeverLinksOnDemographics) {
  Value other = second_ehr(patient(kSud));
  transpose_birth_date(other);
  MatchResult r = compare(patient(kSud), other);
  EXPECT_GE(r.total_weight, rules().link_threshold()) << r.summary();
  EXPECT_EQ(r.outcome, Outcome::review);
  EXPECT_EQ(r.grade, MatchGrade::probable);
  EXPECT_TRUE(line(r, "birth_date").decisive);
  EXPECT_NE(r.reason.find("birth_date is partial, not agree"), std::string::npos) << r.reason;
}

// Every pair of different Synthea patients: none may link.
TEST(PatientMatchTest, DifferentPatientsNeverLink) {
  const auto& all = patients();
  int pairs = 0, review = 0, none = 0;
  double highest = -1e9;
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      MatchResult r = compare(all[i], all[j]);
      ++pairs;
      EXPECT_NE(r.outcome, Outcome::link) << r.summary();
      review += r.outcome == Outcome::review;
      none += r.outcome == Outcome::none;
      highest = std::max(highest, r.total_weight);
    }
  std::cout << "[ distinct ] " << all.size() << " patients, " << pairs << " pairs: " << review << " review, "
            << none << " none, highest weight " << highest << "\n";
  RecordProperty("pairs", pairs);
  RecordProperty("review", review);
  EXPECT_EQ(pairs, static_cast<int>(all.size() * (all.size() - 1) / 2));
  EXPECT_LT(highest, rules().link_threshold());
}

void typo(Value& v) {
  Value& family = *v.find("name")->items()[0].find("family");
  std::string f = family.text();
  for (std::size_t i = 1; i + 1 < f.size(); ++i)
    if (f[i] != f[i + 1]) {
      std::swap(f[i], f[i + 1]);
      break;
    }
  family = Value::make_string(f);
}

// A shared MPI id links even when the demographics alone would not.
TEST(PatientMatchTest, ASharedMpiIdLinksDespiteATypoInTheName) {
  Value a = patient(kSud);
  Value b = second_ehr(a);
  typo(b);
  EXPECT_NE(compare(a, b).outcome, Outcome::link) << compare(a, b).summary();
  add_identifier(a, kMpi, "MPI-000417");
  add_identifier(b, kMpi, " MPI-000417 ");
  MatchResult r = compare(a, b);
  EXPECT_EQ(r.outcome, Outcome::link) << r.summary();
  EXPECT_EQ(r.grade, MatchGrade::certain);
  EXPECT_EQ(r.score, 1.0);
  EXPECT_EQ(line(r, "identifier:mpi").level, Agreement::agree);
  EXPECT_TRUE(line(r, "identifier:mpi").decisive);
  EXPECT_EQ(line(r, "family_name").level, Agreement::disagree);
}

// Conflicting SSNs: never a match, whatever the demographics say.
TEST(PatientMatchTest, ConflictingSsnsAreCertainlyNot) {
  for (const auto& p : patients()) {
    Value other = p;
    other.set("id", Value::make_string("copy"));
    set_identifier(other, kSsn, "999-12-3456");
    MatchResult r = compare(p, other);
    SCOPED_TRACE(r.summary());
    EXPECT_EQ(r.outcome, Outcome::none);
    EXPECT_EQ(r.grade, MatchGrade::certainly_not);
    EXPECT_EQ(r.score, 0.0);
    EXPECT_GE(r.total_weight, rules().link_threshold());  // the demographics agree
    EXPECT_EQ(line(r, "identifier:ssn").level, Agreement::disagree);
    EXPECT_TRUE(line(r, "identifier:ssn").decisive);
  }
}

// A conflict wins over another strong identifier that agrees.
TEST(PatientMatchTest, AConflictOutweighsAnAgreeingIdentifier) {
  Value a = patient(kSud), b = a;
  add_identifier(a, kMpi, "MPI-1");
  add_identifier(b, kMpi, "MPI-1");
  set_identifier(b, kSsn, "999-12-3456");
  MatchResult r = compare(a, b);
  EXPECT_EQ(r.outcome, Outcome::none);
  EXPECT_EQ(r.grade, MatchGrade::certainly_not);
}

// One SSN on two different people (a keying error): the demographics say
// otherwise, so a human decides.
TEST(PatientMatchTest, ASharedSsnBetweenDifferentPeopleIsReviewed) {
  const Value& a = patients()[0];
  Value b = patients()[1];
  for (const auto& id : a.find("identifier")->items())
    if (id.string_at("system") == kSsn) set_identifier(b, kSsn, std::string(id.string_at("value")));
  MatchResult r = compare(a, b);
  EXPECT_EQ(line(r, "identifier:ssn").level, Agreement::agree);
  EXPECT_LT(r.total_weight, rules().strong_identifier_floor());
  EXPECT_EQ(r.outcome, Outcome::review) << r.summary();
  EXPECT_EQ(r.grade, MatchGrade::probable);
}

// Placeholder SSNs and driver's licenses decide nothing.
TEST(PatientMatchTest, PlaceholderSsnsAndDriversLicensesAreNotStrong) {
  const Value& a = patients()[0];
  Value b = patients()[1];
  Value a2 = a;
  set_identifier(a2, kSsn, "123-45-6789");
  set_identifier(b, kSsn, "123-45-6789");
  add_identifier(a2, "urn:oid:2.16.840.1.113883.4.3.25", "S99912345");
  add_identifier(b, "urn:oid:2.16.840.1.113883.4.3.25", "S99912345");
  MatchResult r = compare(a2, b);
  EXPECT_EQ(line(r, "identifier:ssn").level, Agreement::missing);
  EXPECT_EQ(r.outcome, Outcome::none) << r.summary();
  EXPECT_FALSE(r.grade.has_value());
}

// A twin: same family name, birth date, address and phone; another given
// name and gender; no SSN sent.
Value twin_of(const Value& p, const Value& given_from, bool same_gender) {
  Value t = p;
  t.set("id", Value::make_string("twin"));
  t.erase("identifier");
  *t.find("name")->items()[0].find("given") = *first_name(given_from).find("given");
  if (!same_gender)
    t.set("gender", Value::make_string(p.string_at("gender") == "male" ? "female" : "male"));
  return t;
}

TEST(PatientMatchTest, ATwinIsReviewedAtMost) {
  int twins = 0;
  for (const auto& p : patients())
    for (const auto& q : patients()) {
      if (q.string_at("gender") == p.string_at("gender") || first_given(q)[0] == first_given(p)[0]) continue;
      MatchResult r = compare(p, twin_of(p, q, false));
      SCOPED_TRACE(r.summary());
      EXPECT_EQ(r.outcome, Outcome::review);
      EXPECT_EQ(line(r, "given_name").level, Agreement::disagree);
      EXPECT_EQ(line(r, "gender").level, Agreement::disagree);
      ++twins;
      break;
    }
  EXPECT_GT(twins, 0);
}

// A same-sex twin whose name shares the initial weighs past the link
// threshold (the fields are not independent in a household); the
// given-name requirement keeps it in review.
TEST(PatientMatchTest, ASameSexTwinWithTheSameInitialIsReviewed) {
  Value p = patient(kSud);
  Value named = p;
  Value given = Value::make_array();
  given.push_back(Value::make_string("Esther"));
  *named.find("name")->items()[0].find("given") = given;
  MatchResult r = compare(p, twin_of(p, named, true));
  EXPECT_GE(r.total_weight, rules().link_threshold()) << r.summary();
  EXPECT_EQ(r.outcome, Outcome::review);
  EXPECT_EQ(r.grade, MatchGrade::probable);
  EXPECT_EQ(line(r, "given_name").level, Agreement::partial);
  EXPECT_TRUE(line(r, "given_name").decisive);
}

// A father and his junior at one address: every field but the birth date
// agrees once the suffix is dropped. Never a link.
TEST(PatientMatchTest, AJuniorAtTheSameAddressIsReviewedNeverLinked) {
  Value father = patient("7753b010-5d25-8d6b-9fd6-78e47ef62395");
  Value son = father;
  son.set("id", Value::make_string("junior"));
  son.erase("identifier");
  son.set("birthDate", Value::make_string("1984-11-20"));
  Value suffix = Value::make_array();
  suffix.push_back(Value::make_string("Jr."));
  son.find("name")->items()[0].set("suffix", std::move(suffix));
  Value& family = *son.find("name")->items()[0].find("family");
  family = Value::make_string(family.text() + " Jr");
  MatchResult r = compare(father, son);
  EXPECT_EQ(line(r, "family_name").level, Agreement::agree);
  EXPECT_EQ(line(r, "birth_date").level, Agreement::disagree);
  EXPECT_EQ(r.outcome, Outcome::review) << r.summary();
  EXPECT_EQ(r.grade, MatchGrade::possible);
}

// The summary is for logs: fields, levels and weights, no values.
TEST(PatientMatchTest, TheSummaryCarriesNoValuesTheEvidenceDoes) {
  Value other = second_ehr(patient(kSud));
  transpose_birth_date(other);
  MatchResult r = compare(patient(kSud), other);
  std::string s = r.summary();
  for (auto phi : {"dubuque", "DuBuque", "ebony", "1967", "5558689576", "stoltenberg", "11420", "female"})
    EXPECT_EQ(s.find(phi), std::string::npos) << phi << " in " << s;
  EXPECT_NE(s.find("birth_date partial +5.06"), std::string::npos) << s;
  EXPECT_EQ(line(r, "birth_date").detail, "1967-01-04 | 1967-04-01");
  EXPECT_EQ(line(r, "family_name").detail, "dubuque | dubuque");

  Value json = evidence_json(r);
  EXPECT_EQ(json.string_at("outcome"), "review");
  EXPECT_EQ(json.string_at("grade"), "probable");
  EXPECT_EQ(json.string_at("rules_version"), rules().version());
  ASSERT_EQ(json.find("evidence")->items().size(), r.evidence.size());
  auto reparsed = fhir::json::parse(fhir::json::write(json));
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(*reparsed, json);
}

TEST(PatientMatchTest, TheScoreIsIncreasingAndHitsItsAnchors) {
  EXPECT_NEAR(match_score(rules().review_threshold(), rules()), rules().score_at_review(), 1e-12);
  EXPECT_NEAR(match_score(rules().link_threshold(), rules()), rules().score_at_link(), 1e-12);
  double last = 0;
  for (double w = -40; w <= 60; w += 0.5) {
    double s = match_score(w, rules());
    EXPECT_GT(s, last) << w;
    EXPECT_LE(s, 1.0);
    last = s;
  }
}

// --- Normalisation ---

TEST(PatientDemographicsTest, NamesAreFoldedAndStrippedOfPunctuationDigitsAndSuffixes) {
  EXPECT_EQ(normalise_family_name("O'Conner199"), "oconner");
  EXPECT_EQ(normalise_family_name("O\u2019Conner"), "oconner");
  EXPECT_EQ(normalise_family_name("  Frías-López, Jr. "), "frias lopez");
  EXPECT_EQ(normalise_family_name("MÜLLER III"), "muller");
  EXPECT_EQ(normalise_family_name("Łukasiewicz"), "lukasiewicz");
  EXPECT_EQ(normalise_family_name("Jr"), "jr");  // a name that is only a suffix stays
  EXPECT_EQ(name_words("Mary-Ann J."), (std::vector<std::string>{"mary", "ann", "j"}));
}

TEST(PatientDemographicsTest, AddressesFollowUspsAbbreviations) {
  EXPECT_EQ(normalise_address_lines({"517 Kulas Boulevard"}), normalise_address_lines({"517 KULAS BLVD."}));
  EXPECT_EQ(normalise_address_lines({"12 North Main Street", "Apartment #4"}), "12 n main st unit 4");
  EXPECT_EQ(normalise_address_lines({"12 N. Main St., Apt. 4"}), "12 n main st unit 4");
  EXPECT_EQ(normalise_address_lines({"9 Elm Avenue Suite 2"}), normalise_address_lines({"9 elm ave # 2"}));
  EXPECT_EQ(normalise_address_lines({"3 Mill Road"}), "3 ml rd");
  EXPECT_EQ(normalise_postal_code("11420-1234"), "11420");
  EXPECT_EQ(normalise_postal_code("114201234"), "11420");
  EXPECT_EQ(normalise_postal_code("00000"), "");
  EXPECT_EQ(normalise_postal_code("114"), "");
  EXPECT_EQ(normalise_postal_code("K1A 0B1"), "k1a0b1");
  EXPECT_EQ(normalise_city("  NEW  York "), "new york");
}

TEST(PatientDemographicsTest, PhonesAreTheirLastTenDigitsEmailsLowerCase) {
  EXPECT_EQ(normalise_phone("555-868-9576"), "5558689576");
  EXPECT_EQ(normalise_phone("+1 (555) 868.9576"), "5558689576");
  EXPECT_EQ(normalise_phone("tel:+1-555-868-9576"), "5558689576");
  EXPECT_EQ(normalise_phone("555 868 9576 x123"), "5558689576");
  EXPECT_EQ(normalise_phone("868-9576"), "");
  EXPECT_EQ(normalise_email(" Ebony.DuBuque@Example.ORG "), "ebony.dubuque@example.org");
  EXPECT_EQ(normalise_email("mailto:A@B.org"), "a@b.org");
  EXPECT_EQ(normalise_email("not an email"), "");
}

Value parse(std::string_view text) {
  auto v = fhir::json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? std::move(*v) : Value();
}

TEST(PatientDemographicsTest, OnlyCurrentNamesAddressesAndTelecomsCount) {
  Demographics d = demo(parse(R"({"resourceType": "Patient",
    "name": [{"use": "maiden", "family": "Hoppe"},
             {"use": "official", "family": "Bode", "given": ["Vasiliki", "Concetta"]},
             {"use": "old", "family": "Old"}, {"family": "Nouse", "period": {"end": "2001"}}, {"text": "Ann Smith"}],
    "telecom": [{"system": "phone", "value": "555-254-7980", "use": "old"}, {"system": "sms", "value": "555 111 2222"},
                {"system": "email", "value": "V@X.ORG"}, {"system": "fax", "value": "555-999-0000"}],
    "address": [{"line": ["1 Old Rd"], "postalCode": "92335", "period": {"start": "1990", "end": "2000"}},
                {"line": ["998 Crooks Gate Unit 21"], "postalCode": "92335"}],
    "gender": "unknown", "birthDate": "1934-02"})"));
  ASSERT_EQ(d.names.size(), 2u);
  EXPECT_EQ(d.names[0].family, "bode");
  EXPECT_EQ(d.names[0].given, (std::vector<std::string>{"vasiliki", "concetta"}));
  EXPECT_EQ(d.names[1].family, "smith");
  EXPECT_EQ(d.names[1].given, (std::vector<std::string>{"ann"}));
  EXPECT_EQ(d.phones, (std::vector<std::string>{"5551112222"}));
  EXPECT_EQ(d.emails, (std::vector<std::string>{"v@x.org"}));
  ASSERT_EQ(d.addresses.size(), 1u);
  EXPECT_EQ(d.addresses[0].line, "998 crooks gate unit 21");
  EXPECT_EQ(d.gender, "");               // unknown is missing
  EXPECT_FALSE(d.birth_date.has_value());  // a month cannot agree on the day
}

TEST(PatientDemographicsTest, SsnsAreNineIssuableDigitsOldIdentifiersMarked) {
  Demographics d = demo(parse(R"({"resourceType": "Patient", "identifier": [
    {"system": "http://hl7.org/fhir/sid/us-ssn", "value": " 999-90-9512 "},
    {"system": "urn:oid:2.16.840.1.113883.4.1", "value": "000-12-3456"},
    {"system": "http://hl7.org/fhir/sid/us-ssn", "value": "999-90-951"},
    {"system": "urn:carebridge:mpi", "value": " M-1 ", "use": "old"},
    {"value": "no-system"}], "birthDate": "1967-02-30"})"));
  ASSERT_EQ(d.identifiers.size(), 2u);
  EXPECT_EQ(d.identifiers[0].value, "999909512");
  EXPECT_TRUE(d.identifiers[0].current);
  EXPECT_EQ(d.identifiers[1].value, "M-1");
  EXPECT_FALSE(d.identifiers[1].current);
  EXPECT_FALSE(d.birth_date.has_value());  // no February 30th
}

TEST(PatientDemographicsTest, OnlyAPatientHasDemographics) {
  auto d = patient_demographics(parse(R"({"resourceType": "Person", "name": [{"family": "X"}]})"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.issue().severity, fhir::Severity::error);
  EXPECT_EQ(d.issue().code, "invalid");
  EXPECT_EQ(d.issue().expression, "resourceType");
}

// --- The rules file ---

TEST(MatchingRulesTest, TheShippedRulesHaveOrderedWeightsAndThresholds) {
  EXPECT_FALSE(rules().version().empty());
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    const FieldRule& f = rules().field(static_cast<Field>(i));
    EXPECT_GT(f.agree.weight, 0) << field_name(static_cast<Field>(i));
    EXPECT_LT(f.disagree.weight, 0) << field_name(static_cast<Field>(i));
    EXPECT_TRUE(std::isfinite(f.agree.weight) && std::isfinite(f.disagree.weight));
  }
  EXPECT_NEAR(rules().field(Field::birth_date).agree.weight, std::log2(0.96 / 0.0003), 1e-12);
  EXPECT_TRUE(rules().field(Field::birth_date).has_partial);
  EXPECT_FALSE(rules().field(Field::phone).has_partial);
  EXPECT_LT(rules().review_threshold(), rules().link_threshold());
  ASSERT_EQ(rules().strong_identifiers().size(), 3u);
  EXPECT_EQ(rules().strong_identifiers()[0].systems[0], kSsn);
  for (const auto& id : rules().strong_identifiers())
    for (const auto& system : id.systems) EXPECT_EQ(system.find("4.3."), std::string::npos);  // no driver's license
}

void expect_refused(const Value& doc, const std::string& expression, const std::string& words) {
  auto r = MatchingRules::from_json(doc);
  ASSERT_FALSE(r.ok()) << words;
  EXPECT_EQ(r.issue().severity, fhir::Severity::error);
  EXPECT_EQ(r.issue().code, "value");
  EXPECT_EQ(r.issue().expression, expression);
  EXPECT_NE(r.issue().diagnostics.find(words), std::string::npos) << r.issue().diagnostics;
}

Value& at(Value& doc, std::initializer_list<std::string_view> path) {
  Value* v = &doc;
  for (auto key : path) v = v->find(key);
  return *v;
}

TEST(MatchingRulesTest, AVersionAndADescriptionAreRequired) {
  Value doc = rules_json();
  doc.erase("version");
  expect_refused(doc, "version", "version is required");
  doc = rules_json();
  doc.set("description", Value::make_string(""));
  expect_refused(doc, "description", "description is required");
}

TEST(MatchingRulesTest, ThresholdsMustBeOrderedAndFinite) {
  Value doc = rules_json();
  at(doc, {"thresholds"}).set("review", Value::make_number("35"));
  expect_refused(doc, "thresholds.review", "below thresholds.link");
  doc = rules_json();
  at(doc, {"thresholds"}).set("link", Value::make_string("high"));
  expect_refused(doc, "thresholds.link", "finite number");
  doc = rules_json();
  at(doc, {"thresholds"}).set("link", Value::make_number("1e400"));
  expect_refused(doc, "thresholds.link", "finite number");
}

TEST(MatchingRulesTest, ProbabilitiesMustGiveFiniteOrderedWeights) {
  Value doc = rules_json();
  at(doc, {"fields", "family_name", "agree"}).set("u", Value::make_number("0"));
  expect_refused(doc, "fields.family_name.agree.u", "strictly between 0 and 1");
  doc = rules_json();
  at(doc, {"fields", "gender", "disagree"}).set("m", Value::make_number("1e-400"));
  expect_refused(doc, "fields.gender.disagree.m", "strictly between 0 and 1");
  doc = rules_json();
  at(doc, {"fields", "given_name", "partial"}).set("m", Value::make_number("0.5"));
  at(doc, {"fields", "given_name", "partial"}).set("u", Value::make_number("0.001"));
  expect_refused(doc, "fields.given_name.partial", "less than agree");
  doc = rules_json();
  at(doc, {"fields", "phone", "disagree"}).set("m", Value::make_number("0.5"));
  expect_refused(doc, "fields.phone", "more than 1");
  doc = rules_json();
  at(doc, {"fields", "email", "agree"}).set("m", Value::make_number("0.0001"));
  at(doc, {"fields", "email", "agree"}).set("u", Value::make_number("0.0004"));
  expect_refused(doc, "fields.email.agree", "more than 0");
  doc = rules_json();
  at(doc, {"fields", "email"}).erase("disagree");
  expect_refused(doc, "fields.email.disagree", "must be an object");
}

TEST(MatchingRulesTest, FieldsMustAllBeThereAndKnown) {
  Value doc = rules_json();
  at(doc, {"fields"}).erase("email");
  expect_refused(doc, "fields.email", "fields.email is missing");
  doc = rules_json();
  at(doc, {"fields"}).set("middle_name", at(doc, {"fields", "given_name"}));
  expect_refused(doc, "fields.middle_name", "unknown field 'middle_name'");
}

TEST(MatchingRulesTest, ALinkAlwaysNeedsTheBirthDate) {
  Value doc = rules_json();
  at(doc, {"link_requires"}).erase("birth_date");
  expect_refused(doc, "link_requires.birth_date", "must be \"agree\"");
  doc = rules_json();
  at(doc, {"link_requires"}).set("birth_date", Value::make_string("partial"));
  expect_refused(doc, "link_requires.birth_date", "must be \"agree\"");
  doc = rules_json();
  at(doc, {"link_requires"}).set("shoe_size", Value::make_string("agree"));
  expect_refused(doc, "link_requires.shoe_size", "unknown field 'shoe_size'");
  doc = rules_json();
  at(doc, {"link_requires"}).set("gender", Value::make_string("mostly"));
  expect_refused(doc, "link_requires.gender", "\"agree\" or \"partial\"");
}

TEST(MatchingRulesTest, StrongIdentifiersNeedANameAndDistinctSystems) {
  Value doc = rules_json();
  auto& ids = at(doc, {"strong_identifiers"}).items();
  ids[1].find("systems")->push_back(Value::make_string(std::string(kSsn)));
  expect_refused(doc, "strong_identifiers[1].systems", "listed twice");
  doc = rules_json();
  at(doc, {"strong_identifiers"}).items()[2].set("name", Value::make_string("ssn"));
  expect_refused(doc, "strong_identifiers[2].name", "given twice");
  doc = rules_json();
  at(doc, {"strong_identifiers"}).items()[0].set("systems", Value::make_array());
  expect_refused(doc, "strong_identifiers[0].systems", "non-empty array");
}

TEST(MatchingRulesTest, TheScoreAnchorsMustBeOrderedProbabilities) {
  Value doc = rules_json();
  at(doc, {"score"}).set("at_review", Value::make_number("0.99"));
  expect_refused(doc, "score", "0 < at_review < at_link < 1");
  doc = rules_json();
  at(doc, {"score"}).set("at_link", Value::make_number("1"));
  expect_refused(doc, "score", "0 < at_review < at_link < 1");
}

TEST(MatchingRulesTest, AnUnreadableFileIsFatal) {
  auto r = MatchingRules::load(carebridge::test::share_dir() + "/mappers/no-such-rules.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.issue().severity, fhir::Severity::fatal);
  EXPECT_EQ(r.issue().code, "exception");
}

}  // namespace
}  // namespace mappers::identity
