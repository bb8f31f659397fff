// PoolCommand's event streams: an EventStream over a pool task.

#include "command/event_stream_state.hpp"
#include "command/stream_format.hpp"
#include "libterraform/terraform_pool.hpp"
#include "pool/pool_core.hpp"

namespace libterraform {
namespace {

// A pool task: its events reach the queue on the pool's delivery threads, then its end.
class PoolSource final : public detail::EventSource {
 public:
  PoolSource(const std::shared_ptr<detail::EventQueue>& queue, Future<CommandResult> future)
      : future_(std::move(future)) {
    future_.add_done_callback([queue](const Future<CommandResult>& f) {
      const auto& state = detail::Access::state(f);
      if (auto failure = state->failure()) {
        queue->end(failure->result, failure->code, failure->exception);
      } else {
        queue->end(std::shared_ptr<const CommandResult>(state, &state->value()));
      }
    });
  }
  // A task still going is interrupted, and waited for, as a run on the calling thread.
  ~PoolSource() override {
    if (!future_.done()) future_.cancel();
    future_.wait();
  }

  void cancel() override { future_.cancel(); }
  void escalate() override { future_.escalate(); }

 private:
  Future<CommandResult> future_;
};

}  // namespace

EventStream PoolCommand::stream(detail::CommandSpec spec) const {
  detail::require_event_output(spec);
  auto state = std::make_unique<detail::EventStreamState>();
  spec.common.on_event = [caller = std::move(spec.common.on_event),
                          queue = state->queue](const Event& event) {
    if (caller) caller(event);
    queue->push(event);
  };
  state->source =
      std::make_unique<PoolSource>(state->queue, core_->submit(working_dir_, std::move(spec)));
  return EventStream(std::move(state));
}

}  // namespace libterraform
