// POST / with transaction and batch Bundles (R4 http.html#transaction):
// all-or-nothing, the R4 processing order, fullUrl and conditional
// reference resolution, conditional entries, the response Bundle, and the
// refusals of bad Bundles, over real HTTP against a real SQLite file.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fhir/json/write.hpp"
#include "tests/support/bundle_builder.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/outcome_checks.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

constexpr const char* kSys = "http://example.org/mrn";
constexpr const char* kNpi = "http://hl7.org/fhir/sid/us-npi";

std::string patient(const std::string& mrn = {}, const std::string& id = {}) {
  std::string out = R"({"resourceType":"Patient")";
  if (!id.empty()) out += R"(,"id":")" + id + '"';
  if (!mrn.empty()) out += std::string(R"(,"identifier":[{"system":")") + kSys + R"(","value":")" + mrn + R"("}])";
  return out + R"(,"active":true})";
}

std::string observation(const std::string& subject) {
  return R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":")" +
         subject + R"("}})";
}

std::string practitioner(const std::string& npi) {
  return std::string(R"({"resourceType":"Practitioner","identifier":[{"system":")") + kNpi +
         R"(","value":")" + npi + R"("}]})";
}

class BundleTest : public GatewayTest {
 protected:
  HttpResult send(const BundleBuilder& b, const Headers& h = {}) { return client().post("", b.json(), h); }

  // Versions stored for type ("" for all types): history totals.
  long total(const std::string& type = {}) {
    auto r = client().get(type.empty() ? "_history?_count=0" : type + "/_history?_count=0");
    EXPECT_EQ(r.status, 200) << r.body;
    Value body = r.json();  // the parsed body must outlive t
    const Value* t = body.find("total");
    return t ? std::stol(t->text()) : -1;
  }

  // A successful response Bundle's entries, checked for type and count.
  std::vector<Value> entries(const HttpResult& r, const std::string& type, std::size_t count) {
    EXPECT_EQ(r.status, 200) << r.body;
    Value b = r.json();
    EXPECT_EQ(b.string_at("resourceType"), "Bundle");
    EXPECT_EQ(b.string_at("type"), type);
    const Value* e = b.find("entry");
    if (e == nullptr || e->items().size() != count) {
      ADD_FAILURE() << "expected " << count << " entries: " << r.body.substr(0, 2000);
      return std::vector<Value>(count);
    }
    return e->items();
  }


  // The issue names entry n: in its expression, or (for a PATCH entry,
  // whose patched resource is not in the Bundle) in its diagnostics.
  void expect_names_entry(const Value& issue, int n) {
    std::string where = "Bundle.entry[" + std::to_string(n) + "]";
    std::string diagnostics(issue.string_at("diagnostics"));
    EXPECT_TRUE(expression_of(issue).rfind(where, 0) == 0 || diagnostics.rfind(where + ":", 0) == 0)
        << "expression '" << expression_of(issue) << "', diagnostics: " << diagnostics;
  }

  static const Value& response(const Value& entry) {
    static const Value kNone;
    const Value* r = entry.find("response");
    return r != nullptr ? *r : kNone;
  }

  // "Patient/abc/_history/1" -> "Patient/abc".
  static std::string resource_of(const Value& entry) {
    std::string loc(response(entry).string_at("location"));
    return loc.substr(0, loc.find("/_history/"));
  }

  std::string create(const std::string& type, const std::string& body) {
    auto r = client().post(type, body);
    EXPECT_EQ(r.status, 201) << r.body;
    return type + "/" + std::string(r.json().string_at("id"));
  }

  Value read(const std::string& ref) {
    auto r = client().get(ref);
    EXPECT_EQ(r.status, 200) << ref << ": " << r.body;
    return r.json();
  }
};

// --- transaction basics and the response ----------------------------------

