// The endpoint allowlist (issue 10, forwarding): URL normal form and the
// prefix rule, pure, no sockets. The tricky spellings are the point: each
// is one some parser reads differently from a naive string prefix check.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fhir/core/errors.hpp"
#include "gateway/forwarding/endpoint_allowlist.hpp"
#include "gateway/forwarding/endpoint_url.hpp"

namespace gateway::forwarding {
namespace {

std::string normal(std::string_view url) {
  auto u = parse_endpoint_url(url, true);
  EXPECT_TRUE(u.ok()) << url << ": " << (u.ok() ? "" : u.issue().diagnostics);
  return u.ok() ? u->text() : "";
}

void expect_refused(std::string_view url, bool allow_query = true) {
  auto u = parse_endpoint_url(url, allow_query);
  ASSERT_FALSE(u.ok()) << url << " parsed as " << u->text();
  EXPECT_EQ(u.issue().code, fhir::err::kInvalidValue.issue_code) << url;
  EXPECT_EQ(u.issue().severity, fhir::err::kInvalidValue.severity) << url;
}

bool allowed(std::string_view prefix, std::string_view url) {
  return endpoint_allowed({std::string(prefix)}, url);
}

TEST(EndpointUrlTest, NormalForm) {
  EXPECT_EQ(normal("HTTPS://A.Example/Fhir"), "https://a.example/Fhir");  // the path keeps its case
  EXPECT_EQ(normal("https://a.example"), "https://a.example/");
  EXPECT_EQ(normal("https://a.example:443/x"), "https://a.example/x");
  EXPECT_EQ(normal("https://a.example:0443/x"), "https://a.example/x");
  EXPECT_EQ(normal("https://a.example:8443/x"), "https://a.example:8443/x");
  EXPECT_EQ(normal("http://localhost:80/x"), "http://localhost/x");
  EXPECT_EQ(normal("http://127.0.0.1:8080/hook"), "http://127.0.0.1:8080/hook");
  EXPECT_EQ(normal("https://a.example/%7euser/%41b%2c%3a"), "https://a.example/~user/Ab%2C%3A");
  EXPECT_EQ(normal("https://a.example/x?a=1&b=%2F"), "https://a.example/x?a=1&b=%2F");
  EXPECT_EQ(normal("https://a.example/x/"), "https://a.example/x/");
  EXPECT_EQ(normal("https://xn--bcher-kva.example/"), "https://xn--bcher-kva.example/");
  EXPECT_EQ(normal("https://a.example/a;v=1/b"), "https://a.example/a;v=1/b");
  EXPECT_EQ(normal("https://a.example/.well-known/x"), "https://a.example/.well-known/x");
  EXPECT_EQ(normal("https://a.example/..x/x.."), "https://a.example/..x/x..");
}

TEST(EndpointUrlTest, Ipv6LiteralsInRfc5952Form) {
  EXPECT_EQ(normal("http://[::1]:8080/x"), "http://[::1]:8080/x");
  EXPECT_EQ(normal("http://[0:0:0:0:0:0:0:1]/x"), "http://[::1]/x");
  EXPECT_EQ(normal("https://[2001:DB8:0:0:0:0:0:1]/"), "https://[2001:db8::1]/");
  EXPECT_EQ(normal("https://[2001:db8:0000:1:0:0:0:1]:443/"), "https://[2001:db8:0:1::1]/");
  EXPECT_EQ(normal("https://[2001:db8:0:0:1:0:0:1]/"), "https://[2001:db8::1:0:0:1]/");  // the first of equal runs
  EXPECT_EQ(normal("https://[2001:db8:1:1:1:1:0:1]/"), "https://[2001:db8:1:1:1:1:0:1]/");  // one zero stays
  EXPECT_EQ(normal("https://[::ffff:192.0.2.1]/"), "https://[::ffff:c000:201]/");
  EXPECT_EQ(normal("https://[::]/"), "https://[::]/");
  EXPECT_EQ(normal("https://[1::]/"), "https://[1::]/");
  for (const char* bad : {"https://[::1/", "https://[fe80::1%25eth0]/", "https://[v1.x]/",
                          "https://[1:2:3:4:5:6:7:8:9]/", "https://[1::2::3]/", "https://[12345::]/",
                          "https://[1:2:3:4:5:6:7]/", "https://[1:2:3:4:5:6:7::8]/", "https://[::1]x/",
                          "https://[::1]:/", "https://[::01.2.3.4]/", "https://[1.2.3.4::]/"})
    expect_refused(bad);
}

TEST(EndpointUrlTest, OnlyHttpsExceptForLoopback) {
  for (const char* ok : {"http://127.0.0.1/", "http://LOCALHOST:9/", "http://[::1]/", "https://192.0.2.1/"})
    EXPECT_TRUE(parse_endpoint_url(ok, true).ok()) << ok;
  for (const char* bad : {"http://a.example/", "http://127.0.0.2/", "http://127.1/", "http://2130706433/",
                          "http://0x7f.0.0.1/", "http://localhost.a.example/", "http://[::ffff:127.0.0.1]/",
                          "ftp://a.example/", "wss://a.example/", "//a.example/x", "a.example/x", "/x",
                          "https:a.example", "https:/a.example/"})
    expect_refused(bad);
}

TEST(EndpointUrlTest, RefusesWhatParsersDisagreeOn) {
  for (const char* bad : {
           "", "https://", "https:///x",                                   // no host
           "https://a.example@evil.com/", "https://user:pw@a.example/",  // userinfo
           "https://@a.example/",
           "https://a.example\\@evil.com/", "https://a.example\\x", "https://a.example/x\\..\\y",  // backslash
           "https://a.example/x#frag", "https://a.example/#",  // fragment
           "https://a.example/ x", "https://a.example/\tx", "https://a.example/\xc3\xa9",  // not URL characters
           "https://a.example/\"", "https://a.example/<x>", "https://a.example/{x}", "https://a.example/|",
           "https://a.example./", "https://.a.example/", "https://a..example/",  // empty labels
           "https://-a.example/", "https://a-.example/", "https://a_b.example/", "https://a%2Eexample/",
           "https://a.example:0/", "https://a.example:65536/", "https://a.example:/", "https://a.example:x/",
           "https://a.example:443:443/", "https://a.example:123456/",
           "https://1.2.3/", "https://1.2.3.4.5/", "https://01.2.3.4/", "https://1.2.3.256/", "https://a.0x10/",
           "https://a.example/x/../y", "https://a.example/..", "https://a.example/./x",  // dot-segments
           "https://a.example/%2e%2e/x", "https://a.example/.%2E/x", "https://a.example/%2E",  // escaped dots
           "https://a.example/..;x/y", "https://a.example/.;/y", "https://a.example/..%3Bx/y",  // Tomcat "..;"
           "https://a.example/x//y", "https://a.example//x",  // empty segments
           "https://a.example/x%2Fy", "https://a.example/x%2f..%2fy", "https://a.example/x%5Cy",  // escaped slashes
           "https://a.example/x%00", "https://a.example/x%0A", "https://a.example/%252E%252E/x",  // controls, %25
           "https://a.example/x%", "https://a.example/x%4", "https://a.example/x%zz", "https://a.example/x?y=%",
           "https://a.example/[x]", "https://a.example/x?[y]"})
    expect_refused(bad);
  expect_refused(std::string("https://a.example/") + std::string(2100, 'x'));
  expect_refused(std::string("https://") + std::string(250, 'a') + ".example/");
  expect_refused(std::string("https://") + std::string(64, 'a') + ".example/");
}

TEST(EndpointUrlTest, ErrorsNeverRepeatTheUrl) {
  auto u = parse_endpoint_url("https://alice:s3cret@a.example/", false);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(u.issue().diagnostics.find("s3cret"), std::string::npos) << u.issue().diagnostics;
}

TEST(EndpointPrefixTest, APrefixIsNormalisedAndHasNoQuery) {
  auto p = normalize_endpoint_prefix("HTTPS://Partner.Example:443/fhir");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "https://partner.example/fhir");
  EXPECT_FALSE(normalize_endpoint_prefix("https://partner.example/fhir?x=1").ok());
  EXPECT_FALSE(normalize_endpoint_prefix("https://partner.example/fhir?").ok());
  EXPECT_FALSE(normalize_endpoint_prefix("http://partner.example/").ok());
  auto bad = normalize_endpoint_prefix("https://partner.example/../x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.issue().code, fhir::err::kInvalidValue.issue_code);
}

TEST(EndpointAllowedTest, PathWithoutTrailingSlashMatchesWholeSegments) {
  const std::string p = "https://a.example/fhir";
  EXPECT_TRUE(allowed(p, "https://a.example/fhir"));
  EXPECT_TRUE(allowed(p, "https://a.example/fhir/"));
  EXPECT_TRUE(allowed(p, "https://a.example/fhir/Subscription/1"));
  EXPECT_TRUE(allowed(p, "https://a.example/fhir?token=x"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhirx"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir.evil"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir%2Fx"));
  EXPECT_FALSE(allowed(p, "https://a.example/"));
  EXPECT_FALSE(allowed(p, "https://a.example/FHIR"));  // paths are case-sensitive
  EXPECT_FALSE(allowed(p, "https://a.example/other/fhir"));
}

TEST(EndpointAllowedTest, PathWithTrailingSlashMatchesBelowIt) {
  const std::string p = "https://a.example/fhir/";
  EXPECT_TRUE(allowed(p, "https://a.example/fhir/"));
  EXPECT_TRUE(allowed(p, "https://a.example/fhir/x"));
  EXPECT_TRUE(allowed(p, "https://a.example/fhir/x/y?z"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhirx"));
  EXPECT_TRUE(allowed("https://a.example", "https://a.example/anything"));  // the root: the whole origin
  EXPECT_TRUE(allowed("https://a.example/", "https://a.example"));
}

TEST(EndpointAllowedTest, TheOriginMustBeTheSame) {
  const std::string p = "https://a.example/fhir";
  EXPECT_TRUE(allowed(p, "HTTPS://A.EXAMPLE/fhir/x"));
  EXPECT_TRUE(allowed(p, "https://a.example:443/fhir/x"));
  EXPECT_TRUE(allowed("https://a.example:443/fhir", "https://a.example/fhir/x"));
  EXPECT_FALSE(allowed(p, "https://a.example:8443/fhir/x"));
  EXPECT_FALSE(allowed(p, "https://a.example.evil.com/fhir"));
  EXPECT_FALSE(allowed(p, "https://evil.com/a.example/fhir"));
  EXPECT_FALSE(allowed(p, "https://a.example@evil.com/fhir"));
  EXPECT_FALSE(allowed(p, "https://evil.com@a.example/fhir"));  // userinfo is refused, even before the right host
  EXPECT_FALSE(allowed(p, "https://b.a.example/fhir"));
  EXPECT_FALSE(allowed(p, "https://a.example./fhir"));
  EXPECT_FALSE(allowed("http://127.0.0.1:8080/hook", "http://127.0.0.1:8081/hook"));
  EXPECT_FALSE(allowed("http://127.0.0.1/hook", "http://localhost/hook"));  // names are not resolved
  EXPECT_TRUE(allowed("http://[::1]:8080/hook", "http://[0:0::1]:8080/hook/1"));
  EXPECT_TRUE(allowed("https://[2001:db8::1]/", "https://[2001:DB8:0:0:0:0:0:1]/x"));
}

TEST(EndpointAllowedTest, EscapesAndDotSegmentsCannotLeaveThePrefix) {
  const std::string p = "https://a.example/fhir/";
  EXPECT_TRUE(allowed(p, "https://a.example/%66hir/x"));  // %66 is 'f': the same path
  EXPECT_TRUE(allowed("https://a.example/%7Eu/", "https://a.example/~u/x"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir/../admin"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir/%2e%2e/admin"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir/..;/admin"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir/x%2F..%2F..%2Fadmin"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir\\..\\admin"));
  EXPECT_FALSE(allowed(p, "https://a.example/fhir/x#y"));
}

TEST(EndpointAllowedTest, AnyOfSeveralPrefixesAndNoneAllowsNothing) {
  const std::vector<std::string> prefixes = {"https://a.example/fhir", "http://localhost:9000/"};
  EXPECT_TRUE(endpoint_allowed(prefixes, "https://a.example/fhir/1"));
  EXPECT_TRUE(endpoint_allowed(prefixes, "http://localhost:9000/x"));
  EXPECT_FALSE(endpoint_allowed(prefixes, "https://localhost:9000/x"));  // the scheme is part of the origin
  EXPECT_FALSE(endpoint_allowed(prefixes, "not a url"));
  EXPECT_FALSE(endpoint_allowed({}, "https://a.example/fhir"));
  // A stored prefix that no longer parses allows nothing, and stops nothing else.
  EXPECT_FALSE(endpoint_allowed({"https://a.example/fhir?x", ""}, "https://a.example/fhir"));
  EXPECT_TRUE(endpoint_allowed({"garbage", "https://a.example/"}, "https://a.example/x"));
}

}  // namespace
}  // namespace gateway::forwarding
