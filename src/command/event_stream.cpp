#include "libterraform/event_stream.hpp"

#include "command/blocking_run.hpp"
#include "command/event_stream_state.hpp"

#include <stdexcept>

namespace libterraform {

namespace detail {
namespace {

// A run on the calling thread, stepped until it has printed an event or ended.
class BlockingSource final : public EventSource {
 public:
  BlockingSource(CommandSpec spec, Invocation invocation)
      : run_(std::make_unique<BlockingRun>(
            std::move(spec), std::move(invocation),
            [this](const Event& event) { received_.push_back(event); })),
        wake_up_(run_->wake_up()) {}

  bool wait(std::deque<Event>& events) override {
    while (received_.empty() && run_) {
      if (!run_->step()) {
        outcome_ = run_->finish();
        error_ = outcome_.exception();
        run_.reset();  // its descriptors go now, not with the stream
      }
    }
    for (auto& event : received_)
      events.push_back(std::move(event));
    received_.clear();
    return run_ != nullptr;
  }
  // The run's wake-up outlives it: cancel() may race with the end of the run.
  void cancel() override { wake_up_->signal(); }
  const CommandResult* result() const override { return outcome_.result.get(); }
  std::exception_ptr error() const override { return error_; }

 private:
  std::deque<Event> received_;
  std::unique_ptr<BlockingRun> run_;
  std::shared_ptr<const process::WakeUp> wake_up_;
  Outcome outcome_;
  std::exception_ptr error_;
};

}  // namespace

std::unique_ptr<EventStreamState> open_event_stream(CommandSpec spec, Invocation invocation) {
  return std::make_unique<EventStreamState>(
      std::make_unique<BlockingSource>(std::move(spec), std::move(invocation)));
}

}  // namespace detail

EventStream::EventStream(std::unique_ptr<detail::EventStreamState> state)
    : state_(std::move(state)) {}
EventStream::EventStream(EventStream&&) noexcept = default;
EventStream& EventStream::operator=(EventStream&&) noexcept = default;
EventStream::~EventStream() = default;

std::optional<Event> EventStream::next() {
  auto& s = *state_;
  while (s.events.empty() && !s.ended)
    s.ended = !s.source->wait(s.events);
  if (!s.events.empty()) {
    Event event = std::move(s.events.front());
    s.events.pop_front();
    return event;
  }
  if (auto error = s.source->error(); error && !s.error_thrown) {
    s.error_thrown = true;
    std::rethrow_exception(error);
  }
  return std::nullopt;
}

void EventStream::cancel() {
  state_->source->cancel();
}

bool EventStream::done() const {
  const auto& s = *state_;
  return s.ended && s.events.empty() && (!s.source->error() || s.error_thrown);
}

const CommandResult& EventStream::result() const {
  if (!state_->ended) throw std::logic_error("the event stream has not ended yet");
  const CommandResult* result = state_->source->result();
  if (!result) throw std::logic_error("terraform never ran: next() has thrown why");
  return *result;
}

}  // namespace libterraform
