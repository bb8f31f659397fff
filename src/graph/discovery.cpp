// ModuleGraph::discover: module directories under a root and the dependencies their
// files declare.

#include "graph/configuration_scan.hpp"
#include "graph/tree_files.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/module_graph.hpp"
#include "libterraform/module_path.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace libterraform {
namespace {

using graph::entries_of;
using graph::is_configuration;
using graph::read_file;

namespace fs = std::filesystem;

// The lines of a dependency file that name a directory: trimmed, comments dropped.
std::vector<std::string> listed_directories(const fs::path& file) {
  std::vector<std::string> listed;
  std::istringstream lines(read_file(file));
  for (std::string line; std::getline(lines, line);) {
    line = line.substr(0, line.find('#'));
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    listed.push_back(line.substr(first, last - first + 1));
  }
  return listed;
}

class Discovery {
 public:
  Discovery(fs::path root, const DiscoveryOptions& options)
      : root_(std::move(root)), options_(options) {}

  ModuleGraph under_root() {
    std::error_code ec;
    if (!fs::is_directory(root_, ec)) {
      throw Error(
          errc::directory_not_found,
          "module tree root " + fs::weakly_canonical(root_).string() + " is not a directory");
    }
    root_ = module_path(root_);
    find_modules();
    return finish();
  }

  ModuleGraph of(const std::vector<fs::path>& directories) {
    for (const auto& given : directories) {
      std::error_code ec;
      if (!fs::is_directory(given, ec)) {
        throw Error(errc::directory_not_found, "module " + given.string() + " is not a directory");
      }
      const fs::path directory = module_path(given);
      std::string name = given.lexically_normal().generic_string();
      while (name.size() > 1 && name.back() == '/')
        name.pop_back();
      graph_.add(name, directory);
      by_directory_[directory] = name;
    }
    return finish();
  }

 private:
  ModuleGraph finish() {
    for (const auto& module : graph_.modules())
      read_dependencies(module);
    graph_.check_acyclic();
    return std::move(graph_);
  }

  void find_modules() {
    std::vector<fs::path> directories;
    walk(root_, directories);
    std::sort(directories.begin(), directories.end());
    for (const auto& directory : directories) {
      const std::string name =
          directory == root_ ? "." : directory.lexically_relative(root_).generic_string();
      graph_.add(name, directory);
      by_directory_[directory] = name;
    }
  }

  // `directory` and those under it that hold configuration, into `found`. Directories
  // whose name starts with '.' (.terraform, .git) and symbolic links are not entered:
  // each module is found once, where it really is.
  void walk(const fs::path& directory, std::vector<fs::path>& found) {
    bool module = false;
    for (const auto& entry : entries_of(directory)) {
      std::error_code ec;
      if (entry.is_symlink(ec)) {
        if (is_configuration(entry)) module = true;  // a linked file is configuration too
        continue;
      }
      if (entry.is_directory(ec)) {
        if (!entry.path().filename().string().starts_with('.')) walk(entry.path(), found);
      } else if (is_configuration(entry)) {
        module = true;
      }
    }
    if (module) found.push_back(directory);
  }

  // The module whose directory holds `path` (the nearest one), if any. Paths looked up
  // here may not exist, so they are made weakly_canonical: for a directory that does,
  // that is the form module_path gives.
  const std::string* module_holding(fs::path path) const {
    for (; !path.empty(); path = path.parent_path()) {
      auto found = by_directory_.find(path);
      if (found != by_directory_.end()) return &found->second;
      if (path == path.parent_path()) break;
    }
    return nullptr;
  }

  void read_dependencies(const GraphModule& module) {
    if (!options_.dependency_file.empty()) {
      const fs::path file = module.directory / options_.dependency_file;
      std::error_code ec;
      if (fs::exists(fs::symlink_status(file, ec))) {  // then it must be read
        for (const auto& listed : listed_directories(file)) {
          const fs::path target = fs::weakly_canonical(module.directory / listed);
          auto found = by_directory_.find(target);
          if (found == by_directory_.end()) {
            throw Error(errc::unknown_module,
                        file.string() + ": \"" + listed + "\" is not a module of the graph");
          }
          graph_.add_dependency(module.name, found->second);
        }
      }
    }
    if (options_.remote_state) {
      for (const auto& entry : entries_of(module.directory)) {
        if (!is_configuration(entry)) continue;
        for (const auto& path : graph::local_remote_state_paths(read_file(entry.path()))) {
          const std::string* owner =
              module_holding(fs::weakly_canonical(module.directory / path).parent_path());
          // A state outside the tree, or the module's own: no ordering to add.
          if (owner && *owner != module.name) graph_.add_dependency(module.name, *owner);
        }
      }
    }
  }

  fs::path root_;
  const DiscoveryOptions& options_;
  ModuleGraph graph_;
  std::map<fs::path, std::string> by_directory_;
};

}  // namespace

ModuleGraph ModuleGraph::discover(const fs::path& root, const DiscoveryOptions& options) {
  return Discovery(root, options).under_root();
}

ModuleGraph ModuleGraph::of_directories(const std::vector<fs::path>& directories,
                                        const DiscoveryOptions& options) {
  return Discovery(fs::path(), options).of(directories);
}

}  // namespace libterraform
