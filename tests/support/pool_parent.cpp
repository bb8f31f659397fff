// A program that starts a pool and a slow apply, prints "started" once terraform runs
// its provisioner, then waits to be killed: the parent-death tests kill it (and the
// rest of its service) and check that its worker winds terraform down.
//
//   pool_parent <module dir> <terraform CLI config file> [close-stdin]
//
// close-stdin: start the pool with standard input closed, as a daemon might.

#include <libterraform/libterraform.hpp>

#include <unistd.h>

#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) return 2;
  if (argc == 4 && std::string_view(argv[3]) == "close-stdin") ::close(0);
  libterraform::PoolOptions options{.max_workers = 1};
  options.terraform.env = {{"TF_CLI_CONFIG_FILE", argv[2]}, {"CHECKPOINT_DISABLE", "1"}};
  libterraform::TerraformPool pool(options);
  auto apply = pool.command(argv[1]).apply({.on_output = [](std::string_view line) {
    if (line.find("provision_start") != std::string_view::npos) {
      std::puts("started");
      std::fflush(stdout);
    }
  }});
  while (true)
    ::pause();
}
