// Which modules of a graph a run selects (GraphRunOptions), and the order they run in.

#include "graph/selection.hpp"

#include "libterraform/errors.hpp"

#include <fnmatch.h>

#include <algorithm>

namespace libterraform {
namespace {

bool matches_any(const Strings& globs, const std::string& name) {
  return std::ranges::any_of(globs, [&](const std::string& glob) {
    return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
  });
}

// Step 1: the include globs and the names. An include matching no module, or a name
// not in the graph, throws: a typo would otherwise run nothing, and say nothing.
std::vector<bool> included(const ModuleGraph& graph, const GraphRunOptions& options) {
  const auto& modules = graph.modules();
  for (const auto& glob : options.include) {
    if (std::none_of(modules.begin(), modules.end(),
                     [&](const GraphModule& m) { return matches_any({glob}, m.name); })) {
      throw Error(errc::unknown_module, "the include \"" + glob + "\" matches no module");
    }
  }
  std::vector<bool> chosen(modules.size(), options.include.empty() && !options.modules);
  for (std::size_t m = 0; m < modules.size(); ++m)
    if (matches_any(options.include, modules[m].name)) chosen[m] = true;
  if (options.modules) {
    std::vector<bool> named(modules.size(), false);
    for (const auto& name : *options.modules) {
      const auto found = graph.find(name);
      if (!found) throw Error(errc::unknown_module, "no module is named \"" + name + "\"");
      named[*found] = true;
    }
    for (std::size_t m = 0; m < modules.size(); ++m)
      chosen[m] = named[m] && (options.include.empty() || chosen[m]);
  }
  return chosen;
}

// The modules marked in `from`, and every module reached from them along "depends on"
// edges (or, with `dependents`, "is depended on by"): one walk for all of them.
std::vector<bool> reached(const ModuleGraph& graph, std::vector<bool> from, bool dependents) {
  std::vector<std::vector<std::size_t>> next(graph.size());
  for (std::size_t m = 0; m < graph.size(); ++m)
    for (std::size_t d : graph.modules()[m].after)
      dependents ? next[d].push_back(m) : next[m].push_back(d);
  std::vector<std::size_t> pending;
  for (std::size_t m = 0; m < graph.size(); ++m)
    if (from[m]) pending.push_back(m);
  while (!pending.empty()) {
    const std::size_t m = pending.back();
    pending.pop_back();
    for (std::size_t n : next[m]) {
      if (!from[n]) {
        from[n] = true;
        pending.push_back(n);
      }
    }
  }
  return from;
}

}  // namespace

namespace graph {

std::vector<std::optional<std::string>> selection(const ModuleGraph& graph,
                                                  const GraphRunOptions& options) {
  const std::vector<bool> chosen = included(graph, options);
  std::vector<bool> selected = chosen;  // step 2
  const auto add = [&selected](const std::vector<bool>& more) {
    for (std::size_t m = 0; m < selected.size(); ++m)
      if (more[m]) selected[m] = true;
  };
  if (options.include_dependencies) add(reached(graph, chosen, false));
  if (options.include_dependents) add(reached(graph, chosen, true));
  std::vector<std::optional<std::string>> left_out(graph.size());
  for (std::size_t m = 0; m < graph.size(); ++m) {  // step 3
    if (!selected[m] || matches_any(options.exclude, graph.modules()[m].name))
      left_out[m] = "excluded";
  }
  for (const auto& [module, reason] : options.left_out) {  // step 4
    if (const auto found = graph.find(module); found && !left_out[*found])
      left_out[*found] = reason;
  }
  return left_out;
}

ModuleGraph selected_part(const ModuleGraph& graph,
                          const std::vector<std::optional<std::string>>& left_out) {
  ModuleGraph part;
  for (std::size_t m = 0; m < graph.size(); ++m)
    if (!left_out[m]) part.add(graph.modules()[m].name, graph.modules()[m].directory);
  for (std::size_t m = 0; m < graph.size(); ++m) {
    if (left_out[m]) continue;
    for (std::size_t dependency : graph.modules()[m].after)
      if (!left_out[dependency])
        part.add_dependency(graph.modules()[m].name, graph.modules()[dependency].name);
  }
  return part;
}

}  // namespace graph

std::vector<std::vector<std::string>> run_order(const ModuleGraph& graph,
                                                const GraphRunOptions& options) {
  graph.check_acyclic();  // a cycle through a module left out is still one
  return graph::selected_part(graph, graph::selection(graph, options))
      .levels(options.reverse.value_or(false));
}

std::vector<std::string> selected_modules(const ModuleGraph& graph,
                                          const GraphRunOptions& options) {
  const auto left_out = graph::selection(graph, options);
  std::vector<std::string> names;
  for (std::size_t m = 0; m < graph.size(); ++m)
    if (!left_out[m]) names.push_back(graph.modules()[m].name);
  return names;
}

std::vector<std::string> unselected_dependents(const ModuleGraph& graph, GraphRunOptions options) {
  // Modules left out by name (a retry's, which ran before) are not stranded by this run.
  options.left_out.clear();
  const auto left_out = graph::selection(graph, options);
  std::vector<bool> selected(graph.size());
  for (std::size_t m = 0; m < graph.size(); ++m)
    selected[m] = !left_out[m];
  const auto depending = reached(graph, selected, true);
  std::vector<std::string> names;
  for (std::size_t m = 0; m < graph.size(); ++m)
    if (depending[m] && left_out[m]) names.push_back(graph.modules()[m].name);
  return names;
}

std::vector<LeftOut> retry_left_out(const ModuleGraph& graph, const GraphRunReport& previous) {
  std::vector<LeftOut> left_out;
  for (const auto& module : graph.modules()) {
    const auto found = std::find_if(previous.modules.begin(), previous.modules.end(),
                                    [&](const ModuleReport& m) { return m.module == module.name; });
    if (found == previous.modules.end()) {
      left_out.push_back({module.name, "not in the run retried"});
    } else if (found->result == ModuleResult::succeeded) {
      left_out.push_back({module.name, "succeeded in the run retried"});
    } else if (found->result == ModuleResult::excluded) {
      left_out.push_back({module.name, "excluded from the run retried"});
    }
  }
  return left_out;
}

}  // namespace libterraform
