#include "process/environment.hpp"

#include "libterraform/errors.hpp"

#include <unistd.h>

#include <filesystem>
#include <string_view>

// <unistd.h> declares it only under _GNU_SOURCE (which g++ defines).
extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX has programs declare it

namespace libterraform::process {

namespace {

// A name or value execve would cut short, or a name it would misread: the value itself
// never reaches the message.
void check_variable(const std::string& key, const std::string& value) {
  auto shown = key.substr(0, key.find('\0'));
  if (key.empty()) throw Error(errc::invalid_option, "an environment variable has an empty name");
  if (key.find('\0') != std::string::npos || key.find('=') != std::string::npos) {
    throw Error(errc::invalid_option, "environment variable name \"" +
                                          shown.substr(0, shown.find('=')) +
                                          "...\" contains '=' or a NUL byte");
  }
  if (value.find('\0') != std::string::npos) {
    throw Error(errc::invalid_option, "environment variable " + key +
                                          " has a NUL byte in its value, which cannot be passed");
  }
}

}  // namespace

std::vector<std::string> build_environment(const EnvironmentMap& overlay, bool replace) {
  for (const auto& [key, value] : overlay)
    check_variable(key, value);
  EnvironmentMap merged;
  if (!replace) {
    for (char** entry = environ; entry && *entry; ++entry) {
      std::string_view pair(*entry);
      auto equals = pair.find('=');
      if (equals == std::string_view::npos || equals == 0) continue;
      merged.emplace(std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1)));
    }
  }
  for (const auto& [key, value] : overlay)
    merged[key] = value;

  std::vector<std::string> environment;
  environment.reserve(merged.size());
  for (const auto& [key, value] : merged)
    environment.push_back(key + "=" + value);
  return environment;
}

std::shared_ptr<const std::vector<std::string>> shared_environment(const EnvironmentMap& overlay,
                                                                   bool replace) {
  return std::make_shared<const std::vector<std::string>>(build_environment(overlay, replace));
}

std::string lookup(const std::vector<std::string>& environment, const std::string& key) {
  for (const auto& pair : environment) {
    if (pair.size() > key.size() && pair.compare(0, key.size(), key) == 0 &&
        pair[key.size()] == '=') {
      return pair.substr(key.size() + 1);
    }
  }
  return {};
}

namespace {

bool is_executable_file(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string find_executable(const std::string& name, const std::vector<std::string>& environment) {
  if (name.empty()) throw Error(errc::binary_not_found, "terraform binary name is empty");
  if (name.find('/') != std::string::npos) {
    if (!is_executable_file(name)) {
      throw Error(errc::binary_not_found,
                  "terraform binary " + name + " is not an executable file");
    }
    return std::filesystem::absolute(name).lexically_normal().string();
  }
  const std::string search_path = lookup(environment, "PATH");
  std::string_view path = search_path;
  while (!path.empty()) {
    auto colon = path.find(':');
    std::string_view directory = path.substr(0, colon);
    std::filesystem::path candidate =
        std::filesystem::path(directory.empty() ? "." : directory) / name;
    if (is_executable_file(candidate)) return std::filesystem::absolute(candidate).string();
    path = colon == std::string_view::npos ? std::string_view{} : path.substr(colon + 1);
  }
  throw Error(errc::binary_not_found, "no executable named " + name + " on PATH");
}

}  // namespace libterraform::process
