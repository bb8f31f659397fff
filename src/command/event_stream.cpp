#include "libterraform/event_stream.hpp"

#include "command/blocking_run.hpp"
#include "command/event_stream_state.hpp"

#include <stdexcept>

namespace libterraform {

namespace detail {
namespace {

// A run on the calling thread, stepped by next() until it has printed an event or ended.
class BlockingSource final : public EventSource {
 public:
  BlockingSource(EventQueue& queue, CommandSpec spec, Invocation invocation)
      : queue_(queue),
        run_(std::make_unique<BlockingRun>(std::move(spec), std::move(invocation),
                                           [&queue](const Event& event) { queue.push(event); })),
        wake_up_(run_->wake_up()) {}

  bool step() override {
    if (!run_) return false;
    if (run_->step()) return true;
    Outcome outcome = run_->finish();
    run_.reset();  // its descriptors go now, not with the stream
    std::exception_ptr error = outcome.exception();
    queue_.end(std::move(outcome.result), outcome.code, std::move(error));
    return false;
  }
  // The run's wake-up outlives it: these may race with the end of the run.
  void cancel() override { wake_up_->signal(); }
  void escalate() override { wake_up_->escalate(); }

 private:
  EventQueue& queue_;
  std::unique_ptr<BlockingRun> run_;
  std::shared_ptr<const process::WakeUp> wake_up_;
};

}  // namespace

std::unique_ptr<EventStreamState> open_event_stream(CommandSpec spec, Invocation invocation) {
  auto state = std::make_unique<EventStreamState>();
  state->source =
      std::make_unique<BlockingSource>(*state->queue, std::move(spec), std::move(invocation));
  return state;
}

}  // namespace detail

EventStream::EventStream(std::unique_ptr<detail::EventStreamState> state)
    : state_(std::move(state)) {}
EventStream::EventStream(EventStream&&) noexcept = default;
EventStream& EventStream::operator=(EventStream&&) noexcept = default;
EventStream::~EventStream() = default;

std::optional<Event> EventStream::next() {
  return state_->queue->pop([this] { return state_->source->step(); });
}

void EventStream::cancel() {
  state_->source->cancel();
}

void EventStream::escalate() {
  state_->source->escalate();
}

bool EventStream::done() const {
  return state_->queue->done();
}

const CommandResult& EventStream::result() const {
  if (!state_->queue->ended()) throw std::logic_error("the event stream has not ended yet");
  const CommandResult* result = state_->queue->result();
  if (!result) throw std::logic_error("terraform never ran: next() has thrown why");
  return *result;
}

}  // namespace libterraform
