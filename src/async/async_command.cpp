// AsyncTerraformCommand's two backends, behind type-erased handlers: a child process
// supervised on the command's executor, or a task of a TerraformPool.

#include "libterraform/async_terraform_command.hpp"

#include "async/async_target.hpp"
#include "command/conclude.hpp"
#include "command/invocation.hpp"
#include "command/output_collector.hpp"
#include "libterraform/terraform_pool.hpp"
#include "process/wait_async.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <stop_token>

namespace libterraform::detail {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// What a handler of each signature receives from a CommandResult.
template <class Result>
Result as(CommandResult r);
template <>
CommandResult as(CommandResult r) {
  return r;
}
template <>
RunResult as(CommandResult r) {
  return {r.retcode, std::move(r.output), std::move(r.error)};
}

// The completion of one operation: its handler, kept with outstanding work on the
// handler's executor, and invoked exactly once there. (The handler is only ever
// move-constructed: any_completion_handler's move assignment recurses in Boost 1.81.)
template <class Result>
class Completion {
 public:
  using Handler = asio::any_completion_handler<void(error_code, Result)>;

  Completion(Handler handler, asio::any_io_executor io)
      : io_(std::move(io)),
        executor_(asio::prefer(asio::get_associated_executor(handler, io_),
                               asio::execution::outstanding_work.tracked)),
        slot_(asio::get_associated_cancellation_slot(handler)),
        handler_(std::move(handler)) {}

  asio::cancellation_slot slot() const { return slot_; }

  // Thread-safe; later calls do nothing, nor do calls after abandon(). Call it from an
  // operation's own handlers, never from the initiating call (see complete_later).
  void complete(error_code ec, Result result) {
    std::optional<Handler> handler;
    asio::any_completion_executor executor;
    {
      std::lock_guard lock(mutex_);
      if (!handler_) return;
      handler.emplace(std::move(*handler_));
      handler_.reset();
      executor = std::move(executor_);
    }
    // Cleared here, not in a cancellation handler, which may be what brought us here.
    asio::dispatch(executor, [slot = slot_, handler = std::move(*handler), ec,
                              result = std::move(result)]() mutable {
      if (slot.is_connected()) slot.clear();
      std::move(handler)(ec, std::move(result));
    });
  }

  // The drop-in for complete() inside the initiating call: goes through the
  // command's executor first, so the handler never runs inside the initiating call.
  static void complete_later(std::shared_ptr<Completion> self, error_code ec) {
    asio::post(self->io_, [self, ec] { self->complete(ec, {}); });
  }

  // The execution context is going away: drop the handler without calling it.
  void abandon() {
    std::lock_guard lock(mutex_);
    handler_.reset();
    executor_ = {};
  }

 private:
  std::mutex mutex_;
  asio::any_io_executor io_;
  asio::any_completion_executor executor_;
  asio::cancellation_slot slot_;
  std::optional<Handler> handler_;
};

// What a finished run completes with: operation_aborted after a cancellation,
// otherwise the code of the error conclude() found (a check failure, a timeout...).
std::pair<error_code, CommandResult> completion_of(const Outcome& outcome, bool cancelled) {
  CommandResult result = *outcome.result;
  if (cancelled) return {asio::error::operation_aborted, std::move(result)};
  if (!outcome.error) return {{}, std::move(result)};
  try {
    std::rethrow_exception(outcome.error);
  } catch (const Error& e) {
    return {e.code(), std::move(result)};
  } catch (...) {
    // A callback threw: the run was interrupted for it.
    return {make_error_code(errc::interrupted), std::move(result)};
  }
}

// The code of a submission or launch failure, with an empty result.
error_code code_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.code();
  } catch (...) {
    return make_error_code(errc::spawn_failed);
  }
}

// --- default backend: the child on the command's executor ---------------------------

template <class Result>
class ChildOperation : public std::enable_shared_from_this<ChildOperation<Result>> {
 public:
  ChildOperation(asio::any_io_executor executor, CommandSpec spec,
                 typename Completion<Result>::Handler handler)
      : executor_(std::move(executor)),
        spec_(std::move(spec)),
        completion_(std::make_shared<Completion<Result>>(std::move(handler), executor_)),
        collector_(spec_.common, spec_.format) {}

