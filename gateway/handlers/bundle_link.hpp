// One Bundle.link entry ({"relation":..,"url":..}) appended to JSON being
// written by hand: history and searchset Bundles page the same way.
#pragma once

#include <string>

#include "fhir/json/write.hpp"

namespace gateway {

inline void append_bundle_link(std::string& out, bool& first, const char* relation, const std::string& url) {
  if (!first) out += ',';
  first = false;
  out += R"({"relation":")";
  out += relation;
  out += R"(","url":")";
  fhir::json::append_escaped(url, out);
  out += "\"}";
}

}  // namespace gateway
