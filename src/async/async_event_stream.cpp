#include "libterraform/async_event_stream.hpp"

#include "async/async_target.hpp"
#include "async/completion.hpp"
#include "command/event_queue.hpp"
#include "command/stream_format.hpp"
#include "libterraform/detail/stop_ladder.hpp"

#include <functional>
#include <optional>
#include <stdexcept>
#include <stop_token>

namespace libterraform::detail {

namespace asio = boost::asio;
using NextCompletion = Completion<std::optional<Event>>;

struct AsyncStreamState {
  asio::any_io_executor io;
  EventQueue queue;
  std::stop_source stop;        // asks terraform to stop
  std::stop_source escalation;  // and escalates its stop at once
  StopLadder cancelled_next;    // the cancellations of waiting next()s
  std::optional<std::stop_callback<std::function<void()>>> caller_stop;

  void cancel() { stop.request_stop(); }
  void escalate() {
    stop.request_stop();
    escalation.request_stop();
  }
  // A waiting next() was cancelled: the first time as cancel(), then as escalate().
  void next_cancelled() {
    if (cancelled_next.next() == StopLadder::Step::interrupt) {
      cancel();
    } else {
      escalate();
    }
  }
};

// The run's completion: hands the end to the stream. Destroyed without being called
// (its io_context destroyed mid-run), it drops a waiting next(), whose coroutine frame
// owns the stream, which owns the state, which owns the waiting next().
class RunEnd {
 public:
  RunEnd(std::shared_ptr<AsyncStreamState> state,
         std::shared_ptr<std::exception_ptr> callback_error)
      : state_(std::move(state)), callback_error_(std::move(callback_error)) {}
  RunEnd(RunEnd&&) noexcept = default;
  ~RunEnd() {
    if (state_) state_->queue.drop_waiting();
  }

  void operator()(boost::system::error_code ec, CommandResult result) {
    auto state = std::move(state_);
    std::exception_ptr error = ec ? raised_error(ec, result, *callback_error_) : nullptr;
    state->queue.end(std::make_shared<const CommandResult>(std::move(result)), ec,
                     std::move(error));
  }

 private:
  std::shared_ptr<AsyncStreamState> state_;
  std::shared_ptr<std::exception_ptr> callback_error_;
};

void async_next(std::shared_ptr<AsyncStreamState> state,
                asio::any_completion_handler<EventSignature> handler, ExceptionSlot slot) {
  auto completion = std::make_shared<NextCompletion>(std::move(handler), state->io);
  // Completed through the stream's executor: never inside this call, nor inside the
  // event callback that brought the event.
  state->queue.async_pop(
      [completion, slot = std::move(slot)](EventQueue::Item item) {
        leave(slot, item.error);
        NextCompletion::complete_posted(completion, item.code, std::move(item.event));
      },
      [&] {
        // Cancelling the wait (terminal, partial) asks terraform to stop, and escalates
        // when repeated; the wait goes on for what it prints.
        if (auto cancellation = completion->slot(); cancellation.is_connected()) {
          cancellation.assign([weak = std::weak_ptr(state)](asio::cancellation_type type) {
            if (!interrupts_running(type)) return;  // terraform runs: total cannot be honoured
            if (auto s = weak.lock()) s->next_cancelled();
          });
        }
      });
}

AsyncEventStream async_stream(std::shared_ptr<const AsyncTarget> target, CommandSpec spec) {
  require_event_output(spec);
  auto state = std::make_shared<AsyncStreamState>();
  state->io = target->executor;
  if (spec.common.stop_token.stop_possible()) {
    state->caller_stop.emplace(spec.common.stop_token,
                               [stop = state->stop]() mutable { stop.request_stop(); });
  }
  spec.common.stop_token = state->stop.get_token();
  spec.escalation = state->escalation.get_token();
  spec.common.on_event = [caller = std::move(spec.common.on_event),
                          weak = std::weak_ptr(state)](const Event& event) {
    if (caller) caller(event);
    if (auto s = weak.lock()) s->queue.push(event);
  };
  auto callback_error = std::make_shared<std::exception_ptr>();
  async_start(std::move(target), std::move(spec), RunEnd(state, callback_error),
              ExceptionSlot{callback_error});
  return AsyncEventStream(std::move(state));
}

std::exception_ptr completion_error(const boost::system::error_code& ec,
                                    const std::optional<Event>& /*event*/) {
  return completion_error(ec, CommandResult{});
}

}  // namespace libterraform::detail

namespace libterraform {

AsyncEventStream& AsyncEventStream::operator=(AsyncEventStream&& other) noexcept {
  if (this != &other) {
    if (state_) state_->cancel();
    state_ = std::move(other.state_);
  }
  return *this;
}

AsyncEventStream::~AsyncEventStream() {
  if (state_) state_->cancel();
}

void AsyncEventStream::cancel() {
  if (state_) state_->cancel();
}

void AsyncEventStream::escalate() {
  if (state_) state_->escalate();
}

bool AsyncEventStream::done() const {
  return state_->queue.done();
}

const CommandResult& AsyncEventStream::result() const {
  const CommandResult* result = state_->queue.result();
  if (!result) throw std::logic_error("the event stream has not ended yet");
  return *result;
}

}  // namespace libterraform
