// init, validate, plan, apply, destroy, refresh.

#include "command/argv_builder.hpp"

namespace libterraform::detail::specs {

CommandSpec init(const InitOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("init")
      .no_color(o.no_color, d)
      .input(o.input, d)
      .json(o.json, OutputFormat::json_lines)
      .unless_off("-backend", o.backend)
      .pairs("-backend-config", o.backend_config)
      .values("-backend-config", o.backend_config_files)
      .flag("-force-copy", o.force_copy)
      .value("-from-module", o.from_module)
      .unless_off("-get", o.get)
      .flag("-ignore-remote-version", o.ignore_remote_version)
      .locking(o)
      .value("-lockfile", o.lockfile)
      .flag("-migrate-state", o.migrate_state)
      .values("-plugin-dir", o.plugin_dirs)
      .flag("-reconfigure", o.reconfigure)
      .value("-test-directory", o.test_directory)
      .flag("-upgrade", o.upgrade)
      .finish(o);
}

CommandSpec validate(const ValidateOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("validate")
      .no_color(o.no_color, d)
      .json(o.json, OutputFormat::json)
      .flag("-no-tests", o.no_tests)
      .value("-test-directory", o.test_directory)
      .finish(o);
}

CommandSpec plan(const PlanOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("plan")
      .no_color(o.no_color, d)
      .input(o.input, d)
      .json(o.json, OutputFormat::json_lines)
      .flag("-compact-warnings", o.compact_warnings)
      .flag("-destroy", o.destroy)
      .detailed_exitcode(o.detailed_exitcode)
      .value("-generate-config-out", o.generate_config_out)
      .locking(o)
      .value("-out", o.out)
      .number("-parallelism", o.parallelism, 1)
      .unless_off("-refresh", o.refresh)
      .flag("-refresh-only", o.refresh_only)
      .values("-replace", o.replace)
      .value("-state", o.state)
      .values("-target", o.targets)
      .variables(o)
      .finish(o);
}

CommandSpec apply(const ApplyOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("apply")
      .no_color(o.no_color, d)
      .input(o.input, d)
      .json(o.json, OutputFormat::json_lines)
      .flag("-auto-approve", o.auto_approve)
      .value("-backup", o.backup)
      .flag("-compact-warnings", o.compact_warnings)
      .flag("-destroy", o.destroy)
      .locking(o)
      .number("-parallelism", o.parallelism, 1)
      .unless_off("-refresh", o.refresh)
      .flag("-refresh-only", o.refresh_only)
      .values("-replace", o.replace)
      .state_paths(o)
      .values("-target", o.targets)
      .variables(o)
      .optional(o.plan_file)
      .finish(o);
}

CommandSpec destroy(const DestroyOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("destroy")
      .no_color(o.no_color, d)
      .input(o.input, d)
      .json(o.json, OutputFormat::json_lines)
      .flag("-auto-approve", o.auto_approve)
      .value("-backup", o.backup)
      .flag("-compact-warnings", o.compact_warnings)
      .locking(o)
      .number("-parallelism", o.parallelism, 1)
      .unless_off("-refresh", o.refresh)
      .state_paths(o)
      .values("-target", o.targets)
      .variables(o)
      .finish(o);
}

CommandSpec refresh(const RefreshOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("refresh")
      .no_color(o.no_color, d)
      .input(o.input, d)
      .json(o.json, OutputFormat::json_lines)
      .value("-backup", o.backup)
      .flag("-compact-warnings", o.compact_warnings)
      .locking(o)
      .number("-parallelism", o.parallelism, 1)
      .state_paths(o)
      .values("-target", o.targets)
      .variables(o)
      .finish(o);
}

}  // namespace libterraform::detail::specs
