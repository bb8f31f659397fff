// with_errors and the raising tokens (use_awaitable, use_future), over a fake
// operation with the library's signatures: no process runs.

#include "libterraform/detail/raising_tokens.hpp"

#include <gtest/gtest.h>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <string>

namespace libterraform {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

// An operation as the library's are: it fails with `code` and, when a raising token
// gave it somewhere to, leaves its exception (`left`) there. It completes through the
// context, never inside the call.
template <class Token>
auto fake_operation(asio::io_context& io, error_code code, std::exception_ptr left, Token&& token) {
  return asio::async_initiate<Token, CommandSignature>(
      [&io, code, left](auto handler, detail::ExceptionSlot slot) {
        if (slot.error) *slot.error = left;
        asio::post(io, [handler = std::move(handler), code]() mutable {
          CommandResult result;
          result.retcode = 3;
          std::move(handler)(code, std::move(result));
        });
      },
      token, detail::ExceptionSlot{});
}

const error_code kInvalidJson = make_error_code(errc::invalid_json);

std::exception_ptr invalid_json_error() {
  return std::make_exception_ptr(Error(errc::invalid_json, "line 3, invalid JSON at byte 7"));
}

// The message of the exception `error` holds, checking that it is the library's Error.
std::string error_message(const std::exception_ptr& error, errc expected) {
  if (!error) {
    ADD_FAILURE() << "no exception";
    return {};
  }
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), expected);
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not the library's Error: " << e.what();
  }
  return {};
}

TEST(AsyncTokens, UseAwaitableRaisesTheExceptionTheOperationLeft) {
  asio::io_context io;
  std::string message;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        try {
          co_await fake_operation(io, kInvalidJson, invalid_json_error(), asio::use_awaitable);
          ADD_FAILURE() << "expected invalid_json";
        } catch (const Error& e) {
          EXPECT_EQ(e.code(), errc::invalid_json);
          message = e.what();
        }
      },
      asio::detached);
  io.run();
  EXPECT_EQ(message, "line 3, invalid JSON at byte 7");
}

TEST(AsyncTokens, UseFutureRaisesTheExceptionTheOperationLeft) {
  asio::io_context io;
  auto future = fake_operation(io, kInvalidJson, invalid_json_error(), asio::use_future);
  io.run();
  try {
    future.get();
    ADD_FAILURE() << "expected invalid_json";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), errc::invalid_json);
    EXPECT_STREQ(e.what(), "line 3, invalid JSON at byte 7");
  }
}

TEST(AsyncTokens, WithErrorsHandsADeferredOperationTheException) {
  asio::io_context io;
  std::exception_ptr error;
  auto deferred =
      fake_operation(io, kInvalidJson, invalid_json_error(), with_errors(asio::deferred));
  std::move(deferred)([&](std::exception_ptr e, CommandResult result) {
    error = e;
    EXPECT_EQ(result.retcode, 3);
  });
  io.run();
  EXPECT_EQ(error_message(error, errc::invalid_json), "line 3, invalid JSON at byte 7");
}

TEST(AsyncTokens, WithoutALeftExceptionTheCodeMakesOne) {
  asio::io_context io;
  std::exception_ptr error;
  fake_operation(io, make_error_code(errc::worker_died), nullptr,
                 with_errors([&](std::exception_ptr e, CommandResult) { error = e; }));
  io.run();
  EXPECT_FALSE(error_message(error, errc::worker_died).empty());
}

TEST(AsyncTokens, SuccessHandsNoException) {
  asio::io_context io;
  std::exception_ptr error = invalid_json_error();
  int retcode = -1;
  fake_operation(io, {}, nullptr, with_errors([&](std::exception_ptr e, CommandResult r) {
                   error = e;
                   retcode = r.retcode;
                 }));
  io.run();
  EXPECT_EQ(error, nullptr);
  EXPECT_EQ(retcode, 3);
}

TEST(AsyncTokens, APlainHandlerGetsTheCodeOnly) {
  asio::io_context io;
  error_code code;
  fake_operation(io, kInvalidJson, invalid_json_error(),
                 [&](error_code ec, CommandResult) { code = ec; });
  io.run();
  EXPECT_EQ(code, errc::invalid_json);
}

// with_errors keeps what the handler it wraps is associated with: the operation sees
// the same executor and cancellation slot as without it.
TEST(AsyncTokens, WithErrorsKeepsTheHandlersExecutorAndCancellationSlot) {
  asio::io_context io;
  auto strand = asio::make_strand(io);
  asio::cancellation_signal signal;
  bool slot_connected = false;
  bool on_strand = false;
  auto token = with_errors(asio::bind_cancellation_slot(
      signal.slot(), asio::bind_executor(strand, [](std::exception_ptr, CommandResult) {})));
  asio::async_initiate<decltype(token), CommandSignature>(
      [&](auto handler, detail::ExceptionSlot) {
        slot_connected = asio::get_associated_cancellation_slot(handler).is_connected();
        on_strand = asio::get_associated_executor(handler, io.get_executor()) == strand;
      },
      token, detail::ExceptionSlot{});
  EXPECT_TRUE(slot_connected);
  EXPECT_TRUE(on_strand);
}

}  // namespace
}  // namespace libterraform
