#pragma once

#include "libterraform/export.hpp"

#include <filesystem>

namespace libterraform {

/// The one form of a module's path across the library: its real path (absolute, with
/// symbolic links and dot components resolved), also when that is longer than
/// PATH_MAX. CommandResult::working_dir, a pool's module ownership, the module
/// directories of a discovered graph and error messages all use it, on every backend. Throws
/// Error(directory_not_found) when `directory` is not an existing directory.
LIBTERRAFORM_EXPORT std::filesystem::path module_path(const std::filesystem::path& directory);

}  // namespace libterraform
