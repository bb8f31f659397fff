#include "pool/scheduler.hpp"

#include <algorithm>
#include <utility>

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
  auto running = running_.find(task);
  if (running == running_.end()) return CancelResult::unknown;
  if (!running->second.prefetched) return CancelResult::running;
  running->second.cancel_requested = true;
  return CancelResult::prefetched;
}

void Scheduler::withdraw(TaskId task) {
  auto running = running_.find(task);
  if (running == running_.end()) return;
  Worker& w = workers_.at(running->second.worker);
  if (w.current == task) w.current = std::exchange(w.next, std::nullopt);
  if (w.next == task) w.next.reset();
  if (w.current) running_.at(*w.current).prefetched = false;
  free_module(running->second);
  running_.erase(running);
}

bool Scheduler::backlog() const {
  std::size_t runnable = 0;
  for (const auto& q : queue_) {
    if (q.module.empty() || !busy_modules_.contains(q.module)) {
      if (++runnable > workers_.size()) return true;
    }
  }
  return false;
}

std::vector<Scheduler::Assignment> Scheduler::cancel_prefetched() {
  std::vector<Assignment> cancelled;
  for (auto& [task, running] : running_) {
    if (running.prefetched && !running.cancel_requested) {
      running.cancel_requested = true;
      cancelled.push_back({task, running.worker});
    }
  }
  return cancelled;
}

std::vector<TaskId> Scheduler::cancel_queued() {
  std::vector<TaskId> cancelled;
  for (const auto& q : queue_)
    cancelled.push_back(q.task);
  queue_.clear();
  return cancelled;
}

void Scheduler::worker_started(WorkerId worker) {
  workers_[worker] = {};
}

void Scheduler::worker_ready(WorkerId worker) {
  auto found = workers_.find(worker);
  if (found != workers_.end()) found->second.state = WorkerState::ready;
}

void Scheduler::free_module(const Running& running) {
  if (!running.module.empty()) busy_modules_.erase(running.module);
}

std::optional<TaskId> Scheduler::task_finished(WorkerId worker) {
  auto found = workers_.find(worker);
  if (found == workers_.end() || !found->second.current) return std::nullopt;
  Worker& w = found->second;
  TaskId done = *w.current;
  if (auto running = running_.find(done); running != running_.end()) {
    free_module(running->second);
    running_.erase(running);
  }
  w.current = std::exchange(w.next, std::nullopt);
  w.revoking = false;  // if it was on its way, the worker has started the task anyway
  if (w.current) running_.at(*w.current).prefetched = false;
  return done;
}

bool Scheduler::revoked(WorkerId worker, TaskId task) {
  auto found = workers_.find(worker);
  if (found == workers_.end() || found->second.next != task) return false;
  found->second.next.reset();
  found->second.revoking = false;
  auto running = running_.find(task);
  Running r = running->second;
  running_.erase(running);
  free_module(r);
  if (r.cancel_requested) return true;
  queue_.push_front({task, r.module});
  return false;
}

Scheduler::Lost Scheduler::worker_lost(WorkerId worker) {
  Lost lost;
  auto found = workers_.find(worker);
  if (found == workers_.end()) return lost;
  Worker w = found->second;
  workers_.erase(found);
  if (w.current) {
    if (auto running = running_.find(*w.current); running != running_.end()) {
      free_module(running->second);
      running_.erase(running);
    }
    lost.failed = w.current;
  }
  if (w.next) {
    // It never started: it runs elsewhere, unless its cancellation was asked for.
    Running r = running_.at(*w.next);
    running_.erase(*w.next);
    free_module(r);
    if (r.cancel_requested) {
      lost.cancelled = w.next;
    } else {
      queue_.push_front({*w.next, r.module});
      lost.requeued = w.next;
    }
  }
  return lost;
}

void Scheduler::reserve_module(const std::string& module) {
  if (!module.empty()) busy_modules_.insert(module);
}

void Scheduler::release_module(const std::string& module) {
  busy_modules_.erase(module);
}

std::optional<std::size_t> Scheduler::next_runnable() const {
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    if (queue_[i].module.empty() || !busy_modules_.contains(queue_[i].module)) return i;
  }
  return std::nullopt;
}

void Scheduler::dispatch(std::size_t index, WorkerId worker, bool prefetch) {
  Queued q = queue_[index];
  queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(index));
  if (!q.module.empty()) busy_modules_.insert(q.module);
  running_[q.task] = {worker, q.module, prefetch, false};
  Worker& w = workers_.at(worker);
  (prefetch ? w.next : w.current) = q.task;
}

std::vector<Scheduler::Assignment> Scheduler::assign() {
  std::vector<Assignment> assignments;
  std::vector<WorkerId> ids;
  for (const auto& [id, w] : workers_)
    ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  // Idle workers first, then a second task for each busy one, but only for a backlog:
  // when every worker there may be exists and more tasks wait than there are workers.
  for (bool prefetch : {false, true}) {
    if (prefetch && (workers_.size() < max_workers_ || !backlog())) break;
    for (WorkerId id : ids) {
      const Worker& w = workers_.at(id);
      bool takes = prefetch ? (w.state == WorkerState::ready && w.current && !w.next) : w.idle();
      if (!takes) continue;
      auto index = next_runnable();
      if (!index) return assignments;
      assignments.push_back({queue_[*index].task, id});
      dispatch(*index, id, prefetch);
    }
  }
  return assignments;
}

std::vector<Scheduler::Assignment> Scheduler::revocations() {
  std::vector<Assignment> revokes;
  std::size_t idle = 0;
  for (const auto& [id, w] : workers_)
    idle += w.idle();
  if (idle == 0 || next_runnable()) return revokes;  // idle workers have work coming
  for (auto& [id, w] : workers_) {
    if (idle == 0) break;
    if (w.next && !w.revoking) {
      w.revoking = true;
      revokes.push_back({*w.next, id});
      --idle;
    }
  }
  return revokes;
}

std::size_t Scheduler::workers_to_start() const {
  std::size_t available = 0;  // idle or on their way
  for (const auto& [id, worker] : workers_) {
    if (worker.state == WorkerState::starting || worker.idle()) ++available;
  }
  const std::size_t room = max_workers_ > workers_.size() ? max_workers_ - workers_.size() : 0;
  // Tasks that could start now: queued, on a free module, one per module. Counting
  // stops once it is clear every free place would be used.
  std::unordered_set<std::string> claimed;
  std::size_t runnable = 0;
  for (auto it = queue_.begin(); it != queue_.end() && runnable < available + room; ++it) {
    if (it->module.empty() ||
        (!busy_modules_.contains(it->module) && claimed.insert(it->module).second)) {
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
  if (found == workers_.end()) return std::nullopt;
  return found->second.current;
}

std::vector<WorkerId> Scheduler::idle_workers() const {
  std::vector<WorkerId> idle;
  for (const auto& [id, worker] : workers_) {
    if (worker.idle()) idle.push_back(id);
  }
  return idle;
}

}  // namespace libterraform::pool
