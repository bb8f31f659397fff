// TerraformPool::run over a graph, and the GraphRun handle.

#include "graph/graph_run_state.hpp"
#include "graph/selection.hpp"

namespace libterraform {

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
  auto left_out = graph::selection(graph, options);
  auto order = run_order(graph, options);  // throws for a cycle
  std::vector<PoolCommand> targets;
  for (const auto& module : graph.modules())
    targets.push_back(this->command(module.directory));
  auto state = std::make_shared<detail::GraphRunState>(
      graph, std::move(targets), std::move(command), std::move(options), reverse,
      std::move(left_out), std::move(order));
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
