#pragma once

/// \file
/// Options of the commands that edit or read state directly: state
/// list/show/mv/rm/pull/push/replace-provider, taint, untaint, import, force-unlock.
/// Required positional arguments (addresses, paths, ids) are parameters of the methods.

#include "libterraform/options/common.hpp"

namespace libterraform {

/// The flags of `state list`, then the common fields (CommonOptions).
struct StateListOptions {
  Strings addresses = {};             ///< ADDRESS...: filter (default: everything)
  std::string id = {};                ///< -id=ID
  std::optional<bool> no_color = {};  ///< -no-color
  std::string state = {};             ///< -state=PATH
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `state show`, then the common fields (CommonOptions).
struct StateShowOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  std::string state = {};             ///< -state=PATH
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `state mv`, then the common fields (CommonOptions).
struct StateMvOptions {
  std::string backup = {};                    ///< -backup=PATH (legacy)
  std::string backup_out = {};                ///< -backup-out=PATH (legacy)
  bool dry_run = false;                       ///< -dry-run
  bool ignore_remote_version = false;         ///< -ignore-remote-version
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::string state = {};                     ///< -state=PATH (legacy)
  std::string state_out = {};                 ///< -state-out=PATH (legacy)
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `state rm`, then the common fields (CommonOptions).
struct StateRmOptions {
  std::string backup = {};                    ///< -backup=PATH
  bool dry_run = false;                       ///< -dry-run
  bool ignore_remote_version = false;         ///< -ignore-remote-version
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::string state = {};                     ///< -state=PATH
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `state pull`, then the common fields (CommonOptions).
/// `state pull` prints the state document: it is parsed into the result's value.
struct StatePullOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `state push`, then the common fields (CommonOptions).
struct StatePushOptions {
  bool force = false;                         ///< -force
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `state replace-provider`, then the common fields (CommonOptions).
struct StateReplaceProviderOptions {
  bool auto_approve = true;                   ///< -auto-approve
  std::string backup = {};                    ///< -backup=PATH (legacy)
  bool ignore_remote_version = false;         ///< -ignore-remote-version
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::string state = {};                     ///< -state=PATH (legacy)
  std::string state_out = {};                 ///< -state-out=PATH (legacy)
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of taint, then the common fields (CommonOptions).
/// taint and untaint take the same flags.
struct TaintOptions {
  bool allow_missing = false;                 ///< -allow-missing
  std::string backup = {};                    ///< -backup=PATH (legacy)
  bool ignore_remote_version = false;         ///< -ignore-remote-version
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::string state = {};                     ///< -state=PATH (legacy)
  std::string state_out = {};                 ///< -state-out=PATH (legacy)
  LIBTERRAFORM_COMMON_OPTIONS
};
/// The flags of untaint: taint's.
using UntaintOptions = TaintOptions;

/// The flags of import, then the common fields (CommonOptions).
struct ImportOptions {
  std::string backup = {};                    ///< -backup=PATH (legacy)
  std::string config = {};                    ///< -config=PATH
  bool ignore_remote_version = false;         ///< -ignore-remote-version
  std::optional<bool> input = {};             ///< -input=true|false
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::string state = {};                     ///< -state=PATH (legacy)
  std::string state_out = {};                 ///< -state-out=PATH (legacy)
  Strings var_files = {};                     ///< -var-file=PATH, repeated
  Variables vars = {};                        ///< -var NAME=VALUE, repeated
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of force-unlock, then the common fields (CommonOptions).
struct ForceUnlockOptions {
  bool force = true;                  ///< -force: no confirmation prompt
  std::optional<bool> no_color = {};  ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

}  // namespace libterraform
