#pragma once

// Small module graphs for unit tests; their directories need not exist.

#include "libterraform/module_graph.hpp"

#include <string>
#include <vector>

namespace libterraform::testing {

// base <- left, base <- right, {left, right} <- top: left and right run after base,
// top after both.
inline ModuleGraph diamond() {
  ModuleGraph g;
  g.add("base", "/m/base").add("left", "/m/left").add("right", "/m/right").add("top", "/m/top");
  g.add_dependency("left", "base").add_dependency("right", "base");
  g.add_dependency("top", "left").add_dependency("top", "right");
  return g;
}

// Modules with no dependencies between them.
inline ModuleGraph independent(const std::vector<std::string>& names) {
  ModuleGraph g;
  for (const auto& name : names)
    g.add(name, "/m/" + name);
  return g;
}

}  // namespace libterraform::testing
