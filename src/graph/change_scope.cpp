#include "graph/change_scope.hpp"

#include <set>

namespace libterraform::graph {

namespace fs = std::filesystem;

std::vector<std::size_t> touched_modules(const std::vector<fs::path>& modules,
                                         const ModuleCalls& calls,
                                         const std::vector<fs::path>& changed) {
  std::set<fs::path> owners(modules.begin(), modules.end());
  for (const auto& [caller, children] : calls)
    owners.insert(children.begin(), children.end());

  std::set<fs::path> touched;  // directories holding a changed file
  for (const auto& file : changed) {
    for (fs::path directory = file.parent_path();; directory = directory.parent_path()) {
      if (owners.contains(directory)) {
        touched.insert(directory);
        break;
      }
      if (directory == directory.parent_path()) break;
    }
  }

  // A module, then the child modules it reaches; `seen` stops a cycle of calls.
  auto reaches_touched = [&](const fs::path& module) {
    std::set<fs::path> seen{module};
    std::vector<fs::path> pending{module};
    while (!pending.empty()) {
      const fs::path next = pending.back();
      pending.pop_back();
      if (touched.contains(next)) return true;
      auto found = calls.find(next);
      if (found == calls.end()) continue;
      for (const auto& child : found->second)
        if (seen.insert(child).second) pending.push_back(child);
    }
    return false;
  };
  std::vector<std::size_t> found;
  for (std::size_t m = 0; m < modules.size(); ++m)
    if (reaches_touched(modules[m])) found.push_back(m);
  return found;
}

}  // namespace libterraform::graph