TEST_F(BundleTest, TransactionAnswersWithStatusLocationEtagAndLastModified) {
  ASSERT_EQ(client().put("Patient/p1", patient({}, "p1")).status, 201);
  ASSERT_EQ(client().put("Patient/p2", patient({}, "p2")).status, 201);
  ASSERT_EQ(client().put("Patient/gone", patient({}, "gone")).status, 201);
  clock_.advance_ms(1000);
  BundleBuilder b("transaction");
  b.post("Patient", patient(), "urn:uuid:11111111-1111-1111-1111-111111111111")
      .put("Patient/p1", patient("m1", "p1"))
      .patch("Patient/p2", R"([{"op":"replace","path":"/active","value":false}])")
      .del("Patient/gone")
      .get("Patient/p2");
  auto e = entries(send(b), "transaction-response", 5);

  EXPECT_EQ(response(e[0]).string_at("status"), "201 Created");
  std::string created = resource_of(e[0]);
  EXPECT_EQ(created.rfind("Patient/", 0), 0u);
  EXPECT_EQ(response(e[0]).string_at("location"), created + "/_history/1");
  EXPECT_EQ(response(e[0]).string_at("etag"), "W/\"1\"");
  EXPECT_EQ(response(e[0]).string_at("lastModified"), "2025-01-01T00:00:01.000Z");
  EXPECT_EQ(e[0].find("resource"), nullptr);  // no Prefer: the server's choice, minimal
  EXPECT_EQ(response(e[1]).string_at("status"), "200 OK");
  EXPECT_EQ(response(e[1]).string_at("location"), "Patient/p1/_history/2");
  EXPECT_EQ(response(e[1]).string_at("etag"), "W/\"2\"");
  EXPECT_EQ(response(e[2]).string_at("status"), "200 OK");
  EXPECT_EQ(response(e[2]).string_at("location"), "Patient/p2/_history/2");
  EXPECT_EQ(response(e[3]).string_at("status").substr(0, 3), "204");
  // GET runs last, sees the patched version, and returns it.
  EXPECT_EQ(response(e[4]).string_at("status"), "200 OK");
  EXPECT_EQ(response(e[4]).string_at("etag"), "W/\"2\"");
  const Value* read_back = e[4].find("resource");
  ASSERT_NE(read_back, nullptr) << "a GET entry answers with the resource it read";
  EXPECT_FALSE(read_back->find("active")->as_bool());

  EXPECT_EQ(client().get(created).status, 200);
  EXPECT_EQ(client().get("Patient/gone").status, 410);
  auto p1 = read("Patient/p1");
  EXPECT_EQ(p1.find("meta")->string_at("versionId"), "2");
  EXPECT_NE(p1.find("identifier"), nullptr);
  EXPECT_FALSE(read("Patient/p2").find("active")->as_bool());
}

TEST_F(BundleTest, PreferRepresentationReturnsTheStoredResources) {
  BundleBuilder b("transaction");
  b.post("Patient", patient("r1"));
  auto e = entries(send(b, {{"Prefer", "return=representation"}}), "transaction-response", 1);
  const Value* r = e[0].find("resource");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->find("meta")->string_at("versionId"), "1");
  EXPECT_EQ("Patient/" + std::string(r->string_at("id")), resource_of(e[0]));
}

TEST_F(BundleTest, EmptyTransactionAnswersAnEmptyResponse) {
  auto t = client().post("", R"({"resourceType":"Bundle","type":"transaction"})");
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.json().string_at("type"), "transaction-response");
  EXPECT_EQ(t.json().find("entry"), nullptr) << "R4 JSON has no empty arrays: " << t.body;
  auto b = client().post("", R"({"resourceType":"Bundle","type":"batch","entry":[]})");
  EXPECT_EQ(b.status, 400) << "R4 ele-1: an empty array is not valid JSON FHIR: " << b.body;
}

// --- all or nothing --------------------------------------------------------

