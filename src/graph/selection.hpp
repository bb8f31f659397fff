#pragma once

#include "libterraform/graph_run.hpp"

#include <optional>
#include <string>
#include <vector>

namespace libterraform::graph {

// Per module of the graph: empty when selected, else why it is left out ("excluded",
// or a LeftOut's reason). Throws Error(unknown_module). See GraphRunOptions.
std::vector<std::optional<std::string>> selection(const ModuleGraph& graph,
                                                  const GraphRunOptions& options);

// The selected modules alone, with the dependencies among them.
ModuleGraph selected_part(const ModuleGraph& graph,
                          const std::vector<std::optional<std::string>>& left_out);

}  // namespace libterraform::graph
