#include "libterraform/event_stream.hpp"

#include "command/event_stream_state.hpp"

#include <stdexcept>

namespace libterraform {

namespace detail {

std::unique_ptr<EventStreamState> open_event_stream(CommandSpec spec, Invocation invocation) {
  auto state = std::make_unique<EventStreamState>();
  state->run = std::make_unique<BlockingRun>(
      std::move(spec), std::move(invocation),
      [events = &state->events](const Event& event) { events->push_back(event); });
  state->wake_up = state->run->wake_up();
  return state;
}

}  // namespace detail

EventStream::EventStream(std::unique_ptr<detail::EventStreamState> state)
    : state_(std::move(state)) {}
EventStream::EventStream(EventStream&&) noexcept = default;
EventStream& EventStream::operator=(EventStream&&) noexcept = default;
EventStream::~EventStream() = default;

std::optional<Event> EventStream::next() {
  auto& s = *state_;
  while (s.events.empty() && s.run) {
    if (!s.run->step()) {
      s.outcome = s.run->finish();
      s.run.reset();
    }
  }
  if (!s.events.empty()) {
    Event event = std::move(s.events.front());
    s.events.pop_front();
    return event;
  }
  if (s.outcome->failed() && !s.error_thrown) {
    s.error_thrown = true;
    std::rethrow_exception(s.outcome->exception());
  }
  return std::nullopt;
}

void EventStream::cancel() {
  state_->wake_up->signal();
}

bool EventStream::done() const {
  const auto& s = *state_;
  return !s.run && s.events.empty() && (!s.outcome->failed() || s.error_thrown);
}

const CommandResult& EventStream::result() const {
  if (!state_->outcome) throw std::logic_error("the event stream has not ended yet");
  return *state_->outcome->result;
}

}  // namespace libterraform
