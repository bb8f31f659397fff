#pragma once

/// \file
/// Options of the commands that work on the configuration files themselves: fmt, test.

#include "libterraform/options/common.hpp"

namespace libterraform {

/// The flags of fmt, then the common fields (CommonOptions).
struct FmtOptions {
  bool check_input = false;           ///< -check (named so, since `check` is taken)
  bool diff = false;                  ///< -diff
  bool list = true;                   ///< -list=false when off
  std::optional<bool> no_color = {};  ///< -no-color
  bool recursive = false;             ///< -recursive
  /// Source text to format instead of files: passed on stdin (target "-"); the
  /// formatted text is the result's output.
  std::optional<std::string> source = {};
  Strings targets = {};  ///< TARGET...: files or directories (default: the module)
  bool write = true;     ///< -write=false when off
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of test, then the common fields (CommonOptions).
struct TestOptions {
  std::string cloud_run = {};         ///< -cloud-run=SOURCE
  Strings filters = {};               ///< -filter=FILE, repeated
  bool json = true;                   ///< -json: value is the list of events
  std::optional<bool> no_color = {};  ///< -no-color
  std::string test_directory = {};    ///< -test-directory=PATH
  Strings var_files = {};             ///< -var-file=PATH, repeated
  Variables vars = {};                ///< -var NAME=VALUE, repeated
  bool verbose = false;               ///< -verbose
  LIBTERRAFORM_COMMON_OPTIONS
};

}  // namespace libterraform
