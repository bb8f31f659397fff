// Stay responsive on the event loop: terraform runs as a child supervised on the
// caller's executor, with no thread per call, so one thread keeps serving a timer
// while commands run.

#include "example_modules.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <iostream>

namespace asio = boost::asio;

int main() {
  example::Workspace workspace;
  auto module = example::make_module(workspace, "slow", example::slow_provisioner(2));
  asio::io_context io;  // one thread for everything below
  int ticks = 0;
  bool done = false;

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(io);
        while (!done) {
          timer.expires_after(std::chrono::milliseconds(100));
          co_await timer.async_wait(asio::use_awaitable);
          ++ticks;
        }
      },
      asio::detached);

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        libterraform::AsyncTerraformCommand cli(io.get_executor(), module,
                                                {.terraform = example::terraform_options()});
        libterraform::ValidateOptions validate{.check = true};
        auto validation = co_await cli.validate(validate);
        libterraform::ApplyOptions apply{.check = true};
        auto applied = co_await cli.apply(apply);
        done = true;
        std::cout << "valid=" << validation.value->at("valid")
                  << " apply retcode=" << applied.retcode << "\n";
      },
      asio::detached);

  io.run();
  std::cout << "the timer fired " << ticks << " times meanwhile\n";
  return ticks > 5 ? 0 : 1;
}
