// Where the gateway and the command line look for the audit log and its
// key by default, in one place so the two always agree.
#pragma once

#include <string>

namespace consent {

inline std::string default_audit_path(const std::string& store_path) { return store_path + ".audit.db"; }
inline std::string default_audit_key_path(const std::string& audit_path) { return audit_path + ".key.pem"; }

}  // namespace consent
