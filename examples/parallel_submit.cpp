// Submit different commands: pool.command(dir) mirrors TerraformCommand, but every
// method returns a Future; as_completed() yields them as they finish.

#include "example_modules.hpp"

#include <iostream>
#include <map>

int main() {
  example::Workspace workspace;
  auto first = example::make_module(workspace, "first");
  auto second = example::make_module(workspace, "second");
  libterraform::TerraformPool pool({.max_workers = 4, .terraform = example::terraform_options()});

  std::vector<libterraform::Future<libterraform::CommandResult>> futures{
      pool.command(first).apply({.auto_approve = true, .input = false}),
      pool.command(second).apply({.auto_approve = true, .input = false})};
  std::map<std::uint64_t, std::string> names{{futures[0].run_id(), "first"},
                                             {futures[1].run_id(), "second"}};

  for (const auto& future : libterraform::as_completed(futures)) {
    std::cout << names[future.run_id()] << " retcode=" << future.get().retcode << "\n";
  }
  return 0;
}
