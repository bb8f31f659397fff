// libterraform-worker: a TerraformPool's worker on another host, started through a
// launcher (`ssh -T HOST libterraform-worker`, `srun ... libterraform-worker`). It
// speaks the pool's protocol on stdin and stdout; see docs/remote-workers.md.

#include "libterraform/pool_worker.hpp"
#include "libterraform/version.hpp"

#include <cstdio>
#include <string_view>

int main(int argc, char** argv) {
  if (argc > 1) {
    const std::string_view arg = argv[1];
    if (arg == "--version") {
      std::printf("libterraform-worker %.*s\n", static_cast<int>(libterraform::version().size()),
                  libterraform::version().data());
      return 0;
    }
    std::fprintf(stderr,
                 "usage: %s [--version]\n"
                 "A TerraformPool's remote worker: a pool starts it through a launcher\n"
                 "(ssh, srun) and speaks to it on stdin and stdout.\n",
                 argv[0]);
    return arg == "--help" || arg == "-h" ? 0 : 2;
  }
  libterraform::run_pool_worker();
}
