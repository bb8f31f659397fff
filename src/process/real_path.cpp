#include "process/real_path.hpp"

#include "libterraform/errors.hpp"
#include "libterraform/module_path.hpp"
#include "process/launch.hpp"
#include "process/unique_fd.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace libterraform::process {
namespace {

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// The name under which `parent` holds `child`, a directory.
std::string name_in(int parent, const struct stat& child) {
  DIR* entries = ::fdopendir(::fcntl(parent, F_DUPFD_CLOEXEC, 3));
  if (!entries) return {};
  std::string name;
  while (dirent* entry = ::readdir(entries)) {
    if (!std::strcmp(entry->d_name, ".") || !std::strcmp(entry->d_name, "..")) continue;
    struct stat info;
    if (::fstatat(parent, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 &&
        same_file(info, child)) {
      name = entry->d_name;
      break;
    }
  }
  ::closedir(entries);
  return name;
}

// Walks up from an open directory to the root, as getcwd does.
std::filesystem::path path_of(UniqueFd directory) {
  std::vector<std::string> names;
  while (true) {
    struct stat self;
    struct stat up;
    UniqueFd parent(::openat(directory.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!parent || ::fstat(directory.get(), &self) != 0 || ::fstat(parent.get(), &up) != 0) {
      return {};
    }
    if (same_file(self, up)) break;  // the root is its own parent
    std::string name = name_in(parent.get(), self);
    if (name.empty()) return {};
    names.push_back(std::move(name));
    directory = std::move(parent);
  }
  std::reverse(names.begin(), names.end());  // from the root down
  std::string path;
  for (const auto& name : names)
    path += "/" + name;
  return path.empty() ? "/" : path;
}

}  // namespace

std::filesystem::path real_directory(const std::filesystem::path& directory,
                                     std::string_view what) {
  auto missing = [&] {
    return Error(errc::directory_not_found,
                 std::string(what) + " " + directory.string() + " does not exist");
  };
  std::error_code ec;
  auto real = std::filesystem::canonical(directory, ec);
  if (!ec) {
    if (!std::filesystem::is_directory(real, ec)) throw missing();
    return real;
  }
  if (ec != std::errc::filename_too_long) throw missing();
  UniqueFd open;
  for (const auto& step : directory_steps(directory)) {
    int fd =
        ::openat(open ? open.get() : AT_FDCWD, step.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw missing();
    open.reset(fd);
  }
  real = path_of(std::move(open));
  if (real.empty()) throw missing();
  return real;
}

}  // namespace libterraform::process

namespace libterraform {

std::filesystem::path module_path(const std::filesystem::path& directory) {
  return process::real_directory(directory, "module directory");
}

}  // namespace libterraform