TEST_F(BundleTest, FailingTransactionChangesNothing) {
  ASSERT_EQ(client().put("Patient/keep", patient("k1", "keep")).status, 201);
  create("Patient", patient("twin"));
  create("Patient", patient("twin"));
  create("Practitioner", practitioner("1"));
  create("Practitioner", practitioner("2"));
  create("Practitioner", practitioner("2"));
  const long before = total(), patients = total("Patient");

  // Each case: valid entries first, then the one that fails, at index 2.
  struct Case {
    const char* why;
    long status;
    std::function<void(BundleBuilder&)> failing;
  } cases[] = {
      {"invalid resource", 400,
       [](BundleBuilder& b) { b.post("Patient", R"({"resourceType":"Patient","birthDate":"1990-13-45"})"); }},
      {"stale ifMatch", 412,
       [](BundleBuilder& b) { b.put("Patient/keep", patient("k1", "keep"), {}, "W/\"7\""); }},
      {"conditional reference matching nothing", 400,
       [](BundleBuilder& b) { b.post("Observation", observation(std::string("Practitioner?identifier=") + kNpi + "|404")); }},
      {"conditional reference matching several", 412,
       [](BundleBuilder& b) { b.post("Observation", observation(std::string("Practitioner?identifier=") + kNpi + "|2")); }},
      {"reference to a urn not in the Bundle", 400,
       [](BundleBuilder& b) { b.post("Observation", observation("urn:uuid:99999999-9999-9999-9999-999999999999")); }},
      {"ifNoneExist matching several", 412,
       [](BundleBuilder& b) { b.post("Patient", patient(), {}, std::string("identifier=") + kSys + "|twin"); }},
      {"conditional update matching several", 412,
       [](BundleBuilder& b) { b.put(std::string("Patient?identifier=") + kSys + "|twin", patient()); }},
      {"conditional delete matching several", 412,
       [](BundleBuilder& b) { b.del(std::string("Patient?identifier=") + kSys + "|twin"); }},
      {"conditional update with another id", 400,
       [](BundleBuilder& b) { b.put(std::string("Patient?identifier=") + kSys + "|k1", patient({}, "other")); }},
      {"patch of an unknown id", 404,
       [](BundleBuilder& b) { b.patch("Patient/nobody", R"([{"op":"remove","path":"/active"}])"); }},
      {"patch making the resource invalid", 400,
       [](BundleBuilder& b) { b.patch("Patient/keep", R"([{"op":"add","path":"/gender","value":"robot"}])"); }},
      {"POST with an id in the URL", 400, [](BundleBuilder& b) { b.post("Patient/abc", patient()); }},
      {"unknown method", 400,
       [](BundleBuilder& b) { b.raw(R"({"resource":{"resourceType":"Patient"},"request":{"method":"MERGE","url":"Patient"}})"); }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.why);
    BundleBuilder b("transaction");
    b.post("Patient", patient("new"), "urn:uuid:22222222-2222-2222-2222-222222222222")
        .put("Patient/other", patient("k2", "other"));
    c.failing(b);
    auto r = send(b);
    expect_names_entry(expect_outcome(r, c.status), 2);
    EXPECT_EQ(total(), before);
    EXPECT_EQ(total("Patient"), patients);
  }
  EXPECT_EQ(read("Patient/keep").find("meta")->string_at("versionId"), "1");
}

// --- processing order ------------------------------------------------------

TEST_F(BundleTest, EntriesRunInR4OrderDeletePostPutPatchGet) {
  ASSERT_EQ(client().put("Patient/a", patient({}, "a")).status, 201);
  std::string doomed = create("Patient", patient("del"));
  const long before = total();
  // Written in the reverse of R4 order.
  BundleBuilder b("transaction");
  b.get("Patient/a")
      .patch("Patient/a", R"([{"op":"replace","path":"/active","value":false}])")
      .post("Patient", patient("del"), "urn:uuid:33333333-3333-3333-3333-333333333333",
            std::string("identifier=") + kSys + "|del")
      .del(std::string("Patient?identifier=") + kSys + "|del");
  auto e = entries(send(b), "transaction-response", 4);
  // The DELETE ran first, so the conditional create matched nothing and created.
  EXPECT_EQ(response(e[3]).string_at("status").substr(0, 3), "204");
  EXPECT_EQ(response(e[2]).string_at("status"), "201 Created");
  EXPECT_NE(resource_of(e[2]), doomed);
  EXPECT_EQ(client().get(doomed).status, 410);
  // The GET ran last and saw the PATCH.
  EXPECT_EQ(response(e[0]).string_at("etag"), "W/\"2\"");

  // History (newest first) shows the writes in R4 order: DELETE, POST, PATCH.
  auto h = client().get("_history?_count=3").json();
  const auto& items = h.find("entry")->items();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2].find("request")->string_at("method"), "DELETE");
  EXPECT_EQ(items[1].find("request")->string_at("method"), "POST");
  EXPECT_EQ(items[0].find("request")->string_at("method"), "PATCH");
  EXPECT_EQ(total(), before + 3);
}

TEST_F(BundleTest, OverlappingIdentitiesFailTheTransaction) {
  ASSERT_EQ(client().put("Patient/a", patient("a1", "a")).status, 201);
  const long before = total();
  // R4: if any resource identities (including resolved identities from
  // conditional update/delete) overlap in steps 1-3, the transaction SHALL fail.
  BundleBuilder twice("transaction");
  twice.put("Patient/a", patient({}, "a")).put("Patient/a", patient("x", "a"));
  expect_names_entry(expect_outcome(send(twice), 400), 1);
  BundleBuilder deleted("transaction");
  deleted.del("Patient/a").put("Patient/a", patient({}, "a"));
  expect_names_entry(expect_outcome(send(deleted), 400), 1);
  BundleBuilder patched("transaction");
  patched.put("Patient/a", patient({}, "a")).patch("Patient/a", R"([{"op":"remove","path":"/active"}])");
  expect_names_entry(expect_outcome(send(patched), 400), 1);
  BundleBuilder resolved("transaction");
  resolved.put("Patient/a", patient({}, "a")).put(std::string("Patient?identifier=") + kSys + "|a1", patient());
  expect_names_entry(expect_outcome(send(resolved), 400), 1);
  EXPECT_EQ(total(), before);
}

