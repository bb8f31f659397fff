#include "module_logs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace tfrun {
namespace {

// A file name's limit (NAME_MAX), less room for ".log".
constexpr std::size_t kLongestStem = 250;

bool kept_as_is(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// FNV-1a: a stable hash for names cut short.
std::uint64_t hash_of(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string log_file_name(const std::string& module) {
  if (module == ".") return "%2E.log";
  std::string stem;
  for (unsigned char c : module) {
    if (kept_as_is(c)) {
      stem += static_cast<char>(c);
    } else {
      char escaped[4];
      (void)std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      stem += escaped;
    }
  }
  if (stem.size() > kLongestStem) {
    char hash[24];
    (void)std::snprintf(hash, sizeof hash, "~%016llx",
                        static_cast<unsigned long long>(hash_of(module)));
    stem.resize(kLongestStem - std::strlen(hash));
    stem += hash;
  }
  return stem + ".log";
}

ModuleLogs::ModuleLogs(std::filesystem::path directory) : directory_(std::move(directory)) {
  if (directory_.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec || !std::filesystem::is_directory(directory_)) {
    throw std::runtime_error("--log-dir " + directory_.string() + ": " +
                             (ec ? ec.message() : "not a directory"));
  }
  if (::access(directory_.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error("--log-dir " + directory_.string() + ": " +
                             std::generic_category().message(errno));
  }
}

ModuleLogs::~ModuleLogs() {
  for (auto& [module, log] : logs_)
    close_locked(log);
}

void ModuleLogs::close_locked(Log& log) {
  if (log.fd >= 0) ::close(log.fd);
  log.fd = -1;
}

void ModuleLogs::write(const std::string& module, std::string_view raw_line) {
  if (directory_.empty()) return;
  std::string failure;
  std::function<void(const std::string&)> tell;
  {
    std::lock_guard lock(mutex_);
    Log& log = logs_[module];
    if (log.given_up) return;
    const auto path = directory_ / log_file_name(module);
    if (log.fd < 0) {
      log.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    std::string line(raw_line);
    line += '\n';
    if (log.fd < 0 || !write_all(log.fd, line)) {
      failure = path.string() + ": " + std::generic_category().message(errno);
      log.given_up = true;
      close_locked(log);
      failures_.push_back(failure);
      tell = on_failure_;
    }
  }
  if (tell) tell(failure);
}

void ModuleLogs::keep(const std::string& module, std::string_view readable_line) {
  std::lock_guard lock(mutex_);
  Log& log = logs_[module];
  log.tail.emplace_back(readable_line.substr(0, kTailBytes));
  log.tail_bytes += log.tail.back().size() + 1;
  while (log.tail_bytes > kTailBytes) {
    log.tail_bytes -= log.tail.front().size() + 1;
    log.tail.pop_front();
    ++log.dropped;
  }
}

void ModuleLogs::ended(const std::string& module, bool keep_tail) {
  std::lock_guard lock(mutex_);
  auto found = logs_.find(module);
  if (found == logs_.end()) return;
  close_locked(found->second);
  if (!keep_tail) logs_.erase(found);
}

std::string ModuleLogs::kept(const std::string& module) {
  std::lock_guard lock(mutex_);
  auto found = logs_.find(module);
  if (found == logs_.end()) return {};
  const Log& log = found->second;
  std::string text;
  if (log.dropped > 0) {
    text += '(';
    text += std::to_string(log.dropped);
    text += " earlier lines left out";
    if (!directory_.empty() && !log.given_up) {
      text += "; the whole output is in " + (directory_ / log_file_name(module)).string();
    }
    text += ")\n";
  }
  for (const auto& line : log.tail)
    text.append(line).push_back('\n');
  return text;
}

std::vector<std::string> ModuleLogs::failures() {
  std::lock_guard lock(mutex_);
  return failures_;
}

void ModuleLogs::on_failure(std::function<void(const std::string&)> callback) {
  std::lock_guard lock(mutex_);
  on_failure_ = std::move(callback);
}

}  // namespace tfrun
