#pragma once

#include "libterraform/export.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform {

/// How far a graph query follows dependencies: direct, the modules one edge away;
/// transitive, every module reachable that way.
enum class Reach { direct, transitive };

/// One module of a graph: a name (for messages, reports and globs) and its directory.
struct GraphModule {
  std::string name;  ///< unique in the graph
  /// Its directory: the real path from discover() and of_directories(), the path as
  /// given to ModuleGraph::add.
  std::filesystem::path directory;
  std::vector<std::size_t> after;  ///< the modules it runs after (indexes), in order added
};

/// How ModuleGraph::discover finds modules and their dependencies.
struct DiscoveryOptions {
  /// The per-module file listing the modules it runs after: one directory per line,
  /// relative to the module ('#' starts a comment). Empty: not read.
  std::string dependency_file = "tfrun.deps";
  /// Read `data "terraform_remote_state"` blocks with `backend = "local"` whose
  /// `config.path` lies in another module of the tree: that module runs first.
  bool remote_state = true;
};

/// Modules and "runs after" edges between them, as run_graph
/// takes them. Modules are kept in the order added; every query is by name or index.
///
/// \code
///   ModuleGraph graph;
///   graph.add("network", root / "network").add("app", root / "app");
///   graph.add_dependency("app", "network");  // app runs after network
///   auto levels = graph.levels();             // {{"network"}, {"app"}}
/// \endcode
class LIBTERRAFORM_EXPORT ModuleGraph {
 public:
  /// Adds a module; returns the graph, for chaining. Throws Error(invalid_option) for
  /// an empty or taken name.
  ModuleGraph& add(std::string name, std::filesystem::path directory);
  /// `module` runs after `dependency`. Throws Error(unknown_module) when either is not
  /// in the graph, DependencyCycleError when they are the same (a cycle of one).
  /// Adding twice is harmless.
  ModuleGraph& add_dependency(std::string_view module, std::string_view dependency);

  /// The modules, in the order added.
  const std::vector<GraphModule>& modules() const noexcept { return modules_; }
  /// How many modules.
  std::size_t size() const noexcept { return modules_.size(); }
  /// The index of the module named `name`, or nothing.
  std::optional<std::size_t> find(std::string_view name) const;
  /// What `module` depends on (the modules it runs after), and what depends on it (the
  /// modules that run after it). Indexes in the order added; Reach::transitive: every
  /// module reachable that way, not only the direct ones.
  ///@{
  std::vector<std::size_t> dependencies(std::size_t module, Reach reach = Reach::direct) const;
  std::vector<std::size_t> dependents(std::size_t module, Reach reach = Reach::direct) const;
  ///@}

  /// Throws DependencyCycleError when the dependencies form a cycle.
  void check_acyclic() const;
  /// The modules by level: each level's modules depend only on earlier levels, in the
  /// order added. `reverse`: dependents first (destroy's order). Throws
  /// DependencyCycleError.
  std::vector<std::vector<std::string>> levels(bool reverse = false) const;

  /// Every directory under `root` holding a configuration file (*.tf, *.tf.json,
  /// *.tofu, *.tofu.json), root included, directories whose name starts with '.'
  /// skipped (so .terraform and .git are), named by its path relative to root ("." for
  /// root itself), with the dependencies `options` say where to read. Throws
  /// Error(directory_not_found) for a missing root, Error(unknown_module) for a
  /// dependency file naming a directory that is not a module of the tree,
  /// DependencyCycleError for a cycle. See docs/orchestration.md.
  static ModuleGraph discover(const std::filesystem::path& root,
                              const DiscoveryOptions& options = DiscoveryOptions());
  /// These directories as the modules, named as given, with the dependencies among
  /// them read as discover() does (a dependency file may name only listed
  /// directories). Throws Error(directory_not_found), Error(unknown_module),
  /// DependencyCycleError.
  static ModuleGraph of_directories(const std::vector<std::filesystem::path>& directories,
                                    const DiscoveryOptions& options = DiscoveryOptions());

  /// The modules a change touches, by name in the order added: those with a file that
  /// differs between git revision `ref` and the working tree (changed in commits since
  /// `ref`, staged, unstaged, deleted, or untracked and not ignored), and those calling
  /// such a directory as a local child module (`source = "../x"`, followed through
  /// child modules of child modules). A file belongs to the nearest module or child
  /// module directory holding it. Their dependents are not added:
  /// GraphRunOptions::include_dependents does that. `repository`: any directory of the
  /// git work tree. Runs git (from PATH). Throws Error(git_failed) for a directory
  /// outside any work tree, an unknown `ref`, or git missing or failing, and
  /// Error(read_failed) for a configuration file it cannot read.
  std::vector<std::string> changed_since(std::string_view ref,
                                         const std::filesystem::path& repository) const;

 private:
  std::vector<GraphModule> modules_;
};

}  // namespace libterraform
