#pragma once

// Options of the workspace commands: list, show, new, select, delete.

#include "libterraform/options/common.hpp"

namespace libterraform {

struct WorkspaceListOptions {
  std::optional<bool> no_color = {};  // -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

struct WorkspaceShowOptions {
  std::optional<bool> no_color = {};  // -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

struct WorkspaceNewOptions {
  bool lock = true;                           // -lock=false when off
  std::optional<Duration> lock_timeout = {};  // -lock-timeout=DURATION
  std::optional<bool> no_color = {};          // -no-color
  std::string state = {};                     // -state=PATH: copy this state into the workspace
  LIBTERRAFORM_COMMON_OPTIONS
};

struct WorkspaceSelectOptions {
  std::optional<bool> no_color = {};  // -no-color
  bool or_create = false;             // -or-create
  LIBTERRAFORM_COMMON_OPTIONS
};

struct WorkspaceDeleteOptions {
  bool force = false;                         // -force
  bool lock = true;                           // -lock=false when off
  std::optional<Duration> lock_timeout = {};  // -lock-timeout=DURATION
  std::optional<bool> no_color = {};          // -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

}  // namespace libterraform
