#pragma once

#include "async/completion.hpp"
#include "command/async_run.hpp"
#include "libterraform/future.hpp"

#include <functional>

namespace libterraform::detail {

// The two backends of AsyncTerraformCommand, for both signatures (CommandResult and
// RunResult). Either completes the handler exactly once, never inside the call; a
// callback's exception goes to `slot` as well.

// The default backend: a child process supervised on `executor` (AsyncRun). Terminal
// and partial cancellation interrupt terraform once, and escalate when repeated; the
// operation completes with operation_aborted once terraform has exited. Total
// cancellation is not honoured.
template <class Result>
void start_child(boost::asio::any_io_executor executor, const RunTarget& target, CommandSpec spec,
                 typename Completion<Result>::Handler handler, ExceptionSlot slot);

// The pool backend: a task of a TerraformPool, submitted by `submit` (which may throw
// the submission's error). Terminal and partial cancellation cancel the pool's future:
// a queued task never runs, a running one is interrupted by its worker (escalated when
// repeated). Total cancellation removes a queued task only.
template <class Result>
void start_pool_task(boost::asio::any_io_executor executor, std::function<Future<Result>()> submit,
                     typename Completion<Result>::Handler handler, ExceptionSlot slot);

}  // namespace libterraform::detail
