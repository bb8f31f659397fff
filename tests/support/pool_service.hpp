#pragma once

#include "process/launch.hpp"

#include <sys/types.h>

#include <filesystem>
#include <set>

namespace libterraform::testing {

// A program of its own running a pool (tests/support/pool_parent.cpp) with a slow apply
// in `module`: when the constructor returns, terraform runs the apply's provisioner.
// Its processes are known by pid, to be signalled as a service manager would.
class PoolService {
 public:
  explicit PoolService(const std::filesystem::path& module, bool close_stdin = false);
  ~PoolService();
  PoolService(const PoolService&) = delete;
  PoolService& operator=(const PoolService&) = delete;

  pid_t parent() const { return parent_.pid; }
  pid_t spawner() const { return spawner_; }
  pid_t worker() const { return worker_; }
  pid_t terraform() const { return terraform_; }
  // terraform and what it started: the provisioner's shell and its sleep.
  std::set<pid_t> terraform_family() const;

  // Reaps the parent after it was killed.
  void reap_parent();
  // Waits (reaping orphans) until the parent's spawner, worker and terraform are all
  // gone; false if they are not within `timeout`.
  bool all_gone(std::chrono::milliseconds timeout) const;

 private:
  process::Child parent_;
  bool parent_reaped_ = false;
  pid_t spawner_ = -1, worker_ = -1, terraform_ = -1;
};

}  // namespace libterraform::testing
