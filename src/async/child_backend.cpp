// AsyncTerraformCommand's default backend: an AsyncRun on the command's executor.

#include "async/backends.hpp"
#include "libterraform/detail/stop_ladder.hpp"

#include <boost/asio/error.hpp>

namespace libterraform::detail {

template <class Result>
// NOLINTNEXTLINE(performance-unnecessary-value-param): spec is moved, in a dependent call
void start_child(boost::asio::any_io_executor executor, const RunTarget& target, CommandSpec spec,
                 typename Completion<Result>::Handler handler, ExceptionSlot slot) {
  auto completion = std::make_shared<Completion<Result>>(std::move(handler), executor);
  auto ladder = std::make_shared<StopLadder>();
  auto run = AsyncRun::start(executor, target, std::move(spec),
                             [completion, ladder, slot = std::move(slot)](const Outcome& outcome) {
                               const bool cancelled = ladder->asked();
                               if (!cancelled) leave(slot, outcome.exception());
                               CommandResult result =
                                   outcome.result ? *outcome.result : CommandResult{};
                               boost::system::error_code ec =
                                   cancelled ? boost::asio::error::operation_aborted : outcome.code;
                               completion->complete(ec, as<Result>(std::move(result)));
                             });
  if (auto cancellation = completion->slot(); cancellation.is_connected()) {
    cancellation.assign([weak = std::weak_ptr(run), ladder](boost::asio::cancellation_type type) {
      // terraform runs from the start: a total cancellation cannot be honoured.
      if (!interrupts_running(type)) return;
      if (auto run = weak.lock()) {
        // The first interrupts terraform; another escalates, per the stop policy.
        if (ladder->next() == StopLadder::Step::interrupt) {
          run->stop();
        } else {
          run->escalate();
        }
      }
    });
  }
}

template void start_child<CommandResult>(boost::asio::any_io_executor, const RunTarget&,
                                         CommandSpec, Completion<CommandResult>::Handler,
                                         ExceptionSlot);
template void start_child<RunResult>(boost::asio::any_io_executor, const RunTarget&, CommandSpec,
                                     Completion<RunResult>::Handler, ExceptionSlot);

}  // namespace libterraform::detail
