#pragma once

#include "libterraform/detail/access.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/export.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace libterraform {

namespace detail {

/// Whoever can cancel a task: the pool that holds it. Called by the future, on the
/// cancelling thread, without its lock.
class LIBTERRAFORM_EXPORT TaskCanceller {
 public:
  virtual ~TaskCanceller() = default;
  /// The task's future was cancelled before the task started: never run it.
  virtual void dropped(std::uint64_t task) = 0;
  /// The task has started (or a worker holds it): interrupt it there.
  virtual void interrupt(std::uint64_t task) = 0;
  /// The same, then escalate the stop at once, per the task's stop policy.
  virtual void escalate(std::uint64_t task) = 0;
  /// A worker holds the task ahead of time and has not started it: it drops it. A task
  /// whose terraform runs, or is starting, goes on.
  virtual void withdraw(std::uint64_t task) = 0;
};

/// Throws Error(would_deadlock) on a thread that runs one of a pool's deliveries (a
/// callback, a future's completion): what it would wait for may be queued behind it.
LIBTERRAFORM_EXPORT void forbid_waiting_in_delivery();

}  // namespace detail

/// How a task failed, as values: its code, what terraform produced (null when it never
/// ran) and the exception get() throws (a callback's own, or the library's error).
struct TaskError {
  boost::system::error_code code;  ///< what went wrong
  // Before `result`, so destroyed after it: the exception, which holds the result too,
  // then drops the last reference inside std::exception_ptr's release (see
  // tests/tsan.supp: its reference count is invisible to ThreadSanitizer).
  std::exception_ptr exception;                 ///< what get() throws
  std::shared_ptr<const CommandResult> result;  ///< what terraform produced, or null
};

namespace detail {

using libterraform::TaskError;

/// The state a Future shares with the pool, minus the value.
class LIBTERRAFORM_EXPORT FutureStateBase {
 public:
  /// running: a worker holds it (terraform may not have started yet: see started_at).
  enum class Status { pending, running, finished, cancelled };
  using TimePoint = std::chrono::system_clock::time_point;

  explicit FutureStateBase(std::uint64_t run_id) : run_id_(run_id) {}
  virtual ~FutureStateBase() = default;

  std::uint64_t run_id() const noexcept { return run_id_; }
  Status status() const;
  bool done() const;
  /// When terraform started for the task; empty until then, and for good when it never
  /// does (cancelled while queued, refused, its worker died first).
  std::optional<TimePoint> started_at() const;
  /// When terraform ended for the task; empty until then, and for a task that never ran.
  std::optional<TimePoint> ended_at() const;
  /// terraform has started and the task is not done.
  bool running() const;
  void wait() const;
  bool wait_until(std::chrono::steady_clock::time_point deadline) const;
  /// The exception it completed with (a cancelled task's is Error(errc::cancelled)).
  std::exception_ptr error() const;
  /// The same, as values.
  std::optional<TaskError> failure() const;
  /// Cancels a task that has not started (true). One that has is interrupted, if
  /// `interrupt_running`, and resolves to what terraform produced (false).
  bool cancel(bool interrupt_running = true);
  /// cancel(), and a running task's stop escalated at once (Future::escalate).
  bool escalate();
  /// Cancels a task that has not started yet, also one a worker holds ahead of time;
  /// one whose terraform runs, or is starting, goes on. True if it was still queued.
  bool withdraw();
  /// Runs `callback` once the state is done: now, on this thread, if it already is;
  /// otherwise on the thread that completes it. Exceptions it throws are ignored.
  /// Returns a key for forget(), 0 if the callback has already run.
  std::uint64_t on_done(std::function<void()> callback);
  /// Drops a callback that has not run (a waiter that stopped waiting), so that
  /// repeated waits on a long task do not pile up callbacks.
  void forget(std::uint64_t key);
  /// Runs `callback` once terraform has started: now, on this thread, if the start has
  /// been notified already; otherwise on the thread that notifies it. Dropped, never
  /// run, when the task ends without starting. Exceptions it throws are ignored.
  void on_start(std::function<void()> callback);
  /// Done or start callbacks are waiting.
  bool has_callbacks() const;

  // Producer side.
  void set_canceller(std::weak_ptr<TaskCanceller> canceller);
  /// False if it was cancelled first: it must not run.
  bool set_running();
  /// terraform started at `time` (started_at() says so from now on); notify_started()
  /// then runs the start callbacks, on the thread that delivers the task's output.
  void set_started(TimePoint time);
  void notify_started();
  /// terraform (which started) has exited at `time`.
  void set_ended(TimePoint time);