// --- fullUrl rewriting -----------------------------------------------------

TEST_F(BundleTest, UrnFullUrlsAreRewrittenEverywhere) {
  const std::string pat = "urn:uuid:44444444-4444-4444-4444-444444444444";
  const std::string org = "urn:uuid:55555555-5555-5555-5555-555555555555";
  const std::string prac = "urn:oid:1.2.3.4.5";
  const std::string fixed = "urn:uuid:66666666-6666-6666-6666-666666666666";
  const std::string abs = "http://example.org/fhir/Organization/org-abs";
  // The Observation comes first: its targets are defined later in the Bundle.
  std::string obs = R"({"resourceType":"Observation",
    "extension":[{"url":"http://example.org/ext","valueReference":{"reference":")" + pat + R"("}}],
    "status":"final",
    "_status":{"extension":[{"url":"http://example.org/st","valueReference":{"reference":")" + org + R"("}}]},
    "code":{"text":"x"},
    "subject":{"reference":")" + pat + R"(","display":"keep me"},
    "focus":[{"reference":")" + fixed + R"("}],
    "performer":[{"reference":")" + prac + R"("},{"reference":")" + org + R"("},{"reference":"Organization/elsewhere"}],
    "note":[{"authorReference":{"reference":")" + abs + R"("},"text":"n"}],
    "specimen":{"reference":"#spec1"},
    "contained":[{"resourceType":"Specimen","id":"spec1","subject":{"reference":")" + pat + R"("}}],
    "component":[{"code":{"text":"c"},
      "extension":[{"url":"http://example.org/nested","extension":[{"url":"inner","valueReference":{"reference":")" + prac + R"("}}]}],
      "valueString":"v"}]})";
  BundleBuilder b("transaction");
  b.post("Observation", obs, "urn:uuid:77777777-7777-7777-7777-777777777777")
      .post("Patient", patient(), pat)
      .post("Organization", R"({"resourceType":"Organization","name":"o"})", org)
      .post("Practitioner", practitioner("5"), prac)
      .put("Patient/fixed", patient({}, "fixed"), fixed)
      .put("Organization/org-abs", R"({"resourceType":"Organization","id":"org-abs"})", abs);
  auto e = entries(send(b), "transaction-response", 6);
  const std::string p = resource_of(e[1]), o = resource_of(e[2]), pr = resource_of(e[3]);

  auto stored = client().get(resource_of(e[0]));
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.body.find("urn:"), std::string::npos) << stored.body;
  Value v = stored.json();
  EXPECT_EQ(v.find("subject")->string_at("reference"), p);
  EXPECT_EQ(v.find("subject")->string_at("display"), "keep me");
  EXPECT_EQ(v.find("extension")->items()[0].find("valueReference")->string_at("reference"), p);
  EXPECT_EQ(v.find("_status")->find("extension")->items()[0].find("valueReference")->string_at("reference"), o);
  EXPECT_EQ(v.find("focus")->items()[0].string_at("reference"), "Patient/fixed");
  const auto& perf = v.find("performer")->items();
  EXPECT_EQ(perf[0].string_at("reference"), pr);
  EXPECT_EQ(perf[1].string_at("reference"), o);
  EXPECT_EQ(perf[2].string_at("reference"), "Organization/elsewhere");  // not in the Bundle: untouched
  EXPECT_EQ(v.find("note")->items()[0].find("authorReference")->string_at("reference"), "Organization/org-abs");
  EXPECT_EQ(v.find("specimen")->string_at("reference"), "#spec1");
  EXPECT_EQ(v.find("contained")->items()[0].find("subject")->string_at("reference"), p);
  const Value& inner = v.find("component")->items()[0].find("extension")->items()[0].find("extension")->items()[0];
  EXPECT_EQ(inner.find("valueReference")->string_at("reference"), pr);
}

// --- conditional create, update, delete in transactions ---------------------

