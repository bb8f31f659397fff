#pragma once

// Tasks without a pool: futures a test completes by hand, and a canceller that records
// what was asked of them.

#include "libterraform/future.hpp"
#include "libterraform/graph_run.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace libterraform::testing {

// Records what futures ask of the pool that would hold their tasks.
struct FakePool : detail::TaskCanceller {
  std::vector<std::uint64_t> dropped_tasks, interrupted_tasks, escalated_tasks, withdrawn_tasks;
  void dropped(std::uint64_t task) override { dropped_tasks.push_back(task); }
  void interrupt(std::uint64_t task) override { interrupted_tasks.push_back(task); }
  void escalate(std::uint64_t task) override { escalated_tasks.push_back(task); }
  void withdraw(std::uint64_t task) override { withdrawn_tasks.push_back(task); }
};

// A ModuleRunner whose tasks run nowhere: each module handed to it gets a future the
// test drives (start, succeed, fail), with the CommonOptions the run gave it.
class FakeRunner {
 public:
  using Clock = std::chrono::system_clock;
  struct Task {
    CommonOptions common;
    std::shared_ptr<detail::FutureState<CommandResult>> state;
  };

  FakeRunner() : pool_(std::make_shared<FakePool>()) {}

  ModuleRunner runner() {
    return [this](const GraphModule& module, CommonOptions common) {
      auto state = std::make_shared<detail::FutureState<CommandResult>>(next_id_++);
      state->set_canceller(pool_);
      submitted.push_back(module.name);
      tasks_[module.name] = {std::move(common), state};
      return Future<CommandResult>(state);
    };
  }

  bool has(const std::string& module) const { return tasks_.contains(module); }
  Task& task(const std::string& module) { return tasks_.at(module); }
  std::uint64_t id(const std::string& module) { return task(module).state->run_id(); }
  const FakePool& pool() const { return *pool_; }

  // terraform starts for the module, as a worker reports it.
  void start(const std::string& module, Clock::time_point at = Clock::now()) {
    auto& t = task(module);
    t.state->set_running();
    t.state->set_started(at);
    if (t.common.on_start) t.common.on_start(at);
    t.state->notify_started();
  }
  // An event of its -json stream.
  void event(const std::string& module, const Event& event) {
    if (auto& on_event = task(module).common.on_event) on_event(event);
  }
  // terraform exits with `retcode` (a result, not an error: no `check`).
  void end(const std::string& module, int retcode, bool interrupted = false,
           Clock::time_point at = Clock::now()) {
    auto& t = task(module);
    CommandResult result;
    result.retcode = retcode;
    result.interrupted = interrupted;
    t.state->set_ended(at);
    t.state->set_value(std::move(result));
  }
  // The task fails with the library's `code`, without a result.
  void fail(const std::string& module, errc code, const std::string& message) {
    task(module).state->set_error(
        TaskError{make_error_code(code), std::make_exception_ptr(Error(code, message)), nullptr});
  }

  std::vector<std::string> submitted;  // the modules handed to the runner, in order

 private:
  std::shared_ptr<FakePool> pool_;
  std::map<std::string, Task> tasks_;
  std::uint64_t next_id_ = 1;
};

}  // namespace libterraform::testing
