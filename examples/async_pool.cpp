// Run commands in parallel with a pool: with a TerraformPool as backend, each awaited
// command is a pool task, so awaiting several at once runs terraform in parallel.

#include "example_modules.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

int main() {
  example::Workspace workspace;
  auto first_module = example::make_module(workspace, "first");
  auto second_module = example::make_module(workspace, "second");
  libterraform::TerraformPool pool({.max_workers = 2, .terraform = example::terraform_options()});
  asio::io_context io;

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        libterraform::AsyncTerraformCommand first(io.get_executor(), first_module, {.pool = &pool});
        libterraform::AsyncTerraformCommand second(io.get_executor(), second_module,
                                                   {.pool = &pool});
        libterraform::ApplyOptions apply{.auto_approve = true, .input = false};

        auto [a, b] = co_await (first.apply(apply) && second.apply(apply));
        std::cout << "retcodes: " << a.retcode << " " << b.retcode << "\n";

        // run() takes the pool too, and resolves to {retcode, output, error}.
        libterraform::AsyncRunOptions options{.pool = &pool};
        auto [retcode, output, error] = co_await libterraform::AsyncTerraformCommand::run(
            io.get_executor(), "version", options);
        std::cout << output.substr(0, output.find('\n')) << "\n";
      },
      asio::detached);

  io.run();
  return 0;
}
