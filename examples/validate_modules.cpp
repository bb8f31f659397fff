// Creates a few modules in a temporary directory, initializes and validates each,
// and prints every result.

#include <libterraform/libterraform.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

int main() {
  fs::path root = fs::temp_directory_path() / "libterraform-example";
  fs::remove_all(root);

  // Terraform's built-in provider only: nothing is downloaded.
  libterraform::TerraformOptions options;
  options.env = {{"CHECKPOINT_DISABLE", "1"}, {"TF_CLI_CONFIG_FILE", "/dev/null"}};

  int failures = 0;
  for (std::string name : {"network", "storage", "compute"}) {
    fs::path module = root / name;
    fs::create_directories(module);
    std::ofstream(module / "main.tf")
        << "resource \"terraform_data\" \"" << name << "\" {\n  input = \"" << name << "\"\n}\n";

    libterraform::TerraformCommand cli{module, options};
    try {
      cli.init({.check = true});
      auto result = cli.validate({.check = true});
      std::cout << name << ": valid=" << result.value->at("valid") << " in "
                << result.duration.count() << " ms\n";
    } catch (const libterraform::Error& e) {
      std::cout << name << ": " << e.what() << "\n";
      ++failures;
    }
  }
  fs::remove_all(root);
  return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
