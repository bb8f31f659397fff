// Runs `terraform version` through the library: proof that a consumer compiles,
// links and runs against it.
#include <libterraform/libterraform.hpp>

#include <iostream>

int main() {
  libterraform::TerraformCommand cli;
  auto result = cli.version({.check = true});
  std::cout << result.value->at("terraform_version").get<std::string>() << "\n";
  return 0;
}
