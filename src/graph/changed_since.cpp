// ModuleGraph::changed_since: the modules a git change touches.

#include "graph/change_scope.hpp"
#include "graph/configuration_scan.hpp"
#include "graph/git.hpp"
#include "graph/tree_files.hpp"
#include "libterraform/module_graph.hpp"

namespace libterraform {
namespace {

namespace fs = std::filesystem;

// The local child modules called from `directory`, and from those, recursively, into
// `calls`. A source naming no directory is left to terraform to report.
void read_calls(const fs::path& directory, graph::ModuleCalls& calls) {
  if (calls.contains(directory)) return;
  auto& children = calls[directory];
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return;
  std::vector<fs::path> found;
  for (const auto& entry : graph::entries_of(directory)) {
    if (!graph::is_configuration(entry)) continue;
    for (const auto& source : graph::local_module_sources(graph::read_file(entry.path())))
      found.push_back(fs::weakly_canonical(directory / source));
  }
  children = found;
  for (const auto& child : found)
    read_calls(child, calls);
}

}  // namespace

std::vector<std::string> ModuleGraph::changed_since(std::string_view ref,
                                                    const fs::path& repository) const {
  const auto changed = graph::changed_files(repository, ref);
  std::vector<fs::path> directories;
  graph::ModuleCalls calls;
  for (const auto& module : modules_) {
    directories.push_back(fs::weakly_canonical(fs::absolute(module.directory)));
    read_calls(directories.back(), calls);
  }
  std::vector<std::string> names;
  for (std::size_t m : graph::touched_modules(directories, calls, changed))
    names.push_back(modules_[m].name);
  return names;
}

}  // namespace libterraform