TEST_F(BundleTest, IfNoneExistCreatesOnNoMatchAndReusesOneMatch) {
  const std::string cond = std::string("identifier=") + kSys + "|c1";
  const std::string urn = "urn:uuid:88888888-8888-8888-8888-888888888888";
  BundleBuilder first("transaction");
  first.post("Patient", patient("c1"), urn, cond).post("Observation", observation(urn));
  auto e1 = entries(send(first), "transaction-response", 2);
  EXPECT_EQ(response(e1[0]).string_at("status"), "201 Created");
  const std::string existing = resource_of(e1[0]);
  const long patients = total("Patient");

  BundleBuilder again("transaction");
  again.post("Patient", patient("c1"), urn, cond).post("Observation", observation(urn));
  auto e2 = entries(send(again), "transaction-response", 2);
  EXPECT_EQ(response(e2[0]).string_at("status"), "200 OK");
  EXPECT_EQ(response(e2[0]).string_at("location"), existing + "/_history/1");
  EXPECT_EQ(total("Patient"), patients);  // nothing written for the match
  // The fullUrl maps to the existing resource.
  EXPECT_EQ(read(resource_of(e2[1])).find("subject")->string_at("reference"), existing);
}

TEST_F(BundleTest, ConditionalUpdateCreatesUpdatesAndRefuses) {
  const std::string url = std::string("Patient?identifier=") + kSys + "|u1";
  const std::string urn = "urn:uuid:99999999-0000-0000-0000-000000000001";
  BundleBuilder create_it("transaction");
  create_it.put(url, patient("u1"), urn).post("Observation", observation(urn));
  auto e1 = entries(send(create_it), "transaction-response", 2);
  EXPECT_EQ(response(e1[0]).string_at("status"), "201 Created");
  const std::string id = resource_of(e1[0]);
  EXPECT_EQ(read(resource_of(e1[1])).find("subject")->string_at("reference"), id);

  BundleBuilder update_it("transaction");
  update_it.put(url, patient("u1"), urn).post("Observation", observation(urn));
  auto e2 = entries(send(update_it), "transaction-response", 2);
  EXPECT_EQ(response(e2[0]).string_at("status"), "200 OK");
  EXPECT_EQ(response(e2[0]).string_at("location"), id + "/_history/2");
  EXPECT_EQ(read(resource_of(e2[1])).find("subject")->string_at("reference"), id);

  // The body may carry the matched id, but no other.
  BundleBuilder same_id("transaction");
  same_id.put(url, patient("u1", id.substr(8)));
  EXPECT_EQ(response(entries(send(same_id), "transaction-response", 1)[0]).string_at("etag"), "W/\"3\"");
  BundleBuilder other_id("transaction");
  other_id.put(url, patient("u1", "someone-else"));
  expect_outcome(send(other_id), 400);
}

TEST_F(BundleTest, ConditionalDeleteDeletesOneMatchAndIgnoresNone) {
  std::string doomed = create("Patient", patient("d1"));
  BundleBuilder b("transaction");
  b.del(std::string("Patient?identifier=") + kSys + "|d1").del(std::string("Patient?identifier=") + kSys + "|none");
  auto e = entries(send(b), "transaction-response", 2);
  EXPECT_EQ(response(e[0]).string_at("status").substr(0, 3), "204");
  EXPECT_EQ(response(e[1]).string_at("status").substr(0, 3), "204");
  EXPECT_EQ(client().get(doomed).status, 410);
}

TEST_F(BundleTest, IfMatchInEntries) {
  ASSERT_EQ(client().put("Patient/v", patient({}, "v")).status, 201);
  BundleBuilder ok("transaction");
  ok.put("Patient/v", patient("v2", "v"), {}, "W/\"1\"");
  EXPECT_EQ(response(entries(send(ok), "transaction-response", 1)[0]).string_at("etag"), "W/\"2\"");
  const long before = total();
  BundleBuilder stale("transaction");
  stale.post("Patient", patient()).del("Patient/v", "W/\"1\"");
  expect_names_entry(expect_outcome(send(stale), 412), 1);
  EXPECT_EQ(total(), before);
  EXPECT_EQ(client().get("Patient/v").status, 200);
  BundleBuilder del_ok("transaction");
  del_ok.del("Patient/v", "\"2\"");
  entries(send(del_ok), "transaction-response", 1);
  EXPECT_EQ(client().get("Patient/v").status, 410);
}

// --- conditional references ------------------------------------------------

