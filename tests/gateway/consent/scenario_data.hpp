// The consent-scenario data (tests/fixtures/consent-scenarios, README
// there) and the probes every enforcement test shares: a resource is
// withheld when no path out (read, vread, search, count, includes, _has,
// history at every level, $everything, batch entries) shows it, and
// disclosed when each of them does.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "fhir/json/value.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test::scenario {

// Patient A (Synthea): hospital records and, from a Part 2 program, the
// records of an SUD visit.
inline const std::string kPatientA = "d69f0917-eea1-af79-624f-1bd8b274b255";
inline const std::string kEncounterA = "2764f2a4-3c2b-57f6-88e1-fcbf37351d30";  // plain
inline const std::string kMigraineA = "d5b28c40-aa5f-14f6-7a4c-62582cff435a";   // plain
inline const std::string kNoteA = "3f7c97cd-b27d-60a0-002c-f836dedb07cd";       // plain
inline const std::string kSudEncounterA = "aa198145-d2b1-9cb3-27e1-4fb44e62fc34";  // Part 2
inline const std::string kSudConditionA = "0aeee7b6-0e13-bb8f-d6a7-a9ab4e0600ae";  // Part 2, SNOMED 6525002
inline const std::string kSudNoteA = "534c94bf-4f02-7139-e57b-6855af5aa16d";       // Part 2
// Patient B (Synthea): opioid abuse in a general hospital's records
// (sensitive, not Part 2).
inline const std::string kPatientB = "7753b010-5d25-8d6b-9fd6-78e47ef62395";
inline const std::string kOudEncounterB = "153cd0e2-7eab-812d-b6e9-2d28c128f513";
inline const std::string kOudConditionB = "bd263c4d-bf52-99d0-089c-e0e76b6f57d9";  // ETH/SUD, R
inline const std::string kAnemiaEncounterB = "8234f864-4f27-8ecb-10ad-39e24ba49b39";
inline const std::string kAnemiaB = "0ea5d454-fdd0-9da8-6a8c-6b185c3d2f4a";  // plain
// Patient f001 of the R4 examples (the patient of the R4 Consent examples).
inline const std::string kPatientF001 = "f001";
inline const std::string kConditionF001 = "f001";
inline const std::string kEncounterF001 = "f001";

// The two partner organizations (R4 examples): f001 carries identifiers
// (urn:oid:2.16.528.1|91654), f002 is a unit of it with none.
inline const std::string kOrgF001 = "Organization/f001";
inline const std::string kOrgF002 = "Organization/f002";

// tests/fixtures/consent-scenarios/<name> and tests/fixtures/r4-examples/<name>.json
std::string scenario_file(const std::string& name);
std::string r4_example(const std::string& name);

// "Type/id" of every entry resource except OperationOutcome.
std::set<std::string> entry_refs(const fhir::json::Value& bundle);
// Bundle.total as text ("" when absent).
std::string total_of(const fhir::json::Value& bundle);
// The URL of the link with this relation, or "".
std::string link_of(const fhir::json::Value& bundle, std::string_view relation);
bool mentions(const HttpResult& r, std::string_view id);
// Whether a resource carries this security label code in meta.security.
bool has_label(const fhir::json::Value& resource, std::string_view code);

// A withheld answer must be the answer for an id that never existed: same
// status, content type and issue (severity, code, diagnostics), and no
// mention of the withheld id.
void expect_like_missing(const HttpResult& withheld, const HttpResult& missing, std::string_view id);

// Every path out, for one resource of one patient's compartment.
void expect_withheld(const TestClient& c, const std::string& type, const std::string& id, const std::string& patient);
void expect_disclosed(const TestClient& c, const std::string& type, const std::string& id,
                      const std::string& patient);

// Loads the scenario data into the real gateway; clients by organization
// and purpose of use.
class ConsentScenarioTest : public GatewayTest {
 protected:
  void SetUp() override;

  // A client of `role` at `organization` whose token carries `purpose`
  // (one registration per role, organization and purpose).
  TestClient partner(const std::string& organization, const std::string& purpose,
                     const std::string& role = "partner");
  TestClient compliance();
  // The general hospital (source, not a Part 2 program) and the Part 2
  // program (source, part2_program) that wrote the data.
  TestClient hospital();
  TestClient part2_program();
  // PUT Consent/<id> of a consent-scenarios file (or R4 example JSON) as the admin.
  void put_consent_file(const std::string& name);
  void put_consent_json(const std::string& json);
};

}  // namespace carebridge::test::scenario
