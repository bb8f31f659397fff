#pragma once

// The helper every parallel-execution example starts from: minimal modules that run
// anywhere. They use terraform's built-in terraform_data resource, so they need no
// credentials and download no provider.

#include <libterraform/libterraform.hpp>

#include <unistd.h>
#include <filesystem>

#include <fstream>
#include <string>
#include <vector>

namespace example {

namespace fs = std::filesystem;

// Options for every example: the built-in provider only, no CLI configuration.
inline libterraform::TerraformOptions terraform_options() {
  libterraform::TerraformOptions options;
  options.env = {{"CHECKPOINT_DISABLE", "1"}, {"TF_CLI_CONFIG_FILE", "/dev/null"}};
  return options;
}

// A temporary directory removed at the end of the example.
struct Workspace {
  fs::path root =
      fs::temp_directory_path() / ("libterraform-example-" + std::to_string(::getpid()));
  Workspace() { fs::create_directories(root); }
  ~Workspace() { fs::remove_all(root); }
};

// Creates and initializes a minimal module; returns its directory. `extra` is appended
// to main.tf (a slow provisioner, say).
inline fs::path make_module(const Workspace& workspace, const std::string& name,
                            const std::string& extra = {}) {
  fs::path dir = workspace.root / name;
  fs::create_directories(dir);
  std::ofstream(dir / "main.tf") << "resource \"terraform_data\" \"example\" {\n"
                                 << "  input = \"ok\"\n"
                                 << extra << "}\n";
  libterraform::TerraformCommand(dir, terraform_options()).init({.check = true});
  return dir;
}

// A creation-time provisioner that sleeps: a slow apply to interrupt.
inline std::string slow_provisioner(int seconds) {
  return "  provisioner \"local-exec\" {\n    command = \"sleep " + std::to_string(seconds) +
         "\"\n  }\n";
}

}  // namespace example
