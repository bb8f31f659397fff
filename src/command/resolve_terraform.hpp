#pragma once

#include "libterraform/terraform_options.hpp"

#include <string>

namespace libterraform::detail {

// Resolves the binary a TerraformCommand (or pool) will run, in the environment its
// options describe. Throws Error(binary_not_found).
std::string resolve_terraform(const TerraformOptions& options);

}  // namespace libterraform::detail
