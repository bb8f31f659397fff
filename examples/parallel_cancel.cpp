// Cancel a running command: cancel() on a task that already runs returns false and
// interrupts terraform through the worker that owns it; the future then resolves to
// what terraform produced while winding down (its state written, its lock released).

#include "example_modules.hpp"

#include <atomic>
#include <iostream>
#include <thread>

int main() {
  example::Workspace workspace;
  auto module = example::make_module(workspace, "slow", example::slow_provisioner(60));
  libterraform::TerraformPool pool({.max_workers = 2, .terraform = example::terraform_options()});

  std::atomic<bool> provisioning{false};
  auto future = pool.command(module).apply(
      {.auto_approve = true, .input = false, .on_output = [&](std::string_view line) {
         if (line.find("provision_start") != std::string_view::npos) {
           provisioning = true;
         }
       }});
  for (int waited = 0; !provisioning && waited < 60000; waited += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  bool cancelled = future.cancel();  // false: it was running, so it is interrupted
  const auto& result = future.get();
  std::cout << "cancelled=" << cancelled << " interrupted=" << result.interrupted
            << " retcode=" << result.retcode << "\n";
  return result.interrupted ? 0 : 1;
}
