#pragma once

// Asking git about a work tree, for ModuleGraph::changed_since.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform::graph {

// The files that differ between revision `ref` and the work tree holding `directory`:
// changed in commits since, staged, unstaged or deleted, and untracked files git does
// not ignore. Absolute paths under the work tree's top (git's real path). Throws
// Error(git_failed) saying why: not in a work tree, an unknown revision, no git.
std::vector<std::filesystem::path> changed_files(const std::filesystem::path& directory,
                                                 std::string_view ref);

}  // namespace libterraform::graph
