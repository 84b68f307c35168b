#include "tests/support/test_client.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "fhir/json/parse.hpp"

namespace carebridge::test {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*headers)[name] = value;
  }
  return size * n;
}

}  // namespace

std::string HttpResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

fhir::json::Value HttpResult::json() const {
  auto v = fhir::json::parse(body);
  if (!v) {
    ADD_FAILURE() << "response is not JSON: " << body.substr(0, 200);
    return {};
  }
  return std::move(*v);
}

HttpResult TestClient::request(const std::string& method, const std::string& path,
                               const std::string& body, const Headers& headers) const {
  auto r = try_request(method, path, body, headers);
  if (!r) {
    ADD_FAILURE() << method << " " << path << ": the server could not be reached";
    return {};
  }
  return std::move(*r);
}

std::optional<HttpResult> TestClient::try_request(const std::string& method, const std::string& path,
                                                  const std::string& body,
                                                  const Headers& headers) const {
  static CurlGlobal global;
  HttpResult result;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  std::string url = path.rfind("http", 0) == 0 ? path : base_ + "/" + path;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_slist* list = nullptr;
  bool has_ct = false, has_accept = false, has_auth = false;
  for (const auto& [k, v] : headers) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    has_ct = has_ct || lower == "content-type";
    has_accept = has_accept || lower == "accept";
    has_auth = has_auth || lower == "authorization";
    list = curl_slist_append(list, (k + ": " + v).c_str());
  }
  if (!has_ct && !body.empty()) list = curl_slist_append(list, "Content-Type: application/fhir+json");
  if (!has_accept) list = curl_slist_append(list, "Accept: application/fhir+json");
  if (!has_auth && !bearer_.empty()) list = curl_slist_append(list, ("Authorization: Bearer " + bearer_).c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(list);
  if (rc != CURLE_OK) return std::nullopt;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

}  // namespace carebridge::test
