#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace libterraform::process {

using EnvironmentMap = std::map<std::string, std::string>;

// The child's environment as "KEY=value" strings: this process's environment (read,
// never modified) with `overlay` on top, or `overlay` alone when `replace` is set.
std::vector<std::string> build_environment(const EnvironmentMap& overlay, bool replace);

// build_environment, shared (see EnvironmentBlock in launch.hpp).
std::shared_ptr<const std::vector<std::string>> shared_environment(const EnvironmentMap& overlay,
                                                                   bool replace);

// The value of `key` in an environment built by build_environment, or "" if unset.
std::string lookup(const std::vector<std::string>& environment, const std::string& key);

// Resolves a binary as a shell would: a name containing '/' is a path; any other name is
// searched in the PATH of `environment`. Throws Error(binary_not_found).
std::string find_executable(const std::string& name, const std::vector<std::string>& environment);

}  // namespace libterraform::process
