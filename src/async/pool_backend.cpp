// AsyncTerraformCommand's pool backend: a task of a TerraformPool, awaited through its
// future.

#include "async/backends.hpp"
#include "libterraform/detail/stop_ladder.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>

#include <set>

namespace libterraform::detail {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

class PoolOperationBase {
 public:
  virtual ~PoolOperationBase() = default;
  virtual void abandon() = 0;
};

// Tracks the pool operations of one execution context. When the context shuts down
// (its destructor), their handlers are dropped and their tasks cancelled, so that no
// pool thread later posts to a context that no longer exists.
class PoolOperations : public asio::execution_context::service {
 public:
  using key_type = PoolOperations;
  // NOLINTNEXTLINE(cert-err58-cpp): Asio's service key; its constructor is empty
  static inline asio::execution_context::id id;

  explicit PoolOperations(asio::execution_context& context)
      : asio::execution_context::service(context) {}

  void add(const std::shared_ptr<PoolOperationBase>& op) {
    std::lock_guard lock(mutex_);
    operations_.insert(op);
  }
  void remove(const std::shared_ptr<PoolOperationBase>& op) {
    std::lock_guard lock(mutex_);
    operations_.erase(op);
  }

 private:
  void shutdown() override {
    std::set<std::shared_ptr<PoolOperationBase>> operations;
    {
      std::lock_guard lock(mutex_);
      operations.swap(operations_);
    }
    for (const auto& op : operations)
      op->abandon();
  }

  std::mutex mutex_;
  std::set<std::shared_ptr<PoolOperationBase>> operations_;
};

template <class Result>
class PoolOperation : public PoolOperationBase,
                      public std::enable_shared_from_this<PoolOperation<Result>> {
 public:
  PoolOperation(asio::any_io_executor executor, typename Completion<Result>::Handler handler,
                ExceptionSlot slot)
      : registry_(
            asio::use_service<PoolOperations>(asio::query(executor, asio::execution::context))),
        completion_(std::make_shared<Completion<Result>>(std::move(handler), executor)),
        slot_(std::move(slot)) {}

  void start(const std::function<Future<Result>()>& submit) {
    Future<Result> future;
    try {
      future = submit();
    } catch (const Error& e) {
      leave(slot_, std::current_exception());
      return Completion<Result>::complete_posted(completion_, e.code());
    }
    future_ = future;
    registry_.add(this->shared_from_this());
    if (auto slot = completion_->slot(); slot.is_connected()) {
      slot.assign([weak = this->weak_from_this()](asio::cancellation_type type) {
        auto self = weak.lock();
        if (!self) return;
        // A total cancellation is honoured only while the task still waits in the queue.
        if (interrupts_running(type)) {
          // The first interrupts terraform; another escalates, per the stop policy.
          if (self->ladder_.next() == StopLadder::Step::interrupt) {
            self->future_.cancel();
          } else {
            self->future_.escalate();
          }
        } else if (Access::state(self->future_)->cancel(false)) {
          self->ladder_.next();  // the task never runs: the operation is aborted
        }
      });
    }
    future.add_done_callback(
        [self = this->shared_from_this()](const Future<Result>& f) { self->finish(f); });
  }

  void abandon() override {
    {
      std::lock_guard lock(mutex_);
      abandoned_ = true;
    }
    completion_->abandon();
    future_.cancel();  // nobody awaits it any more: wind terraform down
  }

 private:
  void finish(const Future<Result>& f) {
    {
      // The registry is the context's: once abandoned, the context may be gone.
      std::lock_guard lock(mutex_);
      if (abandoned_) return;
      registry_.remove(this->shared_from_this());
    }
    if (f.cancelled()) return completion_->complete(asio::error::operation_aborted, {});
    if (auto failure = Access::state(f)->failure()) {
      CommandResult result = failure->result ? *failure->result : CommandResult{};
      bool aborted = ladder_.asked() && result.interrupted;
      if (!aborted) leave(slot_, failure->exception);
      error_code ec = aborted ? asio::error::operation_aborted : failure->code;
      return completion_->complete(ec, as<Result>(std::move(result)));
    }
    completion_->complete(
        ladder_.asked() ? error_code(asio::error::operation_aborted) : error_code{}, f.get());
  }

  PoolOperations& registry_;
  std::shared_ptr<Completion<Result>> completion_;
  ExceptionSlot slot_;
  Future<Result> future_;
  StopLadder ladder_;  // asked: the operation was cancelled
  std::mutex mutex_;   // guards abandoned_ and every use of registry_ after start
  bool abandoned_ = false;
};

}  // namespace

template <class Result>
void start_pool_task(asio::any_io_executor executor, std::function<Future<Result>()> submit,
                     typename Completion<Result>::Handler handler, ExceptionSlot slot) {
  auto op = std::make_shared<PoolOperation<Result>>(std::move(executor), std::move(handler),
                                                    std::move(slot));
  op->start(submit);
}

template void start_pool_task<CommandResult>(asio::any_io_executor,
                                             std::function<Future<CommandResult>()>,
                                             Completion<CommandResult>::Handler, ExceptionSlot);
template void start_pool_task<RunResult>(asio::any_io_executor, std::function<Future<RunResult>()>,
                                         Completion<RunResult>::Handler, ExceptionSlot);

}  // namespace libterraform::detail
