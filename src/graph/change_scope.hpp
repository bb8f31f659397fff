#pragma once

// Which modules a set of changed files touches. Pure: unit-tested in
// tests/unit/module_graph_test.cpp.

#include <cstddef>
#include <filesystem>
#include <map>
#include <vector>

namespace libterraform::graph {

// The local child module directories each directory's configuration calls.
using ModuleCalls = std::map<std::filesystem::path, std::vector<std::filesystem::path>>;

// The indexes of `modules` (directories) touched by `changed` (files): a file belongs
// to the nearest directory holding it that is a module or a called child module, and a
// module is touched by its own directory's files and those of every child module it
// calls, directly or through other child modules. All paths absolute and normal.
std::vector<std::size_t> touched_modules(const std::vector<std::filesystem::path>& modules,
                                         const ModuleCalls& calls,
                                         const std::vector<std::filesystem::path>& changed);

}  // namespace libterraform::graph
