// run_graph, and the GraphRun handle.

#include "graph/graph_run_state.hpp"
#include "graph/selection.hpp"
#include "libterraform/commands.hpp"

namespace libterraform {

GraphRun run_graph(const ModuleGraph& graph, ModuleRunner runner, GraphRunOptions options) {
  if (!runner) throw Error(errc::invalid_option, "run over a graph: no module runner given");
  const bool reverse = options.reverse.value_or(false);
  auto left_out = graph::selection(graph, options);
  auto order = run_order(graph, options);  // throws for a cycle
  auto state = std::make_shared<detail::GraphRunState>(
      graph, std::move(runner), std::move(options), reverse, std::move(left_out), std::move(order));
  state->start();
  return GraphRun(std::move(state));
}

GraphRun run_graph(const TerraformPool& pool, const ModuleGraph& graph, std::string_view method,
                   GraphRunOptions options) {
  // Unknown names, and methods that take arguments, are refused here, not per module.
  const CommandInfo* info = find_command(method);
  if (!info) {
    throw Error(errc::unknown_command,
                "no terraform command method named \"" + std::string(method) + "\"");
  }
  if (info->arguments > 0) {
    throw Error(errc::invalid_option,
                std::string(method) + " takes arguments: a run over a graph cannot give them");
  }
  options.reverse = options.reverse.value_or(method == "destroy");
  return run_graph(
      graph,
      [&pool, method = std::string(method)](const GraphModule& module, CommonOptions common) {
        return pool.submit(module.directory, method, std::move(common));
      },
      std::move(options));
}

GraphRun run_graph(const TerraformPool& pool, const ModuleGraph& graph, ModuleCommand command,
                   GraphRunOptions options) {
  if (!command) throw Error(errc::invalid_option, "run over a graph: no command given");
  return run_graph(
      graph,
      [&pool, command = std::move(command)](const GraphModule& module, CommonOptions common) {
        return command(pool.command(module.directory), std::move(common));
      },
      std::move(options));
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

SharedResult<GraphRunReport> GraphRun::future() const {
  return SharedResult<GraphRunReport>(state_->report_state());
}

SharedResult<ModuleReport> GraphRun::module(std::string_view name) const {
  return SharedResult<ModuleReport>(state_->module_state(name));
}

void GraphRun::cancel() const {
  state_->cancel();
}

void GraphRun::escalate() const {
  state_->escalate();
}

}  // namespace libterraform
