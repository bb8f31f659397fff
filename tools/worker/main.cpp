// libterraform-worker: a TerraformPool's worker on another host, started through a
// launcher (`ssh -T HOST libterraform-worker`, `srun ... libterraform-worker`). It
// speaks the pool's protocol on stdin and stdout; see docs/remote-workers.md.

#include "libterraform/pool_worker.hpp"
#include "libterraform/version.hpp"

#include <iostream>
#include <string_view>

int main(int argc, char** argv) {
  if (argc > 1) {
    const std::string_view arg = argv[1];
    if (arg == "--version") {
      std::cout << "libterraform-worker " << libterraform::version() << "\n";
      return 0;
    }
    std::cerr << "usage: " << argv[0]
              << " [--version]\n"
                 "A TerraformPool's remote worker: a pool starts it through a launcher\n"
                 "(ssh, srun) and speaks to it on stdin and stdout.\n";
    return arg == "--help" || arg == "-h" ? 0 : 2;
  }
  libterraform::run_pool_worker();
}