TEST_F(BundleTest, ConditionalReferencesResolveToTheirOneMatch) {
  std::string stored = create("Practitioner", practitioner("999"));
  const std::string prac_urn = "urn:uuid:aaaaaaaa-0000-0000-0000-000000000001";
  std::string by_npi = std::string("Practitioner?identifier=") + kNpi + "|";
  // One match in the store; one created earlier in the Bundle; one created
  // later in the Bundle (both POSTs: the match is by what will be stored).
  BundleBuilder b("transaction");
  b.post("Practitioner", practitioner("111"), prac_urn)
      .post("Observation", R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"performer":[)"
                           R"({"reference":")" + by_npi + R"(999"},{"reference":")" + by_npi + R"(111"},)"
                           R"({"reference":")" + by_npi + R"(222"}]})")
      .post("Practitioner", practitioner("222"));
  auto e = entries(send(b), "transaction-response", 3);
  auto perf = read(resource_of(e[1])).find("performer")->items();
  EXPECT_EQ(perf[0].string_at("reference"), stored);
  EXPECT_EQ(perf[1].string_at("reference"), resource_of(e[0]));
  EXPECT_EQ(perf[2].string_at("reference"), resource_of(e[2]));

  // Several matches (the store plus this Bundle) fail with 412; none with 400.
  const long before = total();
  BundleBuilder several("transaction");
  several.post("Practitioner", practitioner("999")).post("Observation", observation(by_npi + "999"));
  expect_names_entry(expect_outcome(send(several), 412), 1);
  BundleBuilder none("transaction");
  none.post("Observation", observation(by_npi + "000"));
  expect_names_entry(expect_outcome(send(none), 400), 0);
  BundleBuilder unsupported("transaction");
  unsupported.post("Observation", observation("Practitioner?name=Smith"));
  expect_names_entry(expect_outcome(send(unsupported), 400), 0);
  EXPECT_EQ(total(), before);
}

// --- PATCH entries ---------------------------------------------------------

TEST_F(BundleTest, PatchEntriesCarryAJsonPatchBinary) {
  ASSERT_EQ(client().put("Patient/pp", patient({}, "pp")).status, 201);
  BundleBuilder b("transaction");
  b.patch("Patient/pp", R"([{"op":"add","path":"/gender","value":"female"}])", "W/\"1\"");
  auto e = entries(send(b), "transaction-response", 1);
  EXPECT_EQ(response(e[0]).string_at("location"), "Patient/pp/_history/2");
  EXPECT_EQ(read("Patient/pp").string_at("gender"), "female");

  BundleBuilder stale("transaction");
  stale.patch("Patient/pp", R"([{"op":"remove","path":"/gender"}])", "W/\"1\"");
  expect_outcome(send(stale), 412);
  BundleBuilder failing_test("transaction");
  failing_test.patch("Patient/pp", R"([{"op":"test","path":"/gender","value":"male"},{"op":"remove","path":"/gender"}])");
  expect_outcome(send(failing_test), 409);
  BundleBuilder not_patch("transaction");
  not_patch.raw(R"({"resource":{"resourceType":"Binary","contentType":"application/json","data":"W10="},)"
                R"("request":{"method":"PATCH","url":"Patient/pp"}})");
  expect_names_entry(expect_outcome(send(not_patch), 415), 0);
  BundleBuilder bad_json("transaction");
  bad_json.raw(R"({"resource":{"resourceType":"Binary","contentType":"application/json-patch+json","data":")" +
               base64_encode("[{") + R"("},"request":{"method":"PATCH","url":"Patient/pp"}})");
  expect_names_entry(expect_outcome(send(bad_json), 400), 0);
  EXPECT_EQ(read("Patient/pp").find("meta")->string_at("versionId"), "2");
}

TEST_F(BundleTest, GetEntriesReadAndVread) {
  ASSERT_EQ(client().put("Patient/r", patient("r1", "r")).status, 201);
  ASSERT_EQ(client().put("Patient/r", patient("r2", "r")).status, 200);
  ASSERT_EQ(client().put("Patient/d", patient({}, "d")).status, 201);
  ASSERT_EQ(client().del("Patient/d").status, 204);
  BundleBuilder b("batch");
  b.get("Patient/r").get("Patient/r/_history/1").get("Patient/r/_history/3").get("Patient/d")
      .get("Patient/d/_history/1").get("Patient/d/_history/2");
  auto e = entries(send(b), "batch-response", 6);
  EXPECT_EQ(response(e[0]).string_at("etag"), "W/\"2\"");
  ASSERT_NE(e[1].find("resource"), nullptr);
  EXPECT_EQ(response(e[1]).string_at("status"), "200 OK");
  EXPECT_EQ(e[1].find("resource")->find("identifier")->items()[0].string_at("value"), "r1");
  EXPECT_EQ(response(e[1]).string_at("location"), "Patient/r/_history/1");
  EXPECT_EQ(response(e[2]).string_at("status").substr(0, 3), "404");
  EXPECT_EQ(response(e[3]).string_at("status").substr(0, 3), "410");
  EXPECT_EQ(response(e[4]).string_at("status"), "200 OK");
  EXPECT_EQ(response(e[5]).string_at("status").substr(0, 3), "410");
}

