#pragma once

/// \file
/// Options of the main workflow: init, validate, plan, apply, destroy, refresh.
/// Flags in alphabetical order, then the common fields (see common.hpp). A flag
/// left at its default is not passed; `std::optional` flags unset take the
/// TerraformCommand's default (no_color: on, input: off).

#include "libterraform/options/common.hpp"

namespace libterraform {

/// The flags of init, then the common fields (CommonOptions).
struct InitOptions {
  bool backend = true;                        ///< -backend=false when off
  Variables backend_config = {};              ///< -backend-config=key=value
  Strings backend_config_files = {};          ///< -backend-config=path
  bool force_copy = false;                    ///< -force-copy
  std::string from_module = {};               ///< -from-module=SOURCE
  bool get = true;                            ///< -get=false when off
  bool ignore_remote_version = false;         ///< -ignore-remote-version
  std::optional<bool> input = {};             ///< -input=true|false
  bool json = true;                           ///< -json: value is the list of events
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::string lockfile = {};                  ///< -lockfile=MODE ("readonly")
  bool migrate_state = false;                 ///< -migrate-state
  std::optional<bool> no_color = {};          ///< -no-color
  Strings plugin_dirs = {};                   ///< -plugin-dir=PATH, repeated
  bool reconfigure = false;                   ///< -reconfigure
  std::string test_directory = {};            ///< -test-directory=PATH
  bool upgrade = false;                       ///< -upgrade
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of validate, then the common fields (CommonOptions).
struct ValidateOptions {
  bool json = true;                   ///< -json: value is terraform's validation document
  std::optional<bool> no_color = {};  ///< -no-color
  bool no_tests = false;              ///< -no-tests
  std::string test_directory = {};    ///< -test-directory=PATH
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of plan, then the common fields (CommonOptions).
struct PlanOptions {
  bool compact_warnings = false;              ///< -compact-warnings
  bool destroy = false;                       ///< -destroy
  bool detailed_exitcode = false;             ///< -detailed-exitcode: exit code 2 means changes
  std::string generate_config_out = {};       ///< -generate-config-out=PATH
  std::optional<bool> input = {};             ///< -input=true|false
  bool json = true;                           ///< -json: value is the list of events
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::string out = {};                       ///< -out=PATH: save the plan
  std::optional<int> parallelism = {};        ///< -parallelism=N
  bool refresh = true;                        ///< -refresh=false when off
  bool refresh_only = false;                  ///< -refresh-only
  Strings replace = {};                       ///< -replace=ADDRESS, repeated
  std::string state = {};                     ///< -state=PATH (legacy)
  Strings targets = {};                       ///< -target=ADDRESS, repeated
  Strings var_files = {};                     ///< -var-file=PATH, repeated
  Variables vars = {};                        ///< -var NAME=VALUE, repeated
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of apply, then the common fields (CommonOptions).
struct ApplyOptions {
  bool auto_approve = true;                   ///< -auto-approve
  std::string backup = {};                    ///< -backup=PATH ("-" disables)
  bool compact_warnings = false;              ///< -compact-warnings
  bool destroy = false;                       ///< -destroy
  std::optional<bool> input = {};             ///< -input=true|false
  bool json = true;                           ///< -json: value is the list of events
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::optional<int> parallelism = {};        ///< -parallelism=N
  std::string plan_file = {};                 ///< PLAN: apply a saved plan
  bool refresh = true;                        ///< -refresh=false when off
  bool refresh_only = false;                  ///< -refresh-only
  Strings replace = {};                       ///< -replace=ADDRESS, repeated
  std::string state = {};                     ///< -state=PATH (legacy)
  std::string state_out = {};                 ///< -state-out=PATH (legacy)
  Strings targets = {};                       ///< -target=ADDRESS, repeated
  Strings var_files = {};                     ///< -var-file=PATH, repeated
  Variables vars = {};                        ///< -var NAME=VALUE, repeated
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of destroy, then the common fields (CommonOptions).
struct DestroyOptions {
  bool auto_approve = true;                   ///< -auto-approve
  std::string backup = {};                    ///< -backup=PATH ("-" disables)
  bool compact_warnings = false;              ///< -compact-warnings
  std::optional<bool> input = {};             ///< -input=true|false
  bool json = true;                           ///< -json: value is the list of events
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::optional<int> parallelism = {};        ///< -parallelism=N
  bool refresh = true;                        ///< -refresh=false when off
  std::string state = {};                     ///< -state=PATH (legacy)
  std::string state_out = {};                 ///< -state-out=PATH (legacy)
  Strings targets = {};                       ///< -target=ADDRESS, repeated
  Strings var_files = {};                     ///< -var-file=PATH, repeated
  Variables vars = {};                        ///< -var NAME=VALUE, repeated
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of refresh, then the common fields (CommonOptions).
struct RefreshOptions {
  std::string backup = {};                    ///< -backup=PATH (legacy)
  bool compact_warnings = false;              ///< -compact-warnings
  std::optional<bool> input = {};             ///< -input=true|false
  bool json = true;                           ///< -json: value is the list of events
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::optional<int> parallelism = {};        ///< -parallelism=N
  std::string state = {};                     ///< -state=PATH (legacy)
  std::string state_out = {};                 ///< -state-out=PATH (legacy)
  Strings targets = {};                       ///< -target=ADDRESS, repeated
  Strings var_files = {};                     ///< -var-file=PATH, repeated
  Variables vars = {};                        ///< -var NAME=VALUE, repeated
  LIBTERRAFORM_COMMON_OPTIONS
};

}  // namespace libterraform
