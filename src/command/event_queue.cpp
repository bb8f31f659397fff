#include "command/event_queue.hpp"

#include "libterraform/errors.hpp"

#include <utility>

namespace libterraform::detail {

void EventQueue::push(Event event) {
  Waiter waiter;
  std::optional<Item> item;
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
    if (waiting_ && (item = take())) waiter = std::exchange(waiting_, nullptr);
  }
  changed_.notify_all();
  if (waiter) waiter(std::move(*item));
}

void EventQueue::end(std::shared_ptr<const CommandResult> result, boost::system::error_code code,
                     std::exception_ptr error) {
  Waiter waiter;
  std::optional<Item> item;
  {
    std::lock_guard lock(mutex_);
    if (ended_) return;
    ended_ = true;
    result_ = std::move(result);
    if (code || error) error_ = Item{std::nullopt, code, std::move(error)};
    if (waiting_ && (item = take())) waiter = std::exchange(waiting_, nullptr);
  }
  changed_.notify_all();
  if (waiter) waiter(std::move(*item));
}

std::optional<EventQueue::Item> EventQueue::take() {
  if (!events_.empty()) {
    Item item{std::move(events_.front()), {}, nullptr};
    events_.pop_front();
    return item;
  }
  if (!ended_) return std::nullopt;
  if (error_) return std::exchange(error_, std::nullopt);
  return Item{};
}

std::optional<Event> EventQueue::pop(const std::function<bool()>& pump) {
  bool pumping = static_cast<bool>(pump);
  std::unique_lock lock(mutex_);
  while (true) {
    if (auto item = take()) {
      if (item->event) return std::move(item->event);
      if (item->error) std::rethrow_exception(item->error);
      if (item->code) throw Error(item->code, item->code.message(), result_);
      return std::nullopt;
    }
    if (pumping) {
      lock.unlock();
      pumping = pump();  // it pushes and ends through this queue: unlocked
      lock.lock();
    } else {
      changed_.wait(lock);
    }
  }
}

void EventQueue::async_pop(Waiter waiter, const std::function<void()>& on_wait) {
  std::optional<Item> item;
  {
    std::lock_guard lock(mutex_);
    if (waiting_) {
      const char* message = "another next() is already waiting";
      item = Item{std::nullopt, make_error_code(errc::invalid_option),
                  std::make_exception_ptr(Error(errc::invalid_option, message))};
    } else if (!(item = take())) {
      waiting_ = std::move(waiter);
      if (on_wait) on_wait();
      return;
    }
  }
  waiter(std::move(*item));
}

void EventQueue::drop_waiting() {
  Waiter dropped;  // destroyed after the lock is released
  std::lock_guard lock(mutex_);
  dropped = std::exchange(waiting_, nullptr);
}

bool EventQueue::ended() const {
  std::lock_guard lock(mutex_);
  return ended_;
}

bool EventQueue::done() const {
  std::lock_guard lock(mutex_);
  return ended_ && events_.empty() && !error_;
}

const CommandResult* EventQueue::result() const {
  std::lock_guard lock(mutex_);
  return ended_ ? result_.get() : nullptr;
}

}  // namespace libterraform::detail