// A GET Type?query entry answers with a searchset Bundle as its resource.
TEST_F(BundleTest, GetEntriesSearch) {
  create("Patient", patient("s1"));
  create("Patient", patient("s1"));
  create("Patient", patient("s2"));
  BundleBuilder b("batch");
  b.get(std::string("Patient?identifier=") + kSys + "|s1")
      .get(std::string("Patient?identifier=") + kSys + "|nobody")
      .get("Patient?birthdate=not-a-date");
  auto e = entries(send(b), "batch-response", 3);
  EXPECT_EQ(response(e[0]).string_at("status"), "200 OK");
  const Value* set = e[0].find("resource");
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->string_at("type"), "searchset");
  EXPECT_EQ(set->find("total")->text(), "2");
  ASSERT_NE(set->find("entry"), nullptr);
  EXPECT_EQ(set->find("entry")->items().size(), 2u);
  EXPECT_EQ(e[1].find("resource")->find("total")->text(), "0");
  EXPECT_EQ(response(e[2]).string_at("status").substr(0, 3), "400");

  // In a transaction a bad search fails the whole Bundle before any write.
  const long before = total();
  BundleBuilder t("transaction");
  t.post("Patient", patient("t1")).get("Patient?birthdate=not-a-date");
  auto r = client().post("", t.json());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(total(), before);
}

// --- batch -----------------------------------------------------------------

TEST_F(BundleTest, BatchEntriesAreIndependentEachWithItsOutcome) {
  ASSERT_EQ(client().put("Patient/b1", patient({}, "b1")).status, 201);
  create("Patient", patient("twin"));
  create("Patient", patient("twin"));
  const long before = total();
  BundleBuilder b("batch");
  b.post("Patient", patient("ok1"))
      .post("Patient", R"({"resourceType":"Patient","birthDate":"1990-13-45"})")
      .put("Patient/b1", patient({}, "b1"), {}, "W/\"5\"")
      .post("Observation", observation(std::string("Practitioner?identifier=") + kNpi + "|none"))
      .put(std::string("Patient?identifier=") + kSys + "|twin", patient("twin"))
      .raw(R"({"request":{"method":"POST","url":"Patient"}})")
      .put("Patient/b2", patient({}, "b2"))
      .get("Patient/b1")
      .get("Patient/nobody");
  auto e = entries(send(b), "batch-response", 9);
  const char* expected[] = {"201", "400", "412", "400", "412", "400", "201", "200", "404"};
  for (int i = 0; i < 9; ++i) {
    SCOPED_TRACE("entry " + std::to_string(i));
    std::string status(response(e[i]).string_at("status"));
    EXPECT_EQ(status.substr(0, 3), expected[i]);
    const Value* outcome = response(e[i]).find("outcome");
    if (status[0] == '2') {
      EXPECT_EQ(outcome, nullptr);
      continue;
    }
    ASSERT_NE(outcome, nullptr);
    EXPECT_EQ(outcome->string_at("resourceType"), "OperationOutcome");
    const Value& first = outcome->find("issue")->items()[0];
    std::string where = "Bundle.entry[" + std::to_string(i) + "]";
    EXPECT_NE(std::string(first.string_at("diagnostics")).find(where), std::string::npos)
        << first.string_at("diagnostics");
  }
  EXPECT_EQ(total(), before + 2);
  EXPECT_EQ(client().get("Patient/b2").status, 200);
  EXPECT_EQ(read("Patient/b1").find("meta")->string_at("versionId"), "1");
}

TEST_F(BundleTest, BatchEntriesCannotReferToEachOther) {
  // R4: a batch has no interdependencies; a urn of another entry is unknown.
  BundleBuilder b("batch");
  b.post("Patient", patient(), "urn:uuid:bbbbbbbb-0000-0000-0000-000000000001")
      .post("Observation", observation("urn:uuid:bbbbbbbb-0000-0000-0000-000000000001"));
  auto e = entries(send(b), "batch-response", 2);
  EXPECT_EQ(response(e[0]).string_at("status"), "201 Created");
  EXPECT_EQ(response(e[1]).string_at("status").substr(0, 3), "400");
}

