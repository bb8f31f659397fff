#pragma once

/// \file
/// Options of the commands that read a module, its state or a plan without changing
/// them: show, output, graph, modules, version, metadata functions, console.

#include "libterraform/options/common.hpp"

namespace libterraform {

/// The flags of show, then the common fields (CommonOptions).
struct ShowOptions {
  bool json = true;                   ///< -json: value is the state or plan document
  std::optional<bool> no_color = {};  ///< -no-color
  std::string path = {};              ///< PATH: a saved plan or a state file
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of output, then the common fields (CommonOptions).
struct OutputOptions {
  bool json = true;                   ///< -json (dropped when raw is set)
  std::string name = {};              ///< NAME: one output (default: all of them)
  std::optional<bool> no_color = {};  ///< -no-color
  bool raw = false;                   ///< -raw: one output's value as plain text
  std::string state = {};             ///< -state=PATH
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of graph, then the common fields (CommonOptions).
struct GraphOptions {
  bool draw_cycles = false;              ///< -draw-cycles
  std::optional<int> module_depth = {};  ///< -module-depth=N (deprecated)
  std::optional<bool> no_color = {};     ///< -no-color
  std::string plan = {};                 ///< -plan=PATH
  std::string type = {};                 ///< -type=plan|plan-refresh-only|plan-destroy|apply
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of modules, then the common fields (CommonOptions).
struct ModulesOptions {
  bool json = true;                   ///< -json
  std::optional<bool> no_color = {};  ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of version, then the common fields (CommonOptions).
struct VersionOptions {
  bool json = true;                   ///< -json
  std::optional<bool> no_color = {};  ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `metadata functions`, then the common fields (CommonOptions).
/// `metadata functions` always prints JSON.
struct MetadataFunctionsOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of console, then the common fields (CommonOptions).
struct ConsoleOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  bool plan = false;                  ///< -plan: evaluate against a new plan
  std::string state = {};             ///< -state=PATH (legacy)
  Strings var_files = {};             ///< -var-file=PATH, repeated
  Variables vars = {};                ///< -var NAME=VALUE, repeated
  LIBTERRAFORM_COMMON_OPTIONS
};

}  // namespace libterraform