  void set_error(TaskError error);
  void set_cancelled();

 protected:
  /// Marks the state done (the value, if any, is already stored) and runs callbacks;
  /// with `only_if_pending`, only a state that has not started. True if it did.
  bool complete(Status status, std::optional<TaskError> error, bool only_if_pending = false);
  bool done_locked() const { return status_ == Status::finished || status_ == Status::cancelled; }
  mutable std::mutex mutex_;

 private:
  enum class IfRunning { keep_running, withdraw, interrupt, escalate };
  bool stop(IfRunning if_running);

  const std::uint64_t run_id_;
  mutable std::condition_variable done_;
  Status status_ = Status::pending;
  std::optional<TaskError> error_;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> callbacks_;
  std::uint64_t next_callback_key_ = 1;
  std::optional<TimePoint> started_at_, ended_at_;
  bool start_notified_ = false;
  std::vector<std::function<void()>> start_callbacks_;
  std::weak_ptr<TaskCanceller> canceller_;
};

template <class T>
class FutureState final : public FutureStateBase {
 public:
  using FutureStateBase::FutureStateBase;

  void set_value(T value) {
    {
      std::lock_guard lock(mutex_);
      if (done_locked()) return;
      value_.emplace(std::move(value));
    }
    complete(Status::finished, std::nullopt);
  }
  const T& value() const {
    wait();
    if (auto e = error()) std::rethrow_exception(e);
    return *value_;
  }

 private:
  std::optional<T> value_;
};

}  // namespace detail

template <class T>
class Future;

namespace detail {
template <class T, class Callback>
std::uint64_t on_done(const Future<T>& future, Callback callback);
template <class T, class Callback>
std::function<void()> with_future(const Future<T>& future, Callback callback);
}  // namespace detail

/// A result that another party completes (a graph run's report, a module's outcome in
/// it), read-only: there is nothing to cancel here; cancel what produces it
/// (GraphRun::cancel). A handle: copies share one state, and every member is
/// thread-safe. Future, a pool task's result, is one too.
template <class T>
class SharedResult {
 public:
  SharedResult() = default;
  /// A handle to this state; the library makes them.
  explicit SharedResult(std::shared_ptr<detail::FutureState<T>> state) : state_(std::move(state)) {}

  /// It refers to a result: false for a default-constructed handle, whose other members
  /// must not be called.
  bool valid() const noexcept { return state_ != nullptr; }
  /// Waits, then returns the result or rethrows its error. The reference lives as long
  /// as any copy of this handle.
  const T& get() const { return state_->value(); }
  /// Waits, then returns what get() would throw, or null: the error read without
  /// try/catch, as concurrent.futures' exception().
  std::exception_ptr exception() const {
    state_->wait();
    return state_->error();
  }
  /// Waits until it is done.
  void wait() const { state_->wait(); }
  /// Waits until it is done or `timeout` has passed: std::future_status::ready or
  /// std::future_status::timeout.
  template <class Rep, class Period>
  std::future_status wait_for(const std::chrono::duration<Rep, Period>& timeout) const {
    return state_->wait_until(std::chrono::steady_clock::now() + timeout)
               ? std::future_status::ready
               : std::future_status::timeout;
  }
  /// It has its result or its error.
  bool done() const { return state_->done(); }
  /// Calls `callback(result)` once it is done: right away if it already is, otherwise
  /// on the thread that completes it (keep it short).
  template <class Callback>
  void add_done_callback(Callback callback) const {
    state_->on_done([weak = std::weak_ptr(state_), callback = std::move(callback)]() mutable {
      if (auto alive = weak.lock()) callback(SharedResult(std::move(alive)));
    });
  }

 protected:
  std::shared_ptr<detail::FutureState<T>> state_;  ///< the state every copy shares
};

