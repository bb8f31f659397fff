#pragma once

#include "libterraform/async_event_stream.hpp"
#include "libterraform/command_methods.hpp"
#include "libterraform/command_result.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/terraform_options.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <exception>
#include <filesystem>
#include <future>
#include <memory>

namespace libterraform {

class TerraformPool;

// Completion signatures: the error (empty on success) and what terraform produced.
using CommandSignature = void(boost::system::error_code, CommandResult);
using RunSignature = void(boost::system::error_code, RunResult);

struct AsyncOptions {
  // Pool backend: each command is a task of this pool, and awaiting it awaits the
  // pool's future. Null: the default backend, a child process supervised on the
  // command's executor.
  TerraformPool* pool = nullptr;
  // How the default backend runs terraform (a pool uses its own options).
  TerraformOptions terraform = {};
};

// Options of the static AsyncTerraformCommand::run.
struct AsyncRunOptions {
  TerraformPool* pool = nullptr;
  TerraformOptions terraform = {};
  RunOptions run = {};
};

namespace detail {

// What an AsyncTerraformCommand runs against; shared with its pending operations.
struct AsyncTarget;

// Where an operation leaves the exception a line or event callback threw, so that the
// tokens that raise exceptions (use_awaitable, use_future) raise that one, as the
// synchronous API does. Other tokens get errc::callback_failed. Empty: nobody asks.
struct CallbackErrorSlot {
  std::shared_ptr<std::exception_ptr> error;
};

void async_start(std::shared_ptr<const AsyncTarget> target, CommandSpec spec,
                 boost::asio::any_completion_handler<CommandSignature> handler,
                 CallbackErrorSlot slot);
void async_start_run(boost::asio::any_io_executor executor, const AsyncRunOptions& options,
                     CommandSpec spec, boost::asio::any_completion_handler<RunSignature> handler,
                     CallbackErrorSlot slot);
AsyncEventStream async_stream(std::shared_ptr<const AsyncTarget> target, CommandSpec spec);

}  // namespace detail

// Awaits terraform commands from Asio. Every TerraformCommand method (see
// CommandMethods and docs/commands.md), with the same typed options and a completion
// token as last argument: use_awaitable (the default), deferred, use_future, a
// callback, and the adapters around them.
//
//   AsyncTerraformCommand cli{executor, "path/to/module"};
//   auto result = co_await cli.validate({.check = true});
//   auto [ec, r] = co_await cli.plan({}, asio::as_tuple(asio::use_awaitable));
//
// Handlers receive (error_code, CommandResult); with use_awaitable and use_future an
// error is thrown as the exception TerraformCommand would throw, carrying the result
// (a line or event callback's own exception, when one threw).
// Handlers never run inside the initiating call; they run on their associated
// executor.
//
// Cancellation: every cancellation type (terminal, partial, total) asks terraform to
// stop cooperatively: SIGINT to terraform (default backend), or through the
// pool (a queued task is removed, a running one interrupted by its worker). The
// operation completes once terraform has exited, with asio::error::operation_aborted
// and the result terraform produced while winding down: its state written, its lock
// released. Escalation beyond SIGINT follows the stop policy only.
class AsyncTerraformCommand : public CommandMethods<AsyncTerraformCommand> {
 public:
  using executor_type = boost::asio::any_io_executor;
  using default_token = boost::asio::use_awaitable_t<executor_type>;

  // Throws Error(binary_not_found) when the default backend's binary cannot be found.
  AsyncTerraformCommand(executor_type executor, std::filesystem::path working_dir,
                        AsyncOptions options = AsyncOptions());

  executor_type get_executor() const noexcept;
  const std::filesystem::path& working_dir() const noexcept;

  template <class Token = default_token>
  auto execute(detail::CommandSpec spec, Token&& token = default_token{}) const {
    return boost::asio::async_initiate<Token, CommandSignature>(
        [](auto handler, std::shared_ptr<const detail::AsyncTarget> target,
           detail::CommandSpec spec, detail::CallbackErrorSlot slot) {
          detail::async_start(std::move(target), std::move(spec), std::move(handler),
                              std::move(slot));
        },
        token, target_, std::move(spec), detail::CallbackErrorSlot{});
  }
  detail::FlagDefaults flag_defaults() const noexcept;

  // The events of a command as they arrive (see AsyncEventStream); it starts now.
  AsyncEventStream plan_stream(PlanOptions options = PlanOptions()) const {
    return stream(detail::specs::plan(options, flag_defaults()));
  }
  AsyncEventStream apply_stream(ApplyOptions options = ApplyOptions()) const {
    return stream(detail::specs::apply(options, flag_defaults()));
  }
  AsyncEventStream destroy_stream(DestroyOptions options = DestroyOptions()) const {
    return stream(detail::specs::destroy(options, flag_defaults()));
  }
  AsyncEventStream refresh_stream(RefreshOptions options = RefreshOptions()) const {
    return stream(detail::specs::refresh(options, flag_defaults()));
  }
  AsyncEventStream init_stream(InitOptions options = InitOptions()) const {
    return stream(detail::specs::init(options, flag_defaults()));
  }
  AsyncEventStream test_stream(TestOptions options = TestOptions()) const {
    return stream(detail::specs::test(options, flag_defaults()));
  }
  AsyncEventStream stream(detail::CommandSpec spec) const {
    return detail::async_stream(target_, std::move(spec));
  }

