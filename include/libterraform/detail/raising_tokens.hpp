#pragma once

// The completion signatures of the async API, and the completion tokens that raise
// exceptions (use_awaitable, use_future) made to raise what the synchronous API
// throws.

#include "libterraform/command_result.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/events.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <exception>
#include <future>
#include <memory>
#include <optional>

namespace libterraform {

// Completion signatures: the error (empty on success) and what terraform produced.
using CommandSignature = void(boost::system::error_code, CommandResult);
using RunSignature = void(boost::system::error_code, RunResult);
// AsyncEventStream::next(): an event; at the end of the run nothing, after completing
// once with the run's error, if it has one.
using EventSignature = void(boost::system::error_code, std::optional<Event>);

}  // namespace libterraform

namespace libterraform::detail {

// Where an operation leaves the exception the synchronous API would throw when the
// error code alone cannot rebuild it (a line or event callback's own exception, an
// event stream's error), for the tokens that raise exceptions (use_awaitable,
// use_future). Other tokens get the code only. Empty: nobody asks.
struct ExceptionSlot {
  std::shared_ptr<std::exception_ptr> error;
};

// The error a completion hands out as the exception the synchronous API would throw.
std::exception_ptr completion_error(const boost::system::error_code& ec, CommandResult result);
std::exception_ptr completion_error(const boost::system::error_code& ec, const RunResult& result);
std::exception_ptr completion_error(const boost::system::error_code& ec,
                                    const std::optional<Event>& event);

// Gives the operation somewhere to leave its exception (see ExceptionSlot).
inline void bind_error_slot(ExceptionSlot& slot, const std::shared_ptr<std::exception_ptr>& to) {
  slot.error = to;
}
template <class Argument>
void bind_error_slot(Argument&, const std::shared_ptr<std::exception_ptr>&) {}

// The exception a failed completion raises: the one left in the slot, else the
// library's for the code.
template <class Result>
std::exception_ptr raised_error(const boost::system::error_code& ec, Result result,
                                const std::exception_ptr& raised) {
  return raised ? raised : completion_error(ec, std::move(result));
}

// The completion tokens that turn errors into exceptions (use_awaitable, use_future)
// raise what the synchronous API throws: the library's own, carrying the result
// (TerraformCommandError, CommandTimeoutError, ...), or a callback's own exception,
// rather than a bare system_error.
template <class Executor, class Result>
struct AwaitableResult {
  using return_type = boost::asio::awaitable<Result, Executor>;

  template <class Initiation, class... Args>
  static return_type initiate(Initiation initiation, boost::asio::use_awaitable_t<Executor>,
                              Args... args) {
    auto raised = std::make_shared<std::exception_ptr>();
    (bind_error_slot(args, raised), ...);
    auto token = boost::asio::as_tuple(boost::asio::use_awaitable_t<Executor>{});
    auto [ec, result] =
        co_await boost::asio::async_initiate<decltype(token),
                                             void(boost::system::error_code, Result)>(
            std::move(initiation), token, std::move(args)...);
    if (ec) std::rethrow_exception(raised_error(ec, std::move(result), *raised));
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
    auto raised = std::make_shared<std::exception_ptr>();
    (bind_error_slot(args, raised), ...);
    std::move(initiation)(
        [promise, raised](boost::system::error_code ec, Result result) {
          if (ec) {
            promise->set_exception(raised_error(ec, std::move(result), *raised));
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

template <class Executor>
class boost::asio::async_result<boost::asio::use_awaitable_t<Executor>,
                                libterraform::EventSignature>
    : public libterraform::detail::AwaitableResult<Executor, std::optional<libterraform::Event>> {};

template <class Allocator>
class boost::asio::async_result<boost::asio::use_future_t<Allocator>, libterraform::EventSignature>
    : public libterraform::detail::FutureResult<std::optional<libterraform::Event>> {};
