#pragma once

#include "libterraform/command_result.hpp"
#include "libterraform/detail/raising_tokens.hpp"
#include "libterraform/events.hpp"
#include "libterraform/export.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <optional>

namespace libterraform {

namespace detail {
struct AsyncStreamState;
LIBTERRAFORM_EXPORT void async_next(std::shared_ptr<AsyncStreamState> state,
                                    boost::asio::any_completion_handler<EventSignature> handler,
                                    ExceptionSlot slot);
}  // namespace detail

/// The events of a running command, awaited one at a time (default or pool backend);
/// the asynchronous mirror of EventStream:
///
/// \code
///   auto stream = cli.apply_stream();
///   while (auto event = co_await stream.next()) show(*event);
///   const CommandResult& result = stream.result();
/// \endcode
///
/// Events arrive as terraform prints them and wait in the stream until next() takes
/// them. Once terraform has exited and every event has been taken, next() completes
/// with nothing, after completing once with the error the run counts as: the code in
/// the handler (command_failed with `check`, timed_out, callback_failed, ...), the
/// exception EventStream::next() would throw in the awaitable and future forms.
///
/// next(): handler void(error_code, std::optional<Event>); never completes inside the
/// call; one next() at a time (a second one completes with errc::invalid_option).
/// Cancelling a waiting next() (terminal or partial) asks terraform to stop, as
/// cancel() does, and the events it prints while winding down still come; cancelling
/// a waiting next() again escalates, as escalate() does; total cancellation is not
/// honoured (terraform runs). Destroying the stream (leaving the loop early, an
/// exception) interrupts terraform too, as EventStream's destructor does; the run
/// then winds down on the stream's executor, since it cannot block.
class LIBTERRAFORM_EXPORT AsyncEventStream {
 public:
  /// The executor type of the default completion token.
  using executor_type = boost::asio::any_io_executor;
  /// The completion token of next() when none is given: use_awaitable.
  using default_token = boost::asio::use_awaitable_t<executor_type>;

  /// Made by the *_stream methods of AsyncTerraformCommand, not by programs.
  explicit AsyncEventStream(std::shared_ptr<detail::AsyncStreamState> state)
      : state_(std::move(state)) {}
  /// Moves the stream; the one moved from may only be destroyed or assigned to.
  /// Assigning over a stream interrupts its terraform, as destroying it does.
  ///@{
  AsyncEventStream(AsyncEventStream&&) noexcept = default;
  AsyncEventStream& operator=(AsyncEventStream&& other) noexcept;
  ///@}
  ~AsyncEventStream();

  /// The next event, or nothing at the end: see the class description for its handler,
  /// its errors and its cancellation.
  template <class Token = default_token>
  auto next(Token&& token = default_token{}) {
    return boost::asio::async_initiate<Token, EventSignature>(
        [](auto handler, std::shared_ptr<detail::AsyncStreamState> state,
           detail::ExceptionSlot slot) {
          detail::async_next(std::move(state), std::move(handler), std::move(slot));
        },
        token, state_, detail::ExceptionSlot{});
  }
  /// Asks terraform to stop (SIGINT, then the stop policy). Thread-safe; once is enough
  /// (terraform gets one SIGINT however often it is called).
  void cancel();
  /// A second Ctrl-C: cancel(), then the stop policy's escalation at once instead of
  /// after its grace period (a second SIGINT, SIGTERM or SIGKILL; nothing more with
  /// Escalation::none), as Future::escalate does. Thread-safe. The events terraform
  /// prints still come, then the end of an interrupted run, as after cancel().
  void escalate();
  /// terraform has exited, every event has been taken, and next() has completed with
  /// the run's error, if it has one.
  bool done() const;
  /// The whole result, once terraform has exited; throws std::logic_error before.
  const CommandResult& result() const;

 private:
  std::shared_ptr<detail::AsyncStreamState> state_;
};

}  // namespace libterraform
