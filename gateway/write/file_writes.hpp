// The writes one input file stands for, for `carebridge import`: a single
// resource (update when it carries an id, else create), or a transaction or
// batch Bundle whose POST and PUT entries share one fullUrl map. Each file
// is stored as one all-or-nothing unit.
#pragma once

#include <string_view>
#include <vector>

#include "gateway/write/write_pipeline.hpp"

namespace gateway {

fhir::Result<std::vector<PreparedWrite>> prepare_file_writes(std::string_view json,
                                                             const WriteContext& ctx);

}  // namespace gateway
