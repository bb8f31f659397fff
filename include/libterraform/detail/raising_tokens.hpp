#pragma once

/// \file
/// The completion signatures of the async API, and `with_errors(token)`: the adapter
/// that hands a token the exception the synchronous API would throw. The tokens that
/// raise exceptions by themselves (use_awaitable, use_future) go through it always.

#include "libterraform/command_result.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/events.hpp"
#include "libterraform/export.hpp"

#include <boost/asio/associator.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <concepts>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace libterraform {

/// Completion signatures: the error (empty on success) and what terraform produced.
///@{
using CommandSignature = void(boost::system::error_code, CommandResult);
using RunSignature = void(boost::system::error_code, RunResult);
///@}
/// AsyncEventStream::next(): an event; at the end of the run nothing, after completing
/// once with the run's error, if it has one.
using EventSignature = void(boost::system::error_code, std::optional<Event>);

/// A completion token adapter: the operation completes `token` with
/// void(std::exception_ptr, R) instead of void(error_code, R), the exception being
/// what the synchronous API throws: the library's own with its whole message and the
/// result (TerraformCommandError, CommandTimeoutError, Error(worker_died) naming the
/// worker and its signal, ...), or a callback's own exception. For tokens that see
/// only a code otherwise: `co_await cli.apply(o, with_errors(asio::deferred))`,
/// `with_errors(yield)`, `with_errors(asio::experimental::use_promise)`.
template <class Token>
struct with_errors_t {
  Token token;  ///< the token the operation completes
};

/// `token` adapted: see with_errors_t.
template <class Token>
with_errors_t<std::decay_t<Token>> with_errors(Token&& token) {
  return {std::forward<Token>(token)};
}

}  // namespace libterraform

namespace libterraform::detail {

/// What the library's operations complete with, besides the error.
template <class R>
concept AsyncValue = std::same_as<R, CommandResult> || std::same_as<R, RunResult> ||
    std::same_as<R, std::optional<Event>>;

/// Where an operation leaves the exception the synchronous API would throw, for
/// with_errors. Empty: nobody asks, and the operation completes with the code only.
struct ExceptionSlot {
  std::shared_ptr<std::exception_ptr> error;
};

/// The error a completion hands out when the operation left no exception (a code
/// alone: operation_aborted, or an operation whose exception was not kept).
LIBTERRAFORM_EXPORT std::exception_ptr completion_error(const boost::system::error_code& ec,
                                                        CommandResult result);
LIBTERRAFORM_EXPORT std::exception_ptr completion_error(const boost::system::error_code& ec,
                                                        const RunResult& result);
LIBTERRAFORM_EXPORT std::exception_ptr completion_error(const boost::system::error_code& ec,
                                                        const std::optional<Event>& event);

/// Gives the operation somewhere to leave its exception (see ExceptionSlot).
inline void bind_error_slot(ExceptionSlot& slot, const std::shared_ptr<std::exception_ptr>& to) {
  slot.error = to;
}
template <class Argument>
void bind_error_slot(Argument&, const std::shared_ptr<std::exception_ptr>&) {}

/// The exception a failed completion raises: the one left in the slot, else the
/// library's for the code.
template <class Result>
std::exception_ptr raised_error(const boost::system::error_code& ec, Result result,
                                const std::exception_ptr& raised) {
  return raised ? raised : completion_error(ec, std::move(result));
}

/// The handler with_errors gives an operation: turns its code into the exception.
template <class Handler, class Result>
struct ErrorsHandler {
  Handler handler;
  std::shared_ptr<std::exception_ptr> raised;

  void operator()(boost::system::error_code ec, Result result) {
    std::exception_ptr error = ec ? raised_error(ec, result, *raised) : nullptr;
    std::move(handler)(std::move(error), std::move(result));
  }
};

}  // namespace libterraform::detail

namespace boost::asio {

template <class Token, libterraform::detail::AsyncValue Result>
struct async_result<libterraform::with_errors_t<Token>, void(system::error_code, Result)>
    : async_result<Token, void(std::exception_ptr, Result)> {
  template <class Initiation>
  struct Wrapped {
    Initiation initiation;
    std::shared_ptr<std::exception_ptr> raised;

    template <class Handler, class... Args>
    void operator()(Handler&& handler, Args&&... args) {
      using Adapted = libterraform::detail::ErrorsHandler<std::decay_t<Handler>, Result>;
      std::move(initiation)(Adapted{std::forward<Handler>(handler), raised},
                            std::forward<Args>(args)...);
    }
  };

  template <class Initiation, class RawToken, class... Args>
  static auto initiate(Initiation&& initiation, RawToken&& token, Args... args) {
    auto raised = std::make_shared<std::exception_ptr>();
    (libterraform::detail::bind_error_slot(args, raised), ...);
    return async_initiate<Token, void(std::exception_ptr, Result)>(
        Wrapped<std::decay_t<Initiation>>{std::forward<Initiation>(initiation), raised},
        token.token, std::move(args)...);
  }
};

/// The handler keeps the executor, cancellation slot and allocator of the one it wraps.
template <template <class, class> class Associator, class Handler, class Result,
          class DefaultCandidate>
struct associator<Associator, libterraform::detail::ErrorsHandler<Handler, Result>,
                  DefaultCandidate> : Associator<Handler, DefaultCandidate> {
  static typename Associator<Handler, DefaultCandidate>::type get(
      const libterraform::detail::ErrorsHandler<Handler, Result>& h) noexcept {
    return Associator<Handler, DefaultCandidate>::get(h.handler);
  }
  static auto get(const libterraform::detail::ErrorsHandler<Handler, Result>& h,
                  const DefaultCandidate& c) noexcept
      -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler, c)) {
    return Associator<Handler, DefaultCandidate>::get(h.handler, c);
  }
};

}  // namespace boost::asio

namespace libterraform::detail {

/// The async_result of a token that raises exceptions by itself: through with_errors.
template <class Token, class Result>
struct RaisingResult
    : boost::asio::async_result<with_errors_t<Token>, void(boost::system::error_code, Result)> {
  template <class Initiation, class... Args>
  static auto initiate(Initiation&& initiation, Token token, Args&&... args) {
    auto adapted = with_errors(token);
    return boost::asio::async_initiate<decltype(adapted), void(boost::system::error_code, Result)>(
        std::forward<Initiation>(initiation), adapted, std::forward<Args>(args)...);
  }
};

}  // namespace libterraform::detail

namespace boost::asio {

/// use_awaitable and use_future raise what the synchronous API throws, rather than a
/// bare system_error.
template <class Executor, libterraform::detail::AsyncValue Result>
struct async_result<use_awaitable_t<Executor>, void(system::error_code, Result)>
    : libterraform::detail::RaisingResult<use_awaitable_t<Executor>, Result> {};

template <class Allocator, libterraform::detail::AsyncValue Result>
struct async_result<use_future_t<Allocator>, void(system::error_code, Result)>
    : libterraform::detail::RaisingResult<use_future_t<Allocator>, Result> {};

}  // namespace boost::asio
