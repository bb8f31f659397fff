#pragma once

// The files tfrun writes at the end (--report, --html): checked before anything runs,
// written whole, every failure said.

#include <filesystem>
#include <string>
#include <string_view>

namespace tfrun {

// Why `path` cannot be written, or empty: it is a directory, its directory is missing,
// or it (or its directory, to create it) is not writable. Changes nothing.
std::string cannot_write(const std::filesystem::path& path);

// Writes `text` to `path` (created or emptied), checking every write and the close:
// why it failed (a full disk, /dev/full, a file system error), or empty.
std::string write_whole(const std::filesystem::path& path, std::string_view text);

}  // namespace tfrun
