// The CapabilityStatement of this gateway, generated from the route table.
#pragma once

#include <string>

namespace gateway {

struct AppContext;

std::string build_capability_statement(const AppContext& app, const std::string& date);

}  // namespace gateway
