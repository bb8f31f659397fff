#pragma once

#include <filesystem>
#include <string_view>

namespace libterraform::process {

// The real path (absolute, without symbolic links or dot components) of an existing
// directory, as realpath gives it, also when that is longer than PATH_MAX: realpath
// refuses those, so the path is then found by walking up from the directory itself.
// Throws Error(directory_not_found), naming it as `what`.
std::filesystem::path real_directory(const std::filesystem::path& directory, std::string_view what);

}  // namespace libterraform::process
