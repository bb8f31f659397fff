#pragma once

#include "libterraform/async_terraform_command.hpp"

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include <memory>
#include <mutex>
#include <optional>

namespace libterraform::detail {

// What a handler of each signature receives from a CommandResult.
template <class Result>
Result as(CommandResult r);
template <>
inline CommandResult as(CommandResult r) {
  return r;
}
template <>
inline RunResult as(CommandResult r) {
  return {r.retcode, std::move(r.output), std::move(r.error)};
}

// The completion of one operation: its handler, kept with outstanding work on the
// handler's executor, and invoked exactly once there. (The handler is only ever
// move-constructed: any_completion_handler's move assignment recurses in Boost 1.81.)
template <class Result>
class Completion {
 public:
  using Handler = boost::asio::any_completion_handler<void(boost::system::error_code, Result)>;

  Completion(Handler handler, boost::asio::any_io_executor io)
      : io_(std::move(io)),
        executor_(boost::asio::prefer(boost::asio::get_associated_executor(handler, io_),
                                      boost::asio::execution::outstanding_work_t::tracked)),
        slot_(boost::asio::get_associated_cancellation_slot(handler)),
        handler_(std::move(handler)) {}

  boost::asio::cancellation_slot slot() const { return slot_; }

  // Thread-safe; later calls do nothing, nor do calls after abandon(). Call it from an
  // operation's own handlers, never from the initiating call (see complete_posted).
  void complete(boost::system::error_code ec, Result result) {
    std::optional<Handler> handler;
    boost::asio::any_completion_executor executor;
    {
      std::lock_guard lock(mutex_);
      if (!handler_) return;
      handler.emplace(std::move(*handler_));
      handler_.reset();
      executor = std::move(executor_);
    }
    // Cleared here, not in a cancellation handler, which may be what brought us here.
    boost::asio::dispatch(executor, [slot = slot_, handler = std::move(*handler), ec,
                                     result = std::move(result)]() mutable {
      if (slot.is_connected()) slot.clear();
      std::move(handler)(ec, std::move(result));
    });
  }

  // complete() through the command's executor first: the handler never runs inside
  // the caller, be it the initiating call or a callback of the user's that woke the
  // operation (where the handler's exceptions would count as the callback's).
  static void complete_posted(std::shared_ptr<Completion> self, boost::system::error_code ec,
                              Result result = {}) {
    boost::asio::post(self->io_, [self, ec, result = std::move(result)]() mutable {
      self->complete(ec, std::move(result));
    });
  }

  // The execution context is going away: drop the handler without calling it.
  void abandon() {
    std::lock_guard lock(mutex_);
    handler_.reset();
    executor_ = {};
  }

 private:
  std::mutex mutex_;
  boost::asio::any_io_executor io_;
  boost::asio::any_completion_executor executor_;
  boost::asio::cancellation_slot slot_;
  std::optional<Handler> handler_;
};

// Whether a cancellation of this type may interrupt a running command. Terminal and
// partial ones may (the operation ends with terraform's partial work done); a total
// one promises that nothing happened, which only a task still queued can keep.
inline bool interrupts_running(boost::asio::cancellation_type type) {
  using boost::asio::cancellation_type;
  return (type & (cancellation_type::terminal | cancellation_type::partial)) !=
         cancellation_type::none;
}

// Leaves the operation's exception where with_errors looks for it.
inline void leave(const ExceptionSlot& slot, const std::exception_ptr& error) {
  if (slot.error && error) *slot.error = error;
}

}  // namespace libterraform::detail