  // Runs terraform with these arguments as they are; resolves to {retcode, output,
  // error}. With `options.pool`, as a task of that pool.
  template <class Token = default_token>
  static auto run(executor_type executor, Arguments args,
                  AsyncRunOptions options = AsyncRunOptions(), Token&& token = default_token{}) {
    return boost::asio::async_initiate<Token, RunSignature>(
        [](auto handler, executor_type executor, AsyncRunOptions options, detail::CommandSpec spec,
           detail::CallbackErrorSlot slot) {
          detail::async_start_run(std::move(executor), options, std::move(spec), std::move(handler),
                                  std::move(slot));
        },
        token, std::move(executor), options, detail::run_spec(std::move(args.items), options.run),
        detail::CallbackErrorSlot{});
  }

 private:
  std::shared_ptr<const detail::AsyncTarget> target_;
};

}  // namespace libterraform

namespace libterraform::detail {

// The error a completion hands out as the exception the synchronous API would throw.
std::exception_ptr completion_error(const boost::system::error_code& ec, CommandResult result);
std::exception_ptr completion_error(const boost::system::error_code& ec, const RunResult& result);

// Gives the operation somewhere to leave a callback's exception (see CallbackErrorSlot).
inline void bind_error_slot(CallbackErrorSlot& slot,
                            const std::shared_ptr<std::exception_ptr>& to) {
  slot.error = to;
}
template <class Argument>
void bind_error_slot(Argument&, const std::shared_ptr<std::exception_ptr>&) {}

// The exception a failed completion raises: a callback's, else the library's for ec.
template <class Result>
std::exception_ptr raised_error(const boost::system::error_code& ec, Result result,
                                const std::exception_ptr& callback_error) {
  return callback_error ? callback_error : completion_error(ec, std::move(result));
}

// The completion tokens that turn errors into exceptions (use_awaitable, use_future)
// raise the library's own, carrying the result (TerraformCommandError,
// CommandTimeoutError, ...), or a callback's own, rather than a bare system_error.
template <class Executor, class Result>
struct AwaitableResult {
  using return_type = boost::asio::awaitable<Result, Executor>;

  template <class Initiation, class... Args>
  static return_type initiate(Initiation initiation, boost::asio::use_awaitable_t<Executor>,
                              Args... args) {
    auto callback_error = std::make_shared<std::exception_ptr>();
    (bind_error_slot(args, callback_error), ...);
    auto token = boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{});
    auto [ec, result] =
        co_await boost::asio::async_initiate<decltype(token),
                                             void(boost::system::error_code, Result)>(
            std::move(initiation), token, std::move(args)...);
    if (ec) std::rethrow_exception(raised_error(ec, std::move(result), *callback_error));
    co_return std::move(result);
  }
};

template <class Result>
struct FutureResult {
  using return_type = std::future<Result>;

  template <class Initiation, class Allocator, class... Args>
  static return_type initiate(Initiation initiation, boost::asio::use_future_t<Allocator>,
                              Args... args) {
    auto promise = std::make_shared<std::promise<Result>>();
    auto future = promise->get_future();
    auto callback_error = std::make_shared<std::exception_ptr>();
    (bind_error_slot(args, callback_error), ...);
    std::move(initiation)(
        [promise, callback_error](boost::system::error_code ec, Result result) {
          if (ec) {
            promise->set_exception(raised_error(ec, std::move(result), *callback_error));
          } else {
            promise->set_value(std::move(result));
          }
        },
        std::move(args)...);
    return future;
  }
};

}  // namespace libterraform::detail

template <class Executor>
class boost::asio::async_result<boost::asio::use_awaitable_t<Executor>,
                                libterraform::CommandSignature>
    : public libterraform::detail::AwaitableResult<Executor, libterraform::CommandResult> {};

template <class Executor>
class boost::asio::async_result<boost::asio::use_awaitable_t<Executor>, libterraform::RunSignature>
    : public libterraform::detail::AwaitableResult<Executor, libterraform::RunResult> {};

template <class Allocator>
class boost::asio::async_result<boost::asio::use_future_t<Allocator>,
                                libterraform::CommandSignature>
    : public libterraform::detail::FutureResult<libterraform::CommandResult> {};

template <class Allocator>
class boost::asio::async_result<boost::asio::use_future_t<Allocator>, libterraform::RunSignature>
    : public libterraform::detail::FutureResult<libterraform::RunResult> {};
