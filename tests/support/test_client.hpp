// TestClient: every test request goes through here (real HTTP over
// libcurl), with the access token it was given unless the request sets
// its own Authorization header.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/json/value.hpp"

namespace carebridge::test {

struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& lower_name) const;
  // The body parsed as JSON; fails the test if it is not.
  fhir::json::Value json() const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

class TestClient {
 public:
  // bearer: the access token every request carries (none when empty).
  explicit TestClient(std::string base_url, std::string bearer = {})
      : base_(std::move(base_url)), bearer_(std::move(bearer)) {}

  // path is relative to the base ("Patient/1") or absolute ("http://...").
  // Fails the test if the server cannot be reached.
  HttpResult request(const std::string& method, const std::string& path,
                     const std::string& body = {}, const Headers& headers = {}) const;
  // nullopt when the connection failed (for tests that kill the server).
  std::optional<HttpResult> try_request(const std::string& method, const std::string& path,
                                        const std::string& body = {},
                                        const Headers& headers = {}) const;
  HttpResult get(const std::string& path, const Headers& h = {}) const {
    return request("GET", path, {}, h);
  }
  HttpResult post(const std::string& path, const std::string& body, const Headers& h = {}) const {
    return request("POST", path, body, h);
  }
  HttpResult put(const std::string& path, const std::string& body, const Headers& h = {}) const {
    return request("PUT", path, body, h);
  }
  HttpResult del(const std::string& path, const Headers& h = {}) const {
    return request("DELETE", path, {}, h);
  }
  const std::string& base_url() const { return base_; }
  const std::string& bearer() const { return bearer_; }
  // The same server, another token (or none: "").
  TestClient with_bearer(std::string token) const { return TestClient(base_, std::move(token)); }

 private:
  std::string base_;
  std::string bearer_;
};

}  // namespace carebridge::test
