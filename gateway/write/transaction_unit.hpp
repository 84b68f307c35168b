// The resolve and store stages, run by the group-commit writer inside one
// savepoint: a plan commits whole or not at all. Entries run in the order
// R4 gives for transactions (DELETE, POST, PUT/PATCH, GET); conditional
// operations and conditional references resolve against exactly the state
// they commit on, so of two concurrent conditional creates one wins.
#pragma once

#include <memory>
#include <vector>

#include "fhir/store/store.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// outcomes gets one EntryOutcome per plan entry, in plan order, once the
// unit has run. ctx must outlive the write.
fhir::store::WriteUnit transaction_unit(std::shared_ptr<WritePlan> plan,
                                        std::shared_ptr<std::vector<EntryOutcome>> outcomes,
                                        const WriteContext* ctx);

// For a batch: one unit per entry, each its own all-or-nothing write.
std::vector<std::shared_ptr<WritePlan>> split_batch(WritePlan&& plan);

}  // namespace gateway
