#pragma once

#include <functional>

namespace libterraform::pool {

// The body of a pool worker, run in the child right after fork(); never returns.
//
// It keeps only its channel to the parent, then loops: read a request, start terraform
// through the process layer in the request's directory, pass terraform's pidfd and
// output pipes to the parent (so it can wind terraform down if this worker dies), send
// output and the result back. When the parent goes away (EOF on the channel), it
// interrupts its terraform (after a short wait for a SIGTERM of its own, which would
// mean terraform has had one too), waits for it and exits. It answers pings, tells the
// parent before terraform gets its interrupt, and takes SIGTERM as that interrupt
// (docs/reliability.md). It touches nothing of the parent's but memory: no locks, no
// Asio, no iostreams.
[[noreturn]] void worker_main(int channel_fd, const std::function<void()>& initializer);

// The body of a remote worker (libterraform-worker, started through a launcher such as
// ssh or srun); never returns. As worker_main, with the channel on stdin and stdout:
// terraform's descriptors stay here (the parent cannot wind terraform down; this
// worker does, once its stdin ends), and it interrupts terraform as soon as the parent
// is gone.
[[noreturn]] void remote_worker_main();

}  // namespace libterraform::pool
