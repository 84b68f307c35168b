// BundleBuilder: transaction and batch Bundles for tests, entry by entry,
// so each test reads as the list of requests it sends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/value.hpp"

namespace carebridge::test {

class BundleBuilder {
 public:
  // type: "transaction", "batch", or anything else to test refusals.
  explicit BundleBuilder(std::string type) : type_(std::move(type)) {}

  // resource: JSON text. full_url and the request options are left out when empty.
  BundleBuilder& post(const std::string& url, const std::string& resource,
                      const std::string& full_url = {}, const std::string& if_none_exist = {});
  BundleBuilder& put(const std::string& url, const std::string& resource,
                     const std::string& full_url = {}, const std::string& if_match = {});
  // patch: a JSON Patch document, sent as a Binary of application/json-patch+json.
  BundleBuilder& patch(const std::string& url, const std::string& patch,
                       const std::string& if_match = {});
  BundleBuilder& del(const std::string& url, const std::string& if_match = {});
  BundleBuilder& get(const std::string& url);
  // Any entry object, as JSON text.
  BundleBuilder& raw(const std::string& entry);

  std::string json() const;

 private:
  BundleBuilder& add(const std::string& method, const std::string& url, const std::string& resource,
                     const std::string& full_url, const std::string& extra_request);

  std::string type_;
  std::vector<std::string> entries_;
};

std::string base64_encode(const std::string& bytes);

// The resources of a Bundle's entries of this type (copies), in entry order.
std::vector<fhir::json::Value> resources_of(const fhir::json::Value& bundle, std::string_view type);

}  // namespace carebridge::test
