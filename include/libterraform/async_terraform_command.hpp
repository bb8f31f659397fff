#pragma once

#include "libterraform/async_event_stream.hpp"
#include "libterraform/command_methods.hpp"
#include "libterraform/command_result.hpp"
#include "libterraform/detail/raising_tokens.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/export.hpp"
#include "libterraform/stream_methods.hpp"
#include "libterraform/terraform_options.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>
#include <memory>

namespace libterraform {

class TerraformPool;

/// How an AsyncTerraformCommand runs its commands.
struct AsyncOptions {
  /// Pool backend: each command is a task of this pool, and awaiting it awaits the
  /// pool's future. Null: the default backend, a child process supervised on the
  /// command's executor. Not owned: the pool must outlive every operation started
  /// through this command (destroying the pool first waits for its tasks, and their
  /// handlers then run while it is being destroyed).
  TerraformPool* pool = nullptr;
  /// How the default backend runs terraform (a pool uses its own options).
  TerraformOptions terraform = {};
};

/// Options of the static AsyncTerraformCommand::run.
struct AsyncRunOptions {
  /// The pool to run it in, as AsyncOptions::pool; null: the default backend.
  TerraformPool* pool = nullptr;
  /// How the default backend runs terraform, as AsyncOptions::terraform.
  TerraformOptions terraform = {};
  /// The options of the run itself.
  RunOptions run = {};
};

namespace detail {

/// What an AsyncTerraformCommand runs against; shared with its pending operations.
struct AsyncTarget;

LIBTERRAFORM_EXPORT void async_start(std::shared_ptr<const AsyncTarget> target, CommandSpec spec,
                                     boost::asio::any_completion_handler<CommandSignature> handler,
                                     ExceptionSlot slot);
LIBTERRAFORM_EXPORT void async_start_run(boost::asio::any_io_executor executor,
                                         const AsyncRunOptions& options, CommandSpec spec,
                                         boost::asio::any_completion_handler<RunSignature> handler,
                                         ExceptionSlot slot);
LIBTERRAFORM_EXPORT AsyncEventStream async_stream(std::shared_ptr<const AsyncTarget> target,
                                                  CommandSpec spec);

}  // namespace detail

/// Awaits terraform commands from Asio. Every TerraformCommand method (see
/// CommandMethods and docs/commands.md), with the same typed options and a completion
/// token as last argument: use_awaitable (the default), deferred, use_future, a
/// callback, and the adapters around them.
///
/// \code
///   AsyncTerraformCommand cli{executor, "path/to/module"};
///   auto result = co_await cli.validate({.check = true});
///   auto [ec, r] = co_await cli.plan({}, asio::as_tuple(asio::use_awaitable));
/// \endcode
///
/// Every command method, and run(), is one asynchronous operation:
///
/// Handler: void(error_code, CommandResult) (RunResult for run()). The code is one of
///   errc (command_failed with `check`, timed_out, directory_not_found,
///   callback_failed, ...; docs/errors.md) or operation_aborted after a cancellation;
///   the result is what terraform produced, also on error (empty if it never ran).
///   With use_awaitable and use_future the error is raised as the exception
///   TerraformCommand would throw, carrying the result (a callback's own exception,
///   when one threw). Handlers never run inside the initiating call; they run on
///   their associated executor.
///
/// Cancellation: terminal and partial ask terraform to stop cooperatively (SIGINT,
///   then only what the stop policy says): the operation completes once terraform
///   has exited, with operation_aborted and the result of its winding down. A second
///   terminal or partial cancellation is a second Ctrl-C: the stop policy's
///   escalation is applied at once instead of after its grace period
///   (Future::escalate). Total (nothing may have happened) is honoured only by a pool
///   task still queued, which is then removed and never runs; a running command
///   ignores it.
///
/// The module after a cancellation: terraform's own Ctrl-C handling decides. apply,
///   destroy, refresh and import write their state and release the lock; state
///   commands either complete or leave the state as it was; plan leaves no usable
///   plan file; init may leave partial downloads (docs/async.md has the table).
class LIBTERRAFORM_EXPORT AsyncTerraformCommand : public CommandMethods<AsyncTerraformCommand>,
                                                  public StreamMethods<AsyncTerraformCommand> {
 public:
  /// The type of the executor the command is made with.
  using executor_type = boost::asio::any_io_executor;
  /// The completion token of the command methods and run() when none is given:
  /// use_awaitable.
  using default_token = boost::asio::use_awaitable_t<executor_type>;

  /// Throws Error(binary_not_found) when the default backend's binary cannot be found.
  AsyncTerraformCommand(executor_type executor, std::filesystem::path working_dir,
                        AsyncOptions options = AsyncOptions());

  /// The executor given at construction.
  executor_type get_executor() const noexcept;
  /// The module directory, as given.
  const std::filesystem::path& working_dir() const noexcept;

  /// Runs terraform with these arguments as they are; resolves to {retcode, output,
  /// error}. With `options.pool`, as a task of that pool.
  template <class Token = default_token>
  static auto run(executor_type executor, Arguments args,
                  AsyncRunOptions options = AsyncRunOptions(), Token&& token = default_token{}) {
    return boost::asio::async_initiate<Token, RunSignature>(
        [](auto handler, executor_type executor, AsyncRunOptions options, detail::CommandSpec spec,
           detail::ExceptionSlot slot) {
          detail::async_start_run(std::move(executor), options, std::move(spec), std::move(handler),
                                  std::move(slot));
        },
        token, std::move(executor), options, detail::run_spec(std::move(args.items), options.run),
        detail::ExceptionSlot{});
  }

  // The events of a command as they arrive (StreamMethods: plan_stream, apply_stream,
  // ...) come as an AsyncEventStream; the command starts at once.

 private:
  friend struct detail::Access;
  /// Starts a prepared command; the command methods call this.
  template <class Token = default_token>
  auto execute(detail::CommandSpec spec, Token&& token = default_token{}) const {
    return boost::asio::async_initiate<Token, CommandSignature>(
        [](auto handler, std::shared_ptr<const detail::AsyncTarget> target,
           detail::CommandSpec spec, detail::ExceptionSlot slot) {
          detail::async_start(std::move(target), std::move(spec), std::move(handler),
                              std::move(slot));
        },
        token, target_, std::move(spec), detail::ExceptionSlot{});
  }
  AsyncEventStream stream(detail::CommandSpec spec) const {
    return detail::async_stream(target_, std::move(spec));
  }
  detail::FlagDefaults flag_defaults() const noexcept;

  std::shared_ptr<const detail::AsyncTarget> target_;
};

}  // namespace libterraform
