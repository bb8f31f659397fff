// Before you start: a complete program that validates three modules in parallel.

#include "example_modules.hpp"

#include <iostream>

int main() {
  example::Workspace workspace;
  std::vector<std::filesystem::path> modules;
  for (std::string name : {"network", "storage", "compute"}) {
    modules.push_back(example::make_module(workspace, name));
  }

  libterraform::TerraformPool pool({.max_workers = 3, .terraform = example::terraform_options()});
  std::size_t i = 0;
  for (const auto& result : pool.map("validate", modules, {.check = true})) {
    std::cout << modules[i++].filename().string() << " valid=" << result.value->at("valid") << "\n";
  }
  return 0;
}
