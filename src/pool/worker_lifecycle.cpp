#include "pool/worker_lifecycle.hpp"

namespace libterraform::pool {

void WorkerLifecycle::starting(WorkerId worker) {
  workers_[worker] = {};
}

void WorkerLifecycle::spawned(WorkerId worker, pid_t pid) {
  auto found = workers_.find(worker);
  if (found == workers_.end()) return;
  found->second.pid = pid;
  found->second.spawned = true;
}

void WorkerLifecycle::ready(WorkerId worker) {
  auto found = workers_.find(worker);
  if (found == workers_.end()) return;
  found->second.was_ready = true;
  if (found->second.phase == Phase::starting) found->second.phase = Phase::ready;
}

void WorkerLifecycle::failing(WorkerId worker, WorkerFailure failure) {
  auto found = workers_.find(worker);
  if (found != workers_.end() && !found->second.failure) found->second.failure = std::move(failure);
}

std::vector<WorkerId> WorkerLifecycle::close_all() {
  std::vector<WorkerId> closed;
  for (auto& [id, worker] : workers_) {
    if (!worker.spawned || worker.phase == Phase::closing || worker.channel_ended) continue;
    worker.phase = Phase::closing;
    closed.push_back(id);
  }
  return closed;
}

void WorkerLifecycle::channel_ended(WorkerId worker) {
  auto found = workers_.find(worker);
  if (found != workers_.end()) found->second.channel_ended = true;
}

WorkerLifecycle::End WorkerLifecycle::ended(WorkerId worker, const std::string& how,
                                            bool pool_closing) {
  End end;
  end.task_failure = {errc::worker_died, how};
  auto found = workers_.find(worker);
  if (found == workers_.end()) return end;
  Worker gone = std::move(found->second);
  workers_.erase(found);
  if (gone.failure) end.task_failure = *gone.failure;
  if (!gone.was_ready && !pool_closing) {
    end.pool_failure = {errc::worker_start_failed,
                        gone.failure ? gone.failure->message : how + " while starting"};
  }
  return end;
}

std::optional<WorkerLifecycle::Phase> WorkerLifecycle::phase(WorkerId worker) const {
  auto found = workers_.find(worker);
  if (found == workers_.end()) return std::nullopt;
  return found->second.phase;
}

std::optional<WorkerId> WorkerLifecycle::find(pid_t pid) const {
  for (const auto& [id, worker] : workers_) {
    if (worker.spawned && worker.pid == pid) return id;
  }
  return std::nullopt;
}

pid_t WorkerLifecycle::pid(WorkerId worker) const {
  auto found = workers_.find(worker);
  return found == workers_.end() ? -1 : found->second.pid;
}

std::vector<WorkerId> WorkerLifecycle::serving() const {
  std::vector<WorkerId> ids;
  for (const auto& [id, worker] : workers_) {
    if (worker.phase == Phase::ready && !worker.channel_ended) ids.push_back(id);
  }
  return ids;
}

std::vector<WorkerId> WorkerLifecycle::with_ended_channel() const {
  std::vector<WorkerId> ids;
  for (const auto& [id, worker] : workers_) {
    if (worker.channel_ended) ids.push_back(id);
  }
  return ids;
}

}  // namespace libterraform::pool
