// PoolCore's delivery (output, results and errors, in order per task, on the task's
// strand when user code is involved) and its watch over processes that stop answering.

#include "pool/delivering.hpp"
#include "pool/messages.hpp"
#include "pool/pool_core.hpp"

#include <boost/asio/post.hpp>

#include <sys/syscall.h>

#include <csignal>

namespace libterraform::pool {

namespace asio = boost::asio;

namespace {

// Runs `handler` on a delivery strand, marked as a delivery (no unbounded waits there).
template <class Strand, class Handler>
void post_delivery(const Strand& strand, Handler handler) {
  asio::post(strand, [handler = std::move(handler)]() mutable {
    detail::Delivering delivering;
    handler();
  });
}

}  // namespace

// --- liveness (I/O thread) ----------------------------------------------------------

void PoolCore::update_liveness() {
  if (!liveness_) return;
  const auto now = Liveness::Clock::now();
  for (WorkerId id : lifecycle_.serving())
    liveness_->busy(id, scheduler_.task_of(id).has_value(), now);
  arm_liveness_timer();
}

void PoolCore::arm_liveness_timer() {
  if (!liveness_ || !io_work_.owns_work()) return;  // none, or the pool is done
  auto wakeup = liveness_->next_wakeup();
  if (wakeup == liveness_armed_for_) return;
  liveness_armed_for_ = wakeup;
  if (!wakeup) {
    liveness_timer_.cancel();
    return;
  }
  liveness_timer_.expires_at(*wakeup);
  liveness_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    liveness_armed_for_.reset();
    on_liveness_time();
  });
}

void PoolCore::on_liveness_time() {
  auto actions = liveness_->on_time(Liveness::Clock::now());
  for (WorkerId id : actions.ping) {
    auto found = handles_.find(id);
    if (found != handles_.end() && found->second.connection) {
      found->second.connection->send(FrameType::ping, {});
    }
  }
  const std::string timeout = std::to_string(options_.worker_response_timeout->count()) + " ms";
  for (WorkerId id : actions.kill) {
    if (!lifecycle_.exists(id)) continue;
    bool closed = lifecycle_.phase(id) == WorkerLifecycle::Phase::closing;
    kill_worker(
        id, "pool worker " + std::to_string(lifecycle_.pid(id)) +
                (closed ? " did not exit within " + timeout : " did not answer for " + timeout) +
                " (stopped or hung) and was killed");
  }
  for (WorkerId id : actions.presume_exited) {
    if (!lifecycle_.exists(id)) continue;
    worker_gone(id, "pool worker " + std::to_string(lifecycle_.pid(id)) +
                        " exited (its exit was not reported)");
  }
  if (actions.kill_spawner) spawner_->kill();
  arm_liveness_timer();
}

void PoolCore::kill_worker(WorkerId id, std::string reason) {
  lifecycle_.failing(id, {errc::worker_died, std::move(reason)});
  // By pidfd: the pid may already belong to someone else if the worker has just died.
  ::syscall(SYS_pidfd_send_signal, handles_.at(id).pidfd.get(), SIGKILL, nullptr, 0);
}

// --- delivery (one strand per task) -------------------------------------------------

// Output and results go through the task's strand (its worker's) on the delivery
// threads when user code is involved (output, start and done callbacks) or the result
// is big to parse; otherwise the I/O thread handles them itself, which saves two
// thread hops per task.
void PoolCore::deliver_output(const TaskPtr& task, process::OutputStream stream,
                              std::string bytes) {
  if (!task->callbacks) {
    task->run->on_output(stream, bytes);
    return;
  }
  post_delivery(task->delivery, [this, task, stream, bytes = std::move(bytes)] {
    if (!task->run->on_output(stream, bytes)) {
      // A callback threw: stop terraform, as TerraformCommand does.
      asio::post(io_, [this, id = task->id] { send_stop(id); });
    }
  });
}

void PoolCore::notify_start(const TaskPtr& task) {
  auto notify = [this, task] {
    const auto time = *task->future->started_at();
    if (options_.on_start) {
      try {
        options_.on_start({task->id, task->invocation.launch.working_dir, time, task->worker});
      } catch (...) {
      }
    }
    if (!task->run->started(time)) {
      // The command's start callback threw: stop terraform, as TerraformCommand does.
      asio::post(io_, [this, id = task->id] { send_stop(id); });
    }
    task->future->notify_started();
  };
  // Through the worker's strand: after what its previous task did, before anything
  // this one prints, before its end.
  task->start_posted = task->callbacks || task->future->has_callbacks();
  if (task->start_posted) {
    post_delivery(task->delivery, std::move(notify));
  } else {
    notify();
  }
}

void PoolCore::finish(const TaskPtr& task, process::ChildExit exit) {
  auto complete = [this, task, exit] {
    task->complete(task->run->finish(exit));
    forget(task->id);
  };
  constexpr std::size_t kParsedInline = 1 << 20;
  if (task->callbacks || task->start_posted || task->future->has_callbacks() ||
      task->run->output_size() > kParsedInline) {
    post_delivery(task->delivery, std::move(complete));
  } else {
    complete();
  }
}

void PoolCore::fail(const TaskPtr& task, detail::Outcome failure) {
  post_delivery(task->delivery, [this, task, failure = std::move(failure)] {
    task->future->set_error(task_error(failure));
    forget(task->id);
  });
}

void PoolCore::fail_with_output(const TaskPtr& task, errc code, std::string message) {
  post_delivery(task->delivery, [this, task, code, message = std::move(message)]() mutable {
    std::optional<std::chrono::milliseconds> ran_for;
    if (task->started) {
      ran_for = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - task->started_at);
    }
    task->future->set_error(task_error(task->run->abandon(code, std::move(message), ran_for)));
    forget(task->id);
  });
}

void PoolCore::cancelled(const TaskPtr& task) {
  task->future->set_cancelled();
  forget(task->id);
}

void PoolCore::forget(TaskId id) {
  TaskPtr task;  // released outside the lock: its stop callback may be waiting for it
  {
    std::lock_guard lock(mutex_);
    auto found = tasks_.find(id);
    if (found == tasks_.end()) return;
    task = std::move(found->second);
    tasks_.erase(found);
    if (!closing_ || !tasks_.empty()) return;
  }
  asio::post(io_, [this] { pump(); });
}

}  // namespace libterraform::pool
