// Fan one operation across modules: results come back in input order; a failing module
// either stops the iteration (map) or is reported beside the others (map_outcomes).

#include "example_modules.hpp"

#include <iostream>

int main() {
  example::Workspace workspace;
  std::vector<std::filesystem::path> modules{example::make_module(workspace, "a"),
                                             example::make_module(workspace, "b"),
                                             example::make_module(workspace, "c")};
  libterraform::TerraformPool pool({.max_workers = 4, .terraform = example::terraform_options()});

  for (const auto& result : pool.map("plan", modules, {.check = true})) {
    std::cout << result.working_dir.filename().string() << ": " << result.value->size()
              << " plan events\n";
  }

  // Break one module: map() would throw its TerraformCommandError when it is reached;
  // map_outcomes() hands each module's result or error over without throwing.
  std::ofstream(modules[1] / "broken.tf") << "resource \"terraform_data\" \"x\" { bad = 1 }\n";
  int failures = 0;
  for (const auto& outcome : pool.map_outcomes("validate", modules, {.check = true})) {
    if (outcome.ok()) {
      std::cout << outcome.module.filename().string() << ": valid\n";
      continue;
    }
    ++failures;
    try {
      std::rethrow_exception(outcome.error());
    } catch (const libterraform::TerraformCommandError& e) {
      std::cout << outcome.module.filename().string() << ": " << e.diagnostics().at(0).summary
                << "\n";
    }
  }
  return failures == 1 ? 0 : 1;
}
