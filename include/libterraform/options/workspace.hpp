#pragma once

/// \file
/// Options of the workspace commands: list, show, new, select, delete.

#include "libterraform/options/common.hpp"

namespace libterraform {

/// The flags of `workspace list`, then the common fields (CommonOptions).
struct WorkspaceListOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `workspace show`, then the common fields (CommonOptions).
struct WorkspaceShowOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `workspace new`, then the common fields (CommonOptions).
struct WorkspaceNewOptions {
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  std::string state = {};                     ///< -state=PATH: copy this state into the workspace
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `workspace select`, then the common fields (CommonOptions).
struct WorkspaceSelectOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  bool or_create = false;             ///< -or-create
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `workspace delete`, then the common fields (CommonOptions).
struct WorkspaceDeleteOptions {
  bool force = false;                         ///< -force
  bool lock = true;                           ///< -lock=false when off
  std::optional<Duration> lock_timeout = {};  ///< -lock-timeout=DURATION
  std::optional<bool> no_color = {};          ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

}  // namespace libterraform
