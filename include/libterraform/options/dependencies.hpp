#pragma once

/// \file
/// Options of the commands that install or describe a module's dependencies: get,
/// providers, providers lock, providers mirror, providers schema.

#include "libterraform/options/common.hpp"

namespace libterraform {

/// The flags of get, then the common fields (CommonOptions).
struct GetOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  std::string test_directory = {};    ///< -test-directory=PATH
  bool update = false;                ///< -update
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of providers, then the common fields (CommonOptions).
struct ProvidersOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  std::string test_directory = {};    ///< -test-directory=PATH
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `providers lock`, then the common fields (CommonOptions).
struct ProvidersLockOptions {
  bool enable_plugin_cache = false;   ///< -enable-plugin-cache
  std::string fs_mirror = {};         ///< -fs-mirror=DIR
  std::string net_mirror = {};        ///< -net-mirror=URL
  std::optional<bool> no_color = {};  ///< -no-color
  Strings platforms = {};             ///< -platform=OS_ARCH, repeated
  Strings providers = {};             ///< PROVIDER...: only these (default: all)
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `providers mirror`, then the common fields (CommonOptions).
struct ProvidersMirrorOptions {
  bool lock_file = true;              ///< -lock-file=false when off
  std::optional<bool> no_color = {};  ///< -no-color
  Strings platforms = {};             ///< -platform=OS_ARCH, repeated
  LIBTERRAFORM_COMMON_OPTIONS
};

/// The flags of `providers schema`, then the common fields (CommonOptions).
/// `providers schema` always prints JSON.
struct ProvidersSchemaOptions {
  std::optional<bool> no_color = {};  ///< -no-color
  LIBTERRAFORM_COMMON_OPTIONS
};

}  // namespace libterraform