  void start(const Invocation& invocation) {
    process::Child child;
    try {
      child = process::launch(invocation.launch);
    } catch (...) {
      return Completion<Result>::complete_later(completion_, code_of(std::current_exception()));
    }
    argv_ = invocation.launch.argv;
    working_dir_ = invocation.launch.working_dir;
    process::AsyncWaitOptions options;
    options.stop_policy = invocation.stop_policy;
    options.timeout = invocation.timeout;
    options.stdin_data = invocation.stdin_data;
    options.on_output = [self = this->shared_from_this()](process::OutputStream stream,
                                                          std::string_view chunk) {
      if (!self->collector_.add(stream, chunk)) self->stop();
    };
    watch_ = process::AsyncWait::start(
        executor_, std::move(child), std::move(options),
        [self = this->shared_from_this()](process::ChildExit exit) { self->finish(exit); });

    if (auto slot = completion_->slot(); slot.is_connected()) {
      slot.assign([weak = this->weak_from_this()](asio::cancellation_type) {
        if (auto self = weak.lock()) {
          self->cancelled_ = true;
          self->stop();
        }
      });
    }
    on_stop_.emplace(spec_.common.stop_token, [weak = this->weak_from_this()] {
      if (auto self = weak.lock()) self->stop();
    });
  }

 private:
  void stop() {
    if (auto watch = watch_.lock()) watch->request_stop(process::StopReason::interrupted);
  }

  void finish(process::ChildExit exit) {
    collector_.finish();
    Outcome outcome =
        conclude(spec_, {std::move(argv_), std::move(working_dir_), exit,
                         std::move(collector_.output()), std::move(collector_.error())});
    if (collector_.failure()) outcome.error = collector_.failure();
    auto [ec, result] = completion_of(outcome, cancelled_);
    on_stop_.reset();
    completion_->complete(ec, as<Result>(std::move(result)));
  }

  asio::any_io_executor executor_;
  CommandSpec spec_;
  std::shared_ptr<Completion<Result>> completion_;
  OutputCollector collector_;
  std::vector<std::string> argv_;
  std::filesystem::path working_dir_;
  std::weak_ptr<process::AsyncWait> watch_;
  std::atomic<bool> cancelled_{false};
  std::optional<std::stop_callback<std::function<void()>>> on_stop_;
};