// --- bad Bundles -----------------------------------------------------------

TEST_F(BundleTest, BadBundlesAreRefusedNamingTheEntry) {
  create("Patient", patient("x"));
  const long before = total();
  for (const char* type : {"collection", "document", "searchset", "history", "transaction-response"}) {
    BundleBuilder b(type);
    b.post("Patient", patient());
    EXPECT_EQ(expression_of(expect_outcome(send(b), 400)), "Bundle.type") << type;
  }
  expect_outcome(client().post("", patient()), 400);  // not a Bundle
  expect_outcome(client().post("", R"({"resourceType":"Bundle","type":"transaction","entry":[{)"), 400);

  struct Case {
    const char* why;
    std::string entry;
    long status;
  } cases[] = {
      {"missing request", R"({"fullUrl":"urn:uuid:cccccccc-0000-0000-0000-000000000002","resource":{"resourceType":"Patient"}})", 400},
      {"duplicate fullUrl",
       R"({"fullUrl":"urn:uuid:cccccccc-0000-0000-0000-000000000001","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}})",
       400},
      {"unknown urn", R"({"resource":)" + observation("urn:uuid:dddddddd-0000-0000-0000-000000000000") +
                          R"(,"request":{"method":"POST","url":"Observation"}})",
       400},
      {"invalid resource",
       R"({"resource":{"resourceType":"Patient","active":"yes"},"request":{"method":"POST","url":"Patient"}})", 400},
      {"resource of another type than the url",
       R"({"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Observation"}})", 400},
      {"PUT without an id", R"({"resource":{"resourceType":"Patient"},"request":{"method":"PUT","url":"Patient/p9"}})", 400},
      {"unknown type in url", R"({"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patientt"}})", 404},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.why);
    BundleBuilder b("transaction");
    b.post("Patient", patient(), "urn:uuid:cccccccc-0000-0000-0000-000000000001").raw(c.entry);
    EXPECT_EQ(expression_of(expect_outcome(send(b), c.status)).rfind("Bundle.entry[1]", 0), 0u);
  }
  EXPECT_EQ(total(), before);
}

// --- concurrency -----------------------------------------------------------

TEST_F(BundleTest, ConcurrentConditionalCreatesCreateExactlyOne) {
  constexpr int kClients = 8;
  const std::string urn = "urn:uuid:eeeeeeee-0000-0000-0000-000000000001";
  const std::string cond = std::string("identifier=") + kSys + "|race";
  std::vector<HttpResult> results(kClients);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] {
      TestClient c = client();
      BundleBuilder b("transaction");
      b.post("Patient", patient("race"), urn, cond).post("Observation", observation(urn));
      results[i] = c.post("", b.json());
    });
  for (auto& t : threads) t.join();

  int created = 0;
  std::set<std::string> winners;
  for (const auto& r : results) {
    auto e = entries(r, "transaction-response", 2);
    std::string status(response(e[0]).string_at("status"));
    created += status == "201 Created";
    EXPECT_TRUE(status == "201 Created" || status == "200 OK") << status;
    winners.insert(resource_of(e[0]));
    EXPECT_EQ(read(resource_of(e[1])).find("subject")->string_at("reference"), resource_of(e[0]));
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(winners.size(), 1u);
  EXPECT_EQ(total("Patient"), 1);
  EXPECT_EQ(total("Observation"), kClients);
}

// --- what the server advertises ---------------------------------------------

TEST_F(BundleTest, CapabilityStatementAdvertisesBundlesPatchAndConditionals) {
  Value cs = read("metadata");
  const Value& rest = cs.find("rest")->items()[0];
  std::set<std::string> system;
  for (const auto& i : rest.find("interaction")->items()) system.insert(std::string(i.string_at("code")));
  EXPECT_TRUE(system.count("transaction"));
  EXPECT_TRUE(system.count("batch"));
  bool found = false;
  for (const auto& r : rest.find("resource")->items()) {
    if (r.string_at("type") != "Patient") continue;
    found = true;
    std::set<std::string> codes;
    for (const auto& i : r.find("interaction")->items()) codes.insert(std::string(i.string_at("code")));
    EXPECT_TRUE(codes.count("patch"));
    EXPECT_TRUE(r.find("conditionalCreate") && r.find("conditionalCreate")->as_bool());
    EXPECT_TRUE(r.find("conditionalUpdate") && r.find("conditionalUpdate")->as_bool());
    EXPECT_EQ(r.string_at("conditionalDelete"), "single");
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace carebridge::test
