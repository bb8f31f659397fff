#include "graph/tree_files.hpp"

#include "libterraform/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace libterraform::graph {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void unreadable(const fs::path& path, const std::error_code& ec) {
  throw Error(errc::read_failed, "cannot read " + path.string() + ": " + ec.message() +
                                     " (the module tree would be incomplete)");
}

}  // namespace

bool is_configuration_name(std::string_view filename) {
  constexpr std::array<std::string_view, 4> kSuffixes{".tf", ".tf.json", ".tofu", ".tofu.json"};
  return std::ranges::any_of(kSuffixes, [&](std::string_view suffix) {
    return filename.size() > suffix.size() && filename.ends_with(suffix);
  });
}

bool is_configuration(const fs::directory_entry& entry) {
  std::error_code ec;
  return is_configuration_name(entry.path().filename().native()) && entry.is_regular_file(ec);
}

std::vector<fs::directory_entry> entries_of(const fs::path& directory) {
  std::error_code ec;
  fs::directory_iterator it(directory, ec);
  std::vector<fs::directory_entry> entries;
  for (; !ec && it != fs::directory_iterator(); it.increment(ec))
    entries.push_back(*it);
  if (ec) unreadable(directory, ec);
  return entries;
}

std::string read_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) unreadable(path, std::error_code(errno, std::generic_category()));
  std::string text;
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      unreadable(path, std::error_code(error, std::generic_category()));
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace libterraform::graph