// --- pool backend: a pool task --------------------------------------------------------

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
  PoolOperation(asio::any_io_executor executor, typename Completion<Result>::Handler handler)
      : registry_(
            asio::use_service<PoolOperations>(asio::query(executor, asio::execution::context))),
        completion_(std::make_shared<Completion<Result>>(std::move(handler), executor)) {}

  template <class Submit>
  void start(Submit submit) {
    Future<Result> future;
    try {
      future = submit();
    } catch (...) {
      return Completion<Result>::complete_later(completion_, code_of(std::current_exception()));
    }
    future_ = future;
    registry_.add(this->shared_from_this());
    if (auto slot = completion_->slot(); slot.is_connected()) {
      slot.assign([weak = this->weak_from_this()](asio::cancellation_type) {
        if (auto self = weak.lock()) {
          self->cancelled_ = true;
          self->future_.cancel();
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
    if (auto error = f.state()->error()) {
      CommandResult result;
      try {
        std::rethrow_exception(error);
      } catch (const Error& e) {
        if (e.result()) result = *e.result();
      } catch (...) {
      }
      error_code ec =
          cancelled_ && result.interrupted ? asio::error::operation_aborted : code_of(error);
      return completion_->complete(ec, as<Result>(std::move(result)));
    }
    completion_->complete(cancelled_ ? error_code(asio::error::operation_aborted) : error_code{},
                          f.get());
  }

  PoolOperations& registry_;
  std::shared_ptr<Completion<Result>> completion_;
  Future<Result> future_;
  std::atomic<bool> cancelled_{false};
  std::mutex mutex_;  // guards abandoned_ and every use of registry_ after start
  bool abandoned_ = false;
};

template <class Result>
void start_default(asio::any_io_executor executor, const Invocation& invocation, CommandSpec spec,
                   typename Completion<Result>::Handler handler) {
  auto op = std::make_shared<ChildOperation<Result>>(executor, std::move(spec), std::move(handler));
  op->start(invocation);
}

}  // namespace

void async_start(std::shared_ptr<const AsyncTarget> target, CommandSpec spec,
                 asio::any_completion_handler<CommandSignature> handler) {
  if (target->pool) {
    auto op = std::make_shared<PoolOperation<CommandResult>>(target->executor, std::move(handler));
    op->start([&] { return target->pool->command(target->working_dir).execute(std::move(spec)); });
    return;
  }
  Invocation invocation = prepare(spec, target->terraform, target->executable, target->working_dir);
  start_default<CommandResult>(target->executor, invocation, std::move(spec), std::move(handler));
}

void async_start_run(asio::any_io_executor executor, const AsyncRunOptions& options,
                     CommandSpec spec, asio::any_completion_handler<RunSignature> handler) {
  if (options.pool) {
    auto op = std::make_shared<PoolOperation<RunResult>>(executor, std::move(handler));
    op->start([&] { return options.pool->run(Arguments(std::move(spec.args)), options.run); });
    return;
  }
  std::string executable;
  try {
    executable = resolve_terraform(options.terraform);
  } catch (...) {
    Completion<RunResult>::complete_later(
        std::make_shared<Completion<RunResult>>(std::move(handler), executor),
        code_of(std::current_exception()));
    return;
  }
  Invocation invocation = prepare(spec, options.terraform, executable, {});
  start_default<RunResult>(executor, invocation, std::move(spec), std::move(handler));
}

namespace {

std::exception_ptr error_with(const error_code& ec, std::shared_ptr<const CommandResult> result) {
  std::string message =
      ec == asio::error::operation_aborted ? "the terraform command was cancelled" : ec.message();
  if (result && !result->working_dir.empty()) message += " in " + result->working_dir.string();
  try {
    throw_error(ec, message, std::move(result));
  } catch (...) {
    return std::current_exception();
  }
}

// The codes of failures after terraform ran: its result goes with them.
bool terraform_ran(const error_code& ec) {
  if (ec.category() != error_category()) return ec == asio::error::operation_aborted;
  switch (static_cast<errc>(ec.value())) {
    case errc::command_failed:
    case errc::interrupted:
    case errc::timed_out:
    case errc::invalid_json:
    case errc::unsupported_ui_version:
    case errc::exit_status_lost:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::exception_ptr completion_error(const error_code& ec, CommandResult result) {
  bool ran = !result.argv.empty();
  return error_with(ec, ran ? std::make_shared<const CommandResult>(std::move(result)) : nullptr);
}

// A RunResult has no argv: whether terraform ran shows in the code.
std::exception_ptr completion_error(const error_code& ec, const RunResult& result) {
  if (!terraform_ran(ec)) return error_with(ec, nullptr);
  auto command = std::make_shared<CommandResult>();
  command->retcode = result.retcode;
  command->output = result.output;
  command->error = result.error;
  return error_with(ec, std::move(command));
}

}  // namespace libterraform::detail

namespace libterraform {

AsyncTerraformCommand::AsyncTerraformCommand(executor_type executor,
                                             std::filesystem::path working_dir,
                                             AsyncOptions options) {
  auto target = std::make_shared<detail::AsyncTarget>();
  target->executor = std::move(executor);
  target->working_dir = std::move(working_dir);
  target->pool = options.pool;
  target->terraform = std::move(options.terraform);
  if (!target->pool) target->executable = detail::resolve_terraform(target->terraform);
  target_ = std::move(target);
}

AsyncTerraformCommand::executor_type AsyncTerraformCommand::get_executor() const noexcept {
  return target_->executor;
}

const std::filesystem::path& AsyncTerraformCommand::working_dir() const noexcept {
  return target_->working_dir;
}

detail::FlagDefaults AsyncTerraformCommand::flag_defaults() const noexcept {
  if (target_->pool) return target_->pool->command(target_->working_dir).flag_defaults();
  return {target_->terraform.no_color, target_->terraform.input};
}

}  // namespace libterraform
