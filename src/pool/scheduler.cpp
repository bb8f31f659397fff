#include "pool/scheduler.hpp"

#include <algorithm>

namespace libterraform::pool {

void Scheduler::enqueue(TaskId task, std::string module) {
  queue_.push_back({task, std::move(module)});
}

Scheduler::CancelResult Scheduler::cancel(TaskId task) {
  auto queued = std::find_if(queue_.begin(), queue_.end(),
                             [task](const Queued& q) { return q.task == task; });
  if (queued != queue_.end()) {
    queue_.erase(queued);
    return CancelResult::removed;
  }
  return running_.count(task) ? CancelResult::running : CancelResult::unknown;
}

std::vector<TaskId> Scheduler::cancel_queued() {
  std::vector<TaskId> cancelled;
  for (const auto& q : queue_) cancelled.push_back(q.task);
  queue_.clear();
  return cancelled;
}

void Scheduler::worker_started(WorkerId worker) { workers_[worker] = {}; }

void Scheduler::worker_ready(WorkerId worker) {
  auto found = workers_.find(worker);
  if (found != workers_.end() && found->second.state == WorkerState::starting) {
    found->second.state = WorkerState::idle;
  }
}

std::optional<TaskId> Scheduler::release(WorkerId worker) {
  auto found = workers_.find(worker);
  if (found == workers_.end() || found->second.state != WorkerState::busy) return std::nullopt;
  TaskId task = found->second.task;
  auto running = running_.find(task);
  if (running != running_.end()) {
    if (!running->second.module.empty()) busy_modules_.erase(running->second.module);
    running_.erase(running);
  }
  found->second = {WorkerState::idle, 0};
  return task;
}

std::optional<TaskId> Scheduler::task_finished(WorkerId worker) { return release(worker); }

std::optional<TaskId> Scheduler::worker_lost(WorkerId worker) {
  auto task = release(worker);
  workers_.erase(worker);
  return task;
}

void Scheduler::reserve_module(const std::string& module) {
  if (!module.empty()) busy_modules_.insert(module);
}

void Scheduler::release_module(const std::string& module) { busy_modules_.erase(module); }

std::vector<Scheduler::Assignment> Scheduler::assign() {
  std::vector<Assignment> assignments;
  std::vector<WorkerId> idle = idle_workers();
  std::sort(idle.begin(), idle.end());
  auto next_worker = idle.begin();
  for (auto it = queue_.begin(); it != queue_.end() && next_worker != idle.end();) {
    if (!it->module.empty() && busy_modules_.count(it->module)) {
      ++it;  // waits for its module, keeping its place
      continue;
    }
    WorkerId worker = *next_worker++;
    workers_[worker] = {WorkerState::busy, it->task};
    if (!it->module.empty()) busy_modules_.insert(it->module);
    running_[it->task] = {worker, it->module};
    assignments.push_back({it->task, worker});
    it = queue_.erase(it);
  }
  return assignments;
}

std::size_t Scheduler::workers_to_start() const {
  std::size_t available = 0;  // idle or on their way
  for (const auto& [id, worker] : workers_) {
    if (worker.state != WorkerState::busy) ++available;
  }
  const std::size_t room = max_workers_ > workers_.size() ? max_workers_ - workers_.size() : 0;
  // Tasks that could start now: queued, on a free module, one per module. Counting
  // stops once it is clear every free place would be used.
  std::unordered_set<std::string> claimed;
  std::size_t runnable = 0;
  for (auto it = queue_.begin(); it != queue_.end() && runnable < available + room; ++it) {
    if (it->module.empty() ||
        (!busy_modules_.count(it->module) && claimed.insert(it->module).second)) {
      ++runnable;
    }
  }
  return runnable > available ? runnable - available : 0;
}

std::optional<WorkerId> Scheduler::worker_of(TaskId task) const {
  auto found = running_.find(task);
  if (found == running_.end()) return std::nullopt;
  return found->second.worker;
}

std::optional<TaskId> Scheduler::task_of(WorkerId worker) const {
  auto found = workers_.find(worker);
  if (found == workers_.end() || found->second.state != WorkerState::busy) return std::nullopt;
  return found->second.task;
}

std::vector<WorkerId> Scheduler::idle_workers() const {
  std::vector<WorkerId> idle;
  for (const auto& [id, worker] : workers_) {
    if (worker.state == WorkerState::idle) idle.push_back(id);
  }
  return idle;
}

}  // namespace libterraform::pool
