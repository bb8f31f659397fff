// Cancel an awaited command: any cancellation of the awaiting operation asks terraform
// to stop through its normal interrupt handling. Here a timer wins the race; the
// awaiting coroutine resumes once terraform has written its state and exited.

#include "example_modules.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <iostream>

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

int main() {
  example::Workspace workspace;
  auto module = example::make_module(workspace, "slow", example::slow_provisioner(60));
  asio::io_context io;
  libterraform::AsyncTerraformCommand cli(io.get_executor(), module,
                                          {.terraform = example::terraform_options()});

  // 1. A timeout: whichever finishes first wins, the other is cancelled.
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timeout(io, std::chrono::seconds(2));
        auto winner = co_await (cli.apply() || timeout.async_wait(asio::use_awaitable));
        std::cout << (winner.index() == 1 ? "timed out: apply interrupted\n" : "applied\n");
      },
      asio::detached);
  io.run();
  io.restart();

  // 2. An explicit cancellation signal, with a callback: the result terraform produced
  //    while winding down comes with operation_aborted.
  asio::cancellation_signal cancel;
  libterraform::ApplyOptions options{.on_output = [&](std::string_view line) {
    if (line.find("provision_start") != std::string_view::npos) {
      asio::post(io, [&] { cancel.emit(asio::cancellation_type::terminal); });
    }
  }};
  int status = 1;
  cli.apply(options,
            asio::bind_cancellation_slot(cancel.slot(), [&](boost::system::error_code ec,
                                                            libterraform::CommandResult result) {
              std::cout << ec.message() << ", interrupted=" << result.interrupted
                        << ", retcode=" << result.retcode << "\n";
              status = ec == asio::error::operation_aborted ? 0 : 1;
            }));
  io.run();
  return status;
}
