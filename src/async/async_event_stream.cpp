#include "libterraform/async_event_stream.hpp"

#include "async/async_target.hpp"
#include "async/completion.hpp"
#include "command/stream_format.hpp"

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <deque>
#include <mutex>
#include <stdexcept>
#include <stop_token>

namespace libterraform::detail {

namespace asio = boost::asio;
using Handler = asio::any_completion_handler<EventSignature>;

// What a next() completes with: an event, or the end (with the run's error, if any).
struct Item {
  boost::system::error_code code;
  std::exception_ptr exception;  // what the raising tokens throw for `code`
  std::optional<Event> event;
};

namespace {

// Completes a next() on its handler's executor, never inline: neither inside the
// initiating call nor inside the event callback that woke it (where the handler's
// exceptions would count as the callback's). Through the stream's executor first.
void complete_next(const asio::any_io_executor& io, asio::any_completion_executor executor,
                   Handler handler, const ExceptionSlot& slot, Item item) {
  if (slot.error && item.exception) *slot.error = item.exception;
  asio::post(io, [executor = std::move(executor), handler = std::move(handler),
                  item = std::move(item)]() mutable {
    asio::dispatch(executor, [handler = std::move(handler), item = std::move(item)]() mutable {
      if (auto slot = asio::get_associated_cancellation_slot(handler); slot.is_connected()) {
        slot.clear();
      }
      std::move(handler)(item.code, std::move(item.event));
    });
  });
}

}  // namespace

struct AsyncStreamState : std::enable_shared_from_this<AsyncStreamState> {
  asio::any_io_executor io;
  std::mutex mutex;
  std::deque<Event> events;
  bool ended = false;
  std::optional<Item> error;  // handed out once, at the end
  std::optional<CommandResult> result;
  std::optional<Handler> waiting;  // a next() with nothing to take yet
  asio::any_completion_executor waiting_executor;
  ExceptionSlot waiting_slot;
  std::stop_source stop;
  std::optional<std::stop_callback<std::function<void()>>> caller_stop;

  // What the next next() completes with, if it can complete now. Called locked.
  std::optional<Item> take() {
    if (!events.empty()) {
      Event event = std::move(events.front());
      events.pop_front();
      return Item{{}, nullptr, std::move(event)};
    }
    if (!ended) return std::nullopt;
    if (error) return std::exchange(error, std::nullopt);
    return Item{};
  }

  // Something arrived: complete a waiting next(), if there is one.
  void wake() {
    std::optional<Handler> handler;
    asio::any_completion_executor executor;
    ExceptionSlot slot;
    std::optional<Item> item;
    {
      std::lock_guard lock(mutex);
      if (!waiting || !(item = take())) return;
      handler.emplace(std::move(*waiting));
      waiting.reset();
      executor = std::move(waiting_executor);
      slot = std::move(waiting_slot);
    }
    complete_next(io, std::move(executor), std::move(*handler), slot, std::move(*item));
  }

  // Destroys a waiting next() without completing it, with the work it holds on its
  // executor: now, while that executor's context is still there (the state itself may
  // go last on a pool thread, after the context).
  void drop_waiting() {
    std::optional<Handler> dropped;  // destroyed unlocked: it may own the stream
    asio::any_completion_executor executor;
    std::lock_guard lock(mutex);
    dropped.swap(waiting);
    executor = std::move(waiting_executor);
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
    if (state_) state_->drop_waiting();
  }

  void operator()(boost::system::error_code ec, CommandResult result) {
    auto state = std::move(state_);
    {
      std::lock_guard lock(state->mutex);
      state->ended = true;
      if (ec) state->error = Item{ec, raised_error(ec, result, *callback_error_), std::nullopt};
      state->result = std::move(result);
    }
    state->wake();
  }

 private:
  std::shared_ptr<AsyncStreamState> state_;
  std::shared_ptr<std::exception_ptr> callback_error_;
};

void async_next(std::shared_ptr<AsyncStreamState> state, Handler handler, ExceptionSlot slot) {
  auto executor = asio::prefer(asio::get_associated_executor(handler, state->io),
                               asio::execution::outstanding_work.tracked);
  std::optional<Item> item;
  {
    std::lock_guard lock(state->mutex);
    if (state->waiting) {
      const char* message = "another next() is already waiting";
      item = Item{make_error_code(errc::invalid_option),
                  std::make_exception_ptr(Error(errc::invalid_option, message)), std::nullopt};
    } else if (!(item = state->take())) {
      // Cancelling the wait (terminal, partial) asks terraform to stop; the wait goes on
      // for what it prints.
      if (auto slot = asio::get_associated_cancellation_slot(handler); slot.is_connected()) {
        slot.assign([weak = std::weak_ptr(state)](asio::cancellation_type type) {
          if (!interrupts_running(type)) return;  // terraform runs: total cannot be honoured
          if (auto s = weak.lock()) s->stop.request_stop();
        });
      }
      state->waiting.emplace(std::move(handler));
      state->waiting_executor = std::move(executor);
      state->waiting_slot = std::move(slot);
      return;
    }
  }
  complete_next(state->io, std::move(executor), std::move(handler), slot, std::move(*item));
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
  spec.common.on_event = [caller = std::move(spec.common.on_event),
                          weak = std::weak_ptr(state)](const Event& event) {
    if (caller) caller(event);
    if (auto s = weak.lock()) {
      {
        std::lock_guard lock(s->mutex);
        s->events.push_back(event);
      }
      s->wake();
    }
  };
  auto callback_error = std::make_shared<std::exception_ptr>();
  async_start(std::move(target), std::move(spec), RunEnd(state, callback_error),
              ExceptionSlot{callback_error});
  return AsyncEventStream(std::move(state));
}

std::exception_ptr completion_error(const boost::system::error_code& ec,
                                    const std::optional<Event>&) {
  return completion_error(ec, CommandResult{});
}

}  // namespace libterraform::detail

namespace libterraform {

AsyncEventStream& AsyncEventStream::operator=(AsyncEventStream&& other) noexcept {
  if (this != &other) {
    if (state_) state_->stop.request_stop();
    state_ = std::move(other.state_);
  }
  return *this;
}

AsyncEventStream::~AsyncEventStream() {
  if (state_) state_->stop.request_stop();
}

void AsyncEventStream::cancel() {
  if (state_) state_->stop.request_stop();
}

bool AsyncEventStream::done() const {
  std::lock_guard lock(state_->mutex);
  return state_->ended && state_->events.empty() && !state_->error;
}

const CommandResult& AsyncEventStream::result() const {
  std::lock_guard lock(state_->mutex);
  if (!state_->ended) throw std::logic_error("the event stream has not ended yet");
  return *state_->result;
}

}  // namespace libterraform
