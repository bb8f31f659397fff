#pragma once

// Each module's output as tfrun keeps it: every line terraform printed in DIR/NAME.log
// (--log-dir), open only while the module runs, and the last readable lines (event
// messages, stderr) in memory, a bounded tail, to replay a failed module's output at
// the end.

#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun {

// A module's file name in --log-dir: its name with every byte but [A-Za-z0-9._-]
// written %XX (so "a/b" is "a%2Fb.log", "a__b" stays "a__b.log"), and the root "." as
// "%2E.log": no two modules share a file. A name longer than a file name may be is cut,
// with a hash of the whole name after a '~'. Pure: unit-tested.
std::string log_file_name(const std::string& module);

class ModuleLogs {
 public:
  // The readable lines kept per module for the replay, at most.
  static constexpr std::size_t kTailBytes = std::size_t{64} * 1024;

  // `directory` empty: no files. Creates it; throws std::runtime_error if that fails.
  explicit ModuleLogs(std::filesystem::path directory);
  ~ModuleLogs();
  ModuleLogs(const ModuleLogs&) = delete;
  ModuleLogs& operator=(const ModuleLogs&) = delete;

  // A line of the module's output, as terraform printed it: appended to its log, which
  // is opened (created anew) at its first line. A write that fails is reported by
  // failures() and the module's log is given up; the run goes on.
  void write(const std::string& module, std::string_view raw_line);
  // A readable line, kept in the module's tail.
  void keep(const std::string& module, std::string_view readable_line);
  // The module has ended: its log is closed; its tail is dropped unless `keep_tail`.
  void ended(const std::string& module, bool keep_tail);
  // The module's tail, with a first line saying how much was left out and where the
  // whole output is, when something was.
  std::string kept(const std::string& module);
  // Every write that failed, as "FILE: reason", in order; each new one is also handed
  // to `on_failure` when set.
  std::vector<std::string> failures();
  void on_failure(std::function<void(const std::string&)> callback);

 private:
  struct Log {
    int fd = -1;
    bool given_up = false;
    std::deque<std::string> tail;
    std::size_t tail_bytes = 0;
    std::size_t dropped = 0;  // lines left out of the tail
  };
  static void close_locked(Log& log);

  std::filesystem::path directory_;
  std::mutex mutex_;
  std::map<std::string, Log> logs_;
  std::vector<std::string> failures_;
  std::function<void(const std::string&)> on_failure_;
};

}  // namespace tfrun
