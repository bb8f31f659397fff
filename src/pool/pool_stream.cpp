// PoolCommand's event streams: an EventStream over a pool task.

#include "command/event_stream_state.hpp"
#include "command/stream_format.hpp"
#include "libterraform/terraform_pool.hpp"
#include "pool/pool_core.hpp"

#include <condition_variable>
#include <mutex>

namespace libterraform {
namespace {

// Events handed over from the pool's delivery threads to the thread pulling them.
struct Handover {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Event> events;
  bool ended = false;
};

class PoolSource final : public detail::EventSource {
 public:
  PoolSource(std::shared_ptr<Handover> handover, Future<CommandResult> future)
      : handover_(std::move(handover)), future_(std::move(future)) {
    future_.add_done_callback([handover = handover_](const Future<CommandResult>&) {
      {
        std::lock_guard lock(handover->mutex);
        handover->ended = true;
      }
      handover->changed.notify_all();
    });
  }
  // A task still going is interrupted, and waited for, as a run on the calling thread.
  ~PoolSource() override {
    if (!future_.done()) future_.cancel();
    future_.wait();
  }

  bool wait(std::deque<Event>& events) override {
    std::unique_lock lock(handover_->mutex);
    handover_->changed.wait(lock, [&] { return !handover_->events.empty() || handover_->ended; });
    for (auto& event : handover_->events)
      events.push_back(std::move(event));
    handover_->events.clear();
    return !handover_->ended;
  }
  void cancel() override { future_.cancel(); }
  const CommandResult* result() const override {
    if (auto failure = state()->failure()) return failure->result.get();
    return &future_.get();
  }
  std::exception_ptr error() const override { return state()->error(); }

 private:
  const std::shared_ptr<detail::FutureState<CommandResult>>& state() const {
    return detail::Access::state(future_);
  }

  std::shared_ptr<Handover> handover_;
  Future<CommandResult> future_;
};

}  // namespace

EventStream PoolCommand::stream(detail::CommandSpec spec) const {
  detail::require_event_output(spec);
  auto handover = std::make_shared<Handover>();
  spec.common.on_event = [caller = std::move(spec.common.on_event), handover](const Event& event) {
    if (caller) caller(event);
    {
      std::lock_guard lock(handover->mutex);
      handover->events.push_back(event);
    }
    handover->changed.notify_all();
  };
  auto future = core_->submit(working_dir_, std::move(spec));
  return EventStream(std::make_unique<detail::EventStreamState>(
      std::make_unique<PoolSource>(std::move(handover), std::move(future))));
}

}  // namespace libterraform
