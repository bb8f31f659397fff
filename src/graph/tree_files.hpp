#pragma once

// Reading a module tree: which files are configuration, and reads that fail loudly.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform::graph {

// A configuration file's name: *.tf, *.tf.json, and OpenTofu's *.tofu, *.tofu.json.
bool is_configuration_name(std::string_view filename);
// A regular file (or a link to one) with such a name.
bool is_configuration(const std::filesystem::directory_entry& entry);

// A directory's entries. Throws Error(read_failed) naming it when it cannot be listed.
std::vector<std::filesystem::directory_entry> entries_of(const std::filesystem::path& directory);

// A file's whole text. Throws Error(read_failed) naming it when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace libterraform::graph
