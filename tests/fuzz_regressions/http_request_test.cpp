// Inputs fuzz/http_request_fuzzer found, replayed through the request
// chain's pure stages (no socket, no store), as the target runs them.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"
#include "profiles/type_model.hpp"
#include "tests/profiles/r4_model.hpp"

namespace gateway {
namespace {

class HttpRequestFuzzRegression : public ::testing::Test {
 protected:
  void SetUp() override {
    const profiles::TypeModel* model = carebridge::test::r4_model();
    ASSERT_NE(model, nullptr);
    app_.types = std::shared_ptr<const profiles::TypeModel>(model, [](const profiles::TypeModel*) {});
    app_.base_url = "http://127.0.0.1:8080/fhir";
    app_.base_path = "/fhir";
  }

  // parse_request, route: true when the request was routed.
  bool route(Exchange& x) { return parse_request_stage(x, app_) == Flow::next && route_stage(x, app_) == Flow::next; }

  AppContext app_;
};

// "GET /fhir_history HTTP/1.1" was served as GET /fhir/_history: the base
// path matched as a string prefix, not as whole path segments.
TEST_F(HttpRequestFuzzRegression, BasePathMatchesWholeSegments) {
  for (const char* target : {"/fhir_history", "/fhirPatient/1", "/fhir%5F_history", "/fhirmetadata"}) {
    Exchange x;
    x.request.method = "GET";
    x.request.target = target;
    EXPECT_FALSE(route(x)) << target;
    EXPECT_EQ(x.response.status, 404) << target;
  }
  for (const char* target : {"/fhir/_history", "/fhir/Patient/1?_format=json", "/fhir/metadata"}) {
    Exchange x;
    x.request.method = "GET";
    x.request.target = target;
    EXPECT_TRUE(route(x)) << target;
  }
  Exchange bundle;
  bundle.request.method = "POST";
  bundle.request.target = "/fhir";
  ASSERT_TRUE(route(bundle));
  EXPECT_EQ(bundle.route.interaction, Interaction::bundle);
}

}  // namespace
}  // namespace gateway
