// TerraformPool::run over a graph, and the GraphRun handle.

#include "graph/graph_run_state.hpp"

#include <fnmatch.h>

#include <algorithm>

namespace libterraform {
namespace {

bool matches_any(const Strings& globs, const std::string& name) {
  for (const auto& glob : globs)
    if (::fnmatch(glob.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

// Throws Error(unknown_module) for an include that matches no module: a typo would
// otherwise run nothing, and say nothing.
std::vector<bool> selection(const ModuleGraph& graph, const GraphRunOptions& options) {
  for (const auto& glob : options.include) {
    const auto& modules = graph.modules();
    if (std::none_of(modules.begin(), modules.end(),
                     [&](const GraphModule& m) { return matches_any({glob}, m.name); })) {
      throw Error(errc::unknown_module, "the include \"" + glob + "\" matches no module");
    }
  }
  std::vector<bool> selected;
  for (const auto& module : graph.modules()) {
    selected.push_back((options.include.empty() || matches_any(options.include, module.name)) &&
                       !matches_any(options.exclude, module.name));
  }
  return selected;
}

// The selected modules alone, with the dependencies among them.
ModuleGraph selected_part(const ModuleGraph& graph, const std::vector<bool>& selected) {
  ModuleGraph part;
  for (std::size_t m = 0; m < graph.size(); ++m)
    if (selected[m]) part.add(graph.modules()[m].name, graph.modules()[m].directory);
  for (std::size_t m = 0; m < graph.size(); ++m) {
    if (!selected[m]) continue;
    for (std::size_t dependency : graph.modules()[m].after)
      if (selected[dependency])
        part.add_dependency(graph.modules()[m].name, graph.modules()[dependency].name);
  }
  return part;
}

}  // namespace

std::vector<std::vector<std::string>> run_order(const ModuleGraph& graph,
                                                const GraphRunOptions& options) {
  graph.check_acyclic();  // a cycle through a module left out is still one
  return selected_part(graph, selection(graph, options)).levels(options.reverse.value_or(false));
}

GraphRun TerraformPool::run(const ModuleGraph& graph, std::string_view method,
                            GraphRunOptions options) const {
  // Unknown names, and methods that take arguments, are refused here, not per module.
  detail::spec_by_name(method, {}, CommonOptions(), detail::Access::flag_defaults(command(".")));
  options.reverse = options.reverse.value_or(method == "destroy");
  auto by_name = [pool = this, method = std::string(method)](const PoolCommand& module,
                                                             CommonOptions common) {
    return pool->submit(module.working_dir(), method, std::move(common));
  };
  return run(graph, ModuleCommand(std::move(by_name)), std::move(options));
}

GraphRun TerraformPool::run(const ModuleGraph& graph, ModuleCommand command,
                            GraphRunOptions options) const {
  if (!command) throw Error(errc::invalid_option, "run over a graph: no command given");
  const bool reverse = options.reverse.value_or(false);
  const auto selected = selection(graph, options);
  auto order = run_order(graph, options);  // throws for a cycle
  std::vector<PoolCommand> targets;
  for (const auto& module : graph.modules())
    targets.push_back(this->command(module.directory));
  auto state = std::make_shared<detail::GraphRunState>(graph, std::move(targets),
                                                       std::move(command), std::move(options),
                                                       reverse, selected, std::move(order));
  state->start();
  return GraphRun(std::move(state));
}

GraphRunReport GraphRun::get() const {
  return state_->report_state()->value();
}

void GraphRun::wait() const {
  state_->report_state()->wait();
}

bool GraphRun::done() const {
  return state_->report_state()->done();
}

Future<GraphRunReport> GraphRun::future() const {
  return Future<GraphRunReport>(state_->report_state());
}

Future<ModuleReport> GraphRun::module(std::string_view name) const {
  return Future<ModuleReport>(state_->module_state(name));
}

void GraphRun::cancel() const {
  state_->cancel();
}

void GraphRun::escalate() const {
  state_->escalate();
}

}  // namespace libterraform
