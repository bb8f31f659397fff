#pragma once

#include "libterraform/errors.hpp"
#include "libterraform/terraform_options.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <boost/core/demangle.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <source_location>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

namespace libterraform::testing {

namespace fs = std::filesystem;

// A fresh directory under the system's temporary directory, removed with its contents
// (however deep).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(std::string_view name) const { return path_ / name; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, std::string_view content);
std::string read_file(const fs::path& path);

// Options every test uses: an empty CLI configuration (the machine's points at a file
// that does not exist), no checkpoint calls.
TerraformOptions terraform_options();

// Creates directory `parent/name` holding main.tf with `main_tf`; returns its path.
fs::path make_module(const fs::path& parent, std::string_view name, std::string_view main_tf);
// The same, then `terraform init` there (which must succeed).
fs::path make_initialized_module(const fs::path& parent, std::string_view name,
                                 std::string_view main_tf);

// A resource whose creation runs `sleep ${var.sleep_seconds}` in a local-exec
// provisioner; the variable defaults to `seconds`.
std::string slow_resource(int seconds, std::string_view name = "slow");

// The helper programs: tests/support/child_helper.cpp and pool_parent.cpp.
std::string child_helper();
std::string pool_parent();

// Living children of this process and its open descriptors: the leak checks compare
// them before and after a test. The test main makes this process a child subreaper,
// so an orphaned grandchild (a terraform whose parent died) shows up as a child too.
std::set<pid_t> child_processes();
// Living children of another process, and a process's working directory.
std::set<pid_t> children_of(pid_t parent);
fs::path working_directory_of(pid_t pid);
// The worker of one of this process's pools whose terraform runs in `module` (workers
// are children of a pool's spawner, a child of this process); -1 if none.
pid_t pool_worker_running_in(const fs::path& module);
// The workers of this process's pools.
std::set<pid_t> pool_workers();
// Reaps children that are already dead: orphans reparented to this process.
void reap_orphans();
int open_descriptor_count();

// Fails the current test if processes or descriptors outlive it (waits a few seconds
// for stragglers to be reaped first).
class LeakCheck : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

 private:
  std::set<pid_t> children_before_;
  int descriptors_before_ = 0;
};

// Waits until `done()` holds, for at most `timeout`: false if it never did. `step`
// runs between checks (a short sleep when empty), e.g. to run an io_context. Tests
// wait with this, never in an unbounded loop, so a failure cannot hang them.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(60),
                const std::function<void()>& step = {});

// Built with a sanitizer (AddressSanitizer, ThreadSanitizer): its runtime keeps freed
// memory (quarantine, shadow) and needs descriptors of its own, so tests of memory
// figures or of descriptors running out measure it rather than the library.
constexpr bool kSanitized =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    true;
#else
    false;
#endif

// An executable shell script standing in for terraform: `dir/name` running `body`.
fs::path fake_terraform(const fs::path& dir, std::string_view body,
                        std::string_view name = "fake-terraform");

// The body of a fake terraform slow to stop, as with a provider that ignores its
// interrupt. Once its traps are set it prints "terraform runs"; its first SIGINT
// prints "stopping" and it goes on; a second SIGINT prints "interrupted again" and
// exits 3, SIGTERM prints "terminated" and exits 4. It ends by itself after a minute.
// It prints to stderr when `to_stderr`.
std::string slow_to_stop_terraform(bool to_stderr = false);
// The same as -json output: a version event, then each of its lines as the message of
// a log event.
std::string slow_to_stop_terraform_events();

// Sets a signal's disposition for the scope, as a host application might: SIG_IGN,
// SIG_DFL or a handler.
class ScopedSignal {
 public:
  ScopedSignal(int signal, void (*handler)(int));
  ~ScopedSignal();
  ScopedSignal(const ScopedSignal&) = delete;
  ScopedSignal& operator=(const ScopedSignal&) = delete;

 private:
  int signal_;
  struct sigaction previous_ {};
};

// Closes this process's standard streams (0, 1, 2) for the scope, as a daemon does.
// Nothing may print meanwhile: gtest assertions belong after the scope.
class StdioClosed {
 public:
  StdioClosed();
  ~StdioClosed();
  StdioClosed(const StdioClosed&) = delete;
  StdioClosed& operator=(const StdioClosed&) = delete;

 private:
  int saved_[3];
};

// Creates directories under `base` until the path is at least `length` bytes long
// (beyond PATH_MAX, which mkdir and chdir refuse in one call); returns that path.
fs::path make_deep_directory(const fs::path& base, std::size_t length);

// An output callback that sets `flag` once a line holds `marker`; and a check that it
// did (within a minute).
LineCallback flag_on(std::atomic<bool>& flag, std::string_view marker);
::testing::AssertionResult started(const std::atomic<bool>& flag);

// A host's SIGCHLD handler that reaps every child it can, as many daemons have.
void reap_every_child(int);

// True if the state file parses and no lock info is left next to it.
::testing::AssertionResult state_is_clean(const fs::path& module);

// A code as expect_error's reports name it: the library's by their enum name
// ("timed_out"), others by category and value.
inline std::string error_code_name(const boost::system::error_code& code) {
  if (code.category() == error_category())
    return std::string(to_string(static_cast<errc>(code.value())));
  return std::string(code.category().name()) + ":" + std::to_string(code.value()) + " (" +
         code.message() + ")";
}

// Runs fn; records a failure at the caller's line unless fn throws an E (Error by default)
// whose code is `code` (when given) and whose what() holds `substring`. Returns the
// exception so that a test can check the rest (result(), diagnostics()); empty when fn threw
// nothing or something else.
template <class E = Error>
std::optional<E> expect_error(std::optional<errc> code, std::string_view substring,
                              const std::function<void()>& fn,
                              std::source_location at = std::source_location::current()) {
  static_assert(std::is_base_of_v<Error, E>, "expect_error expects one of the library's errors");
  const std::string expected =
      boost::core::demangle(typeid(E).name()) +
      (code ? " with code " + std::string(to_string(*code)) : std::string()) +
      (substring.empty() ? std::string() : " holding \"" + std::string(substring) + "\"");
  try {
    fn();
  } catch (const E& e) {
    if (code && e.code() != make_error_code(*code))
      ADD_FAILURE_AT(at.file_name(), at.line())
          << "expected " << expected << "; its code is " << error_code_name(e.code())
          << " instead of " << to_string(*code) << ": " << e.what();
    if (std::string_view(e.what()).find(substring) == std::string_view::npos)
      ADD_FAILURE_AT(at.file_name(), at.line())
          << "expected " << expected << "; its message does not hold \"" << substring
          << "\": " << e.what();
    return e;
  } catch (const std::exception& e) {
    const auto* error = dynamic_cast<const Error*>(&e);
    ADD_FAILURE_AT(at.file_name(), at.line())
        << "expected " << expected
        << "; another exception was thrown: " << boost::core::demangle(typeid(e).name())
        << (error ? " with code " + error_code_name(error->code()) : std::string()) << ": "
        << e.what();
    return std::nullopt;
  } catch (...) {
    ADD_FAILURE_AT(at.file_name(), at.line())
        << "expected " << expected << "; something that is not a std::exception was thrown";
    return std::nullopt;
  }
  ADD_FAILURE_AT(at.file_name(), at.line()) << "expected " << expected << "; nothing was thrown";
  return std::nullopt;
}

}  // namespace libterraform::testing

namespace libterraform::testing {

// Writes the app module (main.tf, child/, tests/) under `parent/name`.
fs::path make_app_module(const fs::path& parent, std::string_view name = "app");

}  // namespace libterraform::testing
