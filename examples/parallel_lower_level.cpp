// Two lower-level entry points: submit() takes the command's name as a string, and
// run() mirrors TerraformCommand::run, resolving to {retcode, output, error}.

#include "example_modules.hpp"

#include <iostream>

int main() {
  example::Workspace workspace;
  auto module = example::make_module(workspace, "module");
  libterraform::TerraformPool pool({.max_workers = 4, .terraform = example::terraform_options()});

  auto validated = pool.submit(module, "validate", {.check = true});
  auto version = pool.run("version");

  std::cout << "validate retcode=" << validated.get().retcode << "\n";
  auto [retcode, output, error] = version.get();
  std::cout << "version retcode=" << retcode << ": " << output.substr(0, output.find('\n')) << "\n";

  // Positional arguments in a braced list, then the options.
  auto created = pool.submit(module, "workspace_new", {"staging"}, {.check = true});
  std::cout << "workspace_new retcode=" << created.get().retcode << "\n";
  return 0;
}
