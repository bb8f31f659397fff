#pragma once

#include "libterraform/command_result.hpp"
#include "libterraform/events.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <optional>

namespace libterraform {

// next()'s completion: an error (the end of a failed run) or an event; neither at the
// end of a run that succeeded.
using EventSignature = void(std::exception_ptr, std::optional<Event>);

namespace detail {
struct AsyncStreamState;
void async_next(std::shared_ptr<AsyncStreamState> state,
                boost::asio::any_completion_handler<EventSignature> handler);
}  // namespace detail

// The events of a running command, awaited one at a time (default or pool backend):
//
//   auto stream = cli.apply_stream();
//   while (auto event = co_await stream.next()) show(*event);
//
// Events arrive as terraform prints them and wait in the stream until next() takes
// them. At the end next() completes empty, after completing once with the error the run
// counts as (thrown in the awaitable form: TerraformCommandError with `check`, ...).
// One next() at a time. Cancelling a next() (any cancellation type) asks terraform to
// stop, as cancel() does: the events it prints while winding down still come.
// Destroying the stream (leaving the loop early, an exception) asks it too; the run
// then ends on its own, on the stream's executor.
class AsyncEventStream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using default_token = boost::asio::use_awaitable_t<executor_type>;

  explicit AsyncEventStream(std::shared_ptr<detail::AsyncStreamState> state)
      : state_(std::move(state)) {}
  AsyncEventStream(AsyncEventStream&&) noexcept = default;
  AsyncEventStream& operator=(AsyncEventStream&& other) noexcept;
  ~AsyncEventStream();

  template <class Token = default_token>
  auto next(Token&& token = default_token{}) {
    return boost::asio::async_initiate<Token, EventSignature>(
        [](auto handler, std::shared_ptr<detail::AsyncStreamState> state) {
          detail::async_next(std::move(state), std::move(handler));
        },
        token, state_);
  }
  // Asks terraform to stop (SIGINT, then the stop policy). Thread-safe.
  void cancel();
  // terraform has exited and every event has been taken.
  bool done() const;
  // The whole result, once done(); null before.
  const CommandResult* result() const;

 private:
  std::shared_ptr<detail::AsyncStreamState> state_;
};

}  // namespace libterraform