/// The result of a command submitted to a TerraformPool. A handle: copies share one
/// state, and every member is thread-safe.
///
/// Waiting without a bound (get(), wait(), as_completed, wait() without a timeout) for
/// a future not done yet, from one of the pool's callbacks, throws
/// Error(would_deadlock): the deliveries of one worker come in order, so what it waits
/// for may come only after the callback returns.
///
/// get() rethrows the task's error (TerraformCommandError with `check`,
/// Error(errc::cancelled) for a cancelled task, ...); exception() returns it.
///
/// cancel() follows concurrent.futures: a task still queued in the pool is cancelled
/// and never runs (true); one a worker holds gets SIGINT through that worker, and the
/// future then resolves to whatever terraform produced while winding down (false) -
/// or, when the worker held it ahead of time and had not started it, it is dropped
/// there and ends cancelled. Cancelling twice, or after the end, is harmless.
///
/// running() and started_at() say when terraform itself runs: a task queued in the
/// pool, or handed to a busy worker ahead of time, is not running yet.
///
/// escalate() is a second Ctrl-C: it cancels as cancel() does, then applies the stop
/// policy's escalation at once instead of after its grace period (a second SIGINT,
/// SIGTERM or SIGKILL; nothing more with Escalation::none, the default). terraform
/// stopped that way may leave its state unwritten and its lock held.
template <class T>
class Future : public SharedResult<T> {
 public:
  Future() = default;
  /// A handle to this state; the pool makes them.
  explicit Future(std::shared_ptr<detail::FutureState<T>> state)
      : SharedResult<T>(std::move(state)) {}

  /// terraform has started for it and it is not done.
  bool running() const { return state_->running(); }
  /// When terraform started for it (the pool's clock); empty while it waits, and for a
  /// task that never ran.
  std::optional<std::chrono::system_clock::time_point> started_at() const {
    return state_->started_at();
  }
  /// When terraform ended for it (the pool's clock, in the same order as the starts of
  /// the commands after it); empty until then, and for a task that never ran.
  std::optional<std::chrono::system_clock::time_point> ended_at() const {
    return state_->ended_at();
  }
  /// It ended cancelled: terraform never ran for it.
  bool cancelled() const { return status() == Status::cancelled; }
  /// Cancels it, as the class description says: true if it has ended cancelled by the
  /// time the call returns.
  bool cancel() const { return state_->cancel(); }
  /// A second Ctrl-C, as the class description says; returns what cancel() does.
  bool escalate() const { return state_->escalate(); }
  /// Takes a task back that has not started: dropped from the queue, or from a worker
  /// that holds it ahead of time (it then ends cancelled). A task whose terraform runs
  /// or is starting goes on: withdraw() never interrupts. True if it was still queued;
  /// false also for a task a worker held, which is dropped and ends cancelled all the same.
  bool withdraw() const { return state_->withdraw(); }
  /// How it failed, as values (code, result, exception); empty until it is done, and
  /// after a success. A cancelled task's code is errc::cancelled.
  std::optional<TaskError> failure() const { return state_->failure(); }
  /// The id the pool gave this submission.
  std::uint64_t run_id() const { return state_->run_id(); }
  /// Calls `callback(future)` once it is done: right away if it already is, otherwise
  /// on the pool thread that completes it (keep it short).
  template <class Callback>
  void add_done_callback(Callback callback) const {
    detail::on_done(*this, std::move(callback));
  }
  /// Calls `callback(future)` once terraform has started for it: right away if it has,
  /// otherwise on the pool thread that sees it start, before any of its output reaches
  /// a callback. Never called for a task that ends without starting.
  template <class Callback>
  void add_start_callback(Callback callback) const {
    state_->on_start(detail::with_future(*this, std::move(callback)));
  }

  /// Copies of one handle: the same submission.
  friend bool operator==(const Future& a, const Future& b) noexcept { return a.state_ == b.state_; }

 private:
  friend struct detail::Access;
  using SharedResult<T>::state_;
  using Status = detail::FutureStateBase::Status;
  Status status() const { return state_->status(); }
};

namespace detail {

/// `callback(future)` as the state's own callback. A weak reference: the state owns its
/// callbacks, which must not own it back.
template <class T, class Callback>
std::function<void()> with_future(const Future<T>& future, Callback callback) {
  return [weak = std::weak_ptr(Access::state(future)), callback = std::move(callback)]() mutable {
    if (auto alive = weak.lock()) callback(Future<T>(std::move(alive)));
  };
}

/// add_done_callback, returning the key that forgets it.
template <class T, class Callback>
std::uint64_t on_done(const Future<T>& future, Callback callback) {
  return Access::state(future)->on_done(with_future(future, std::move(callback)));
}

/// The done callbacks a waiter registered, forgotten when it stops waiting.
template <class T>
class DoneCallbacks {
 public:
  DoneCallbacks() = default;
  DoneCallbacks(DoneCallbacks&&) = default;
  DoneCallbacks& operator=(DoneCallbacks&&) = delete;
  ~DoneCallbacks() {
    for (const auto& [future, key] : keys_)
      if (key != 0) Access::state(future)->forget(key);
  }
  template <class Callback>
  void add(const Future<T>& future, Callback callback) {
    keys_.emplace_back(future, 0);
    keys_.back().second = on_done(future, std::move(callback));
  }

