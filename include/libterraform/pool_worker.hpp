#pragma once

/// \file
/// The body of `libterraform-worker`, for programs that serve as their own remote pool
/// worker.

#include "libterraform/export.hpp"

namespace libterraform {

/// Runs this process as a remote pool worker, as `libterraform-worker` does, and never
/// returns: it greets the pool on stdout, then runs the commands the pool sends on
/// stdin, sending their output and results back on stdout, and exits once stdin ends
/// (interrupting the command that runs, if any, and waiting for it). Call it first
/// thing in `main`, before any thread starts, with nothing else writing to stdout.
/// See docs/remote-workers.md.
[[noreturn]] LIBTERRAFORM_EXPORT void run_pool_worker();

}  // namespace libterraform
