#include "libterraform/future.hpp"

#include "pool/delivering.hpp"

namespace libterraform::detail {
namespace {

thread_local int deliveries = 0;  // Delivering scopes open on this thread

TaskError cancelled_error() {
  const char* message = "the task was cancelled before it started";
  return {make_error_code(errc::cancelled),
          std::make_exception_ptr(Error(errc::cancelled, message)), nullptr};
}

}  // namespace

Delivering::Delivering() {
  ++deliveries;
}

Delivering::~Delivering() {
  --deliveries;
}

void forbid_waiting_in_delivery() {
  if (deliveries == 0) return;
  throw Error(errc::would_deadlock,
              "waiting, with no time limit, for a pool future that is not done from one of the "
              "pool's callbacks: the pool tells each worker's commands in order, so what it "
              "waits for may come only after this callback returns (wait with a timeout, or "
              "from another thread)");
}

FutureStateBase::Status FutureStateBase::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

bool FutureStateBase::done() const {
  std::lock_guard lock(mutex_);
  return done_locked();
}

void FutureStateBase::wait() const {
  std::unique_lock lock(mutex_);
  if (done_locked()) return;
  lock.unlock();
  forbid_waiting_in_delivery();
  lock.lock();
  done_.wait(lock, [this] { return done_locked(); });
}

bool FutureStateBase::wait_until(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return done_.wait_until(lock, deadline, [this] { return done_locked(); });
}

std::optional<FutureStateBase::TimePoint> FutureStateBase::started_at() const {
  std::lock_guard lock(mutex_);
  return started_at_;
}

std::optional<FutureStateBase::TimePoint> FutureStateBase::ended_at() const {
  std::lock_guard lock(mutex_);
  return ended_at_;
}

bool FutureStateBase::running() const {
  std::lock_guard lock(mutex_);
  return started_at_ && !done_locked();
}

std::exception_ptr FutureStateBase::error() const {
  std::lock_guard lock(mutex_);
  return error_ ? error_->exception : nullptr;
}

std::optional<TaskError> FutureStateBase::failure() const {
  std::lock_guard lock(mutex_);
  return error_;
}

bool FutureStateBase::cancel(bool interrupt_running) {
  return stop(interrupt_running ? IfRunning::interrupt : IfRunning::keep_running);
}

bool FutureStateBase::escalate() {
  return stop(IfRunning::escalate);
}

bool FutureStateBase::withdraw() {
  return stop(IfRunning::withdraw);
}

bool FutureStateBase::stop(IfRunning if_running) {
  std::shared_ptr<TaskCanceller> canceller;
  {
    std::lock_guard lock(mutex_);
    if (status_ == Status::cancelled) return true;
    if (status_ == Status::finished) return false;
    canceller = canceller_.lock();
    if (!canceller) return false;  // no pool: nothing can run it, nor stop it
  }
  if (complete(Status::cancelled, cancelled_error(), true)) {
    canceller->dropped(run_id_);
    return true;
  }
  if (if_running == IfRunning::withdraw) canceller->withdraw(run_id_);
  if (if_running == IfRunning::interrupt) canceller->interrupt(run_id_);
  if (if_running == IfRunning::escalate) canceller->escalate(run_id_);
  return false;
}

std::uint64_t FutureStateBase::on_done(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!done_locked()) {
      const std::uint64_t key = next_callback_key_++;
      callbacks_.emplace_back(key, std::move(callback));
      return key;
    }
  }
  try {
    callback();
  } catch (...) {
  }
  return 0;
}

void FutureStateBase::forget(std::uint64_t key) {
  std::function<void()> forgotten;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  for (auto it = callbacks_.begin(); it != callbacks_.end(); ++it) {
    if (it->first == key) {
      forgotten = std::move(it->second);
      callbacks_.erase(it);
      break;
    }
  }
}

bool FutureStateBase::has_callbacks() const {
  std::lock_guard lock(mutex_);
  return !callbacks_.empty() || !start_callbacks_.empty();
}

void FutureStateBase::on_start(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!start_notified_) {
      // Done without starting, it never will; started, its notification is on its way.
      if (started_at_ || !done_locked()) start_callbacks_.push_back(std::move(callback));
      return;
    }
  }
  try {
    callback();
  } catch (...) {
  }
}

void FutureStateBase::set_started(TimePoint time) {
  std::lock_guard lock(mutex_);
  if (!started_at_) started_at_ = time;
}

void FutureStateBase::set_ended(TimePoint time) {
  std::lock_guard lock(mutex_);
  if (started_at_ && !ended_at_) ended_at_ = time;
}

void FutureStateBase::notify_started() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    if (start_notified_ || !started_at_) return;
    start_notified_ = true;
    callbacks.swap(start_callbacks_);
  }
  for (auto& callback : callbacks) {
    try {
      callback();
    } catch (...) {
    }
  }
}

void FutureStateBase::set_canceller(std::weak_ptr<TaskCanceller> canceller) {
  std::lock_guard lock(mutex_);
  canceller_ = std::move(canceller);
}

bool FutureStateBase::set_running() {
  std::lock_guard lock(mutex_);
  if (status_ == Status::pending) status_ = Status::running;
  return status_ == Status::running;
}

void FutureStateBase::set_error(TaskError error) {
  complete(Status::finished, std::move(error));
}

void FutureStateBase::set_cancelled() {
  complete(Status::cancelled, cancelled_error());
}

bool FutureStateBase::complete(Status status, std::optional<TaskError> error,
                               bool only_if_pending) {
  std::vector<std::pair<std::uint64_t, std::function<void()>>> callbacks;
  std::vector<std::function<void()>> never_started;  // destroyed outside the lock
  {
    std::lock_guard lock(mutex_);
    if (done_locked()) return false;  // exactly once
    if (only_if_pending && status_ != Status::pending) return false;
    status_ = status;
    error_ = std::move(error);
    callbacks.swap(callbacks_);
    if (!started_at_) never_started.swap(start_callbacks_);
  }
  done_.notify_all();
  for (auto& [key, callback] : callbacks) {
    try {
      callback();
    } catch (...) {
    }
  }
  return true;
}

}  // namespace libterraform::detail
