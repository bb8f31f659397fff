#pragma once

#include "libterraform/terraform_options.hpp"

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace libterraform::testing {

namespace fs = std::filesystem;

// A fresh directory under the system's temporary directory, removed with its contents.
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

// True if the state file parses and no lock info is left next to it.
::testing::AssertionResult state_is_clean(const fs::path& module);

}  // namespace libterraform::testing

namespace libterraform::testing {

// Writes the app module (main.tf, child/, tests/) under `parent/name`.
fs::path make_app_module(const fs::path& parent, std::string_view name = "app");

}  // namespace libterraform::testing