 private:
  std::vector<std::pair<Future<T>, std::uint64_t>> keys_;
};

}  // namespace detail

/// Yields futures in the order they complete, like concurrent.futures.as_completed:
/// \code
///   for (auto& f : as_completed(futures)) use(f.get());
/// \endcode
template <class T>
class AsCompleted {
 public:
  /// Watches these futures; as_completed() makes one.
  explicit AsCompleted(std::vector<Future<T>> futures) : shared_(std::make_shared<Shared>()) {
    shared_->remaining = futures.size();
    for (auto& future : futures) {
      callbacks_.add(future, [shared = shared_](const Future<T>& done) {
        {
          std::lock_guard lock(shared->mutex);
          shared->completed.push_back(done);
        }
        shared->ready.notify_one();
      });
    }
  }

  /// The futures for range-for, as they complete: each step waits for the next one
  /// (from one of the pool's callbacks, throws Error(would_deadlock) rather than wait);
  /// the end is std::default_sentinel.
  class iterator {
   public:
    /// What an iterator over the futures needs.
    ///@{
    using value_type = Future<T>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(AsCompleted* owner) : owner_(owner) { advance(); }
    const Future<T>& operator*() const { return current_; }
    const Future<T>* operator->() const { return &current_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    friend bool operator==(const iterator& a, std::default_sentinel_t) { return !a.owner_; }
    ///@}

   private:
    void advance() {
      if (!owner_ || !owner_->next(current_)) owner_ = nullptr;
    }
    AsCompleted* owner_ = nullptr;
    Future<T> current_;
  };

  /// The first future to complete that has not been yielded yet, waiting for it.
  iterator begin() { return iterator(this); }
  /// The end: every future has been yielded.
  std::default_sentinel_t end() { return {}; }

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<Future<T>> completed;
    std::size_t remaining = 0;
  };

  bool next(Future<T>& out) {
    std::unique_lock lock(shared_->mutex);
    if (shared_->remaining == 0) return false;
    if (shared_->completed.empty()) detail::forbid_waiting_in_delivery();
    shared_->ready.wait(lock, [&] { return !shared_->completed.empty(); });
    out = shared_->completed.front();
    shared_->completed.pop_front();
    --shared_->remaining;
    return true;
  }

  std::shared_ptr<Shared> shared_;
  detail::DoneCallbacks<T> callbacks_;  // after shared_: forgotten before it goes
};

/// These futures in the order they complete (see AsCompleted).
template <class T>
AsCompleted<T> as_completed(std::vector<Future<T>> futures) {
  return AsCompleted<T>(std::move(futures));
}

/// When wait() returns, named as in concurrent.futures: first_completed, once any
/// future is done; first_exception, once any has failed (a cancelled one does not
/// count); all_completed, once every one is done. Each also returns once all are done.
enum class ReturnWhen { first_completed, first_exception, all_completed };

/// What wait() returns: the futures done and those not done, each in the order given.
template <class T>
struct WaitResult {
  std::vector<Future<T>> done;      ///< done when wait() returned
  std::vector<Future<T>> not_done;  ///< not done yet
};

/// Waits like concurrent.futures.wait: until `when` holds or the timeout passes, then
/// splits the futures into done and not done.
template <class T>
WaitResult<T> wait(const std::vector<Future<T>>& futures,
                   ReturnWhen when = ReturnWhen::all_completed,
                   std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
  struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t done = 0;
    bool failed = false;
  };
  auto shared = std::make_shared<Shared>();
  detail::DoneCallbacks<T> callbacks;
  for (const auto& future : futures) {
    callbacks.add(future, [shared](const Future<T>& f) {
      {
        std::lock_guard lock(shared->mutex);
        ++shared->done;
        if (detail::Access::state(f)->error() && !f.cancelled()) shared->failed = true;
      }
      shared->changed.notify_all();
    });
  }
  auto satisfied = [&] {
    if (shared->done == futures.size()) return true;
    if (when == ReturnWhen::first_completed) return shared->done > 0;
    if (when == ReturnWhen::first_exception) return shared->failed;
    return false;
  };
  {
    std::unique_lock lock(shared->mutex);
    if (timeout) {
      shared->changed.wait_for(lock, *timeout, satisfied);
    } else {
      if (!satisfied()) detail::forbid_waiting_in_delivery();
      shared->changed.wait(lock, satisfied);
    }
  }
  WaitResult<T> result;
  for (const auto& future : futures)
    (future.done() ? result.done : result.not_done).push_back(future);
  return result;
}

}  // namespace libterraform
