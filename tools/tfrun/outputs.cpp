#include "outputs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace tfrun {

std::string cannot_write(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return "it is a directory";
  if (std::filesystem::exists(path, ec)) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return std::generic_category().message(errno);
    ::close(fd);
    return {};
  }
  const auto parent = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  if (!std::filesystem::is_directory(parent, ec)) {
    return "its directory " + parent.string() + " does not exist";
  }
  if (::access(parent.c_str(), W_OK | X_OK) != 0) {
    return "its directory " + parent.string() + ": " + std::generic_category().message(errno);
  }
  return {};
}

std::string write_whole(const std::filesystem::path& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return std::generic_category().message(errno);
  std::string failure;
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failure = n < 0 ? std::generic_category().message(errno) : "nothing more could be written";
      break;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0 && failure.empty()) failure = std::generic_category().message(errno);
  return failure;
}

}  // namespace tfrun
