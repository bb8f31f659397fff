#include "command/invocation.hpp"

#include "libterraform/errors.hpp"
#include "libterraform/module_path.hpp"
#include "process/environment.hpp"

namespace libterraform::detail {
namespace {

process::EnvironmentMap overlay(const TerraformOptions& options, const CommandSpec* spec) {
  process::EnvironmentMap env{{"TF_IN_AUTOMATION", "1"}};
  for (const auto& [key, value] : options.env)
    env[key] = value;
  if (spec) {
    for (const auto& [key, value] : spec->common.env)
      env[key] = value;
  }
  return env;
}

}  // namespace

void require_valid_directory(std::string_view what, const std::filesystem::path& directory) {
  if (directory.native().find('\0') != std::string::npos) {
    throw Error(errc::invalid_option,
                std::string(what) + " contains a NUL byte: " + directory.c_str() + "...");
  }
}

std::string resolve_terraform(const TerraformOptions& options) {
  return process::find_executable(
      options.terraform,
      process::build_environment(overlay(options, nullptr), options.replace_env));
}

process::EnvironmentBlock base_environment(const TerraformOptions& options) {
  return process::shared_environment(overlay(options, nullptr), options.replace_env);
}

std::filesystem::path working_dir_of(const CommandSpec& spec,
                                     const std::filesystem::path& module_dir) {
  std::filesystem::path directory = spec.cwd.empty() ? module_dir : spec.cwd;
  if (directory.empty()) directory = ".";
  require_valid_directory("the working directory", directory);
  return module_path(directory);
}

Invocation prepare(const CommandSpec& spec, const TerraformOptions& options,
                   const std::string& executable, const std::filesystem::path& working_dir,
                   process::EnvironmentBlock environment) {
  Invocation invocation;
  auto& launch = invocation.launch;
  launch.executable = executable;
  launch.argv.reserve(spec.args.size() + 1);
  launch.argv.push_back(executable);
  launch.argv.insert(launch.argv.end(), spec.args.begin(), spec.args.end());
  launch.working_dir = working_dir;
  require_valid_directory("the working directory", launch.working_dir);
  launch.environment =
      environment && spec.common.env.empty()
          ? std::move(environment)
          : process::shared_environment(overlay(options, &spec), options.replace_env);
  launch.feed_stdin = spec.stdin_data.has_value();
  auto& supervision = invocation.supervision;
  supervision.stdin_data = spec.stdin_data.value_or("");
  supervision.timeout = spec.common.timeout ? spec.common.timeout : options.timeout;
  supervision.stop_policy = options.stop_policy;
  return invocation;
}

}  // namespace libterraform::detail
