// Uses libterraform through each of its layers, the way a program does: proof that a
// consumer compiles, links and runs against it, static or shared. A shared build must
// export every symbol this needs, and an exception's type must survive the library's
// boundary. Prints terraform's version.
#include <libterraform/libterraform.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <iostream>

namespace tf = libterraform;

int main() {
  try {
    tf::TerraformCommand missing{{}, {.terraform = "no-such-terraform"}};
    std::cerr << "a missing binary was accepted\n";
    return 1;
  } catch (const tf::Error& e) {
    if (e.code() != tf::errc::binary_not_found) {
      std::cerr << "unexpected error: " << e.what() << "\n";
      return 1;
    }
  }

  auto version_of = [](const tf::CommandResult& result) {
    return result.value->at("terraform_version").get<std::string>();
  };
  tf::TerraformCommand cli;
  std::string version = version_of(cli.version({.check = true}));

  tf::TerraformPool pool({.max_workers = 1});
  std::string pooled = version_of(pool.command(".").version({.check = true}).get());

  boost::asio::io_context io;
  tf::AsyncTerraformCommand async_cli(io.get_executor(), ".");
  auto awaited = async_cli.version({.check = true}, boost::asio::use_future);
  io.run();
  std::string async_version = version_of(awaited.get());

  if (pooled != version || async_version != version) {
    std::cerr << "the layers disagree: " << version << ", " << pooled << ", " << async_version
              << "\n";
    return 1;
  }
  std::cout << version << "\n";
  return 0;
}
