#pragma once

#include "libterraform/graph_run.hpp"

namespace libterraform::graph {

// Fills `outcome` from what the module's task ended with: its result, or its error
// (`failure`, with the partial result it carries, if any). `run_cancelled`: an
// interrupted terraform counts as cancelled, not failed. A summary and diagnostics
// `outcome` already holds (seen in the events) are kept. Pure: unit-tested.
// What an exception says: its what(), or a word for one that is no std::exception.
std::string message_of(const std::exception_ptr& error);

void conclude(ModuleReport& outcome, const CommandResult* result, const TaskError* failure,
              bool run_cancelled);

}  // namespace libterraform::graph
