#pragma once

#include "libterraform/command_result.hpp"
#include "libterraform/events.hpp"
#include "libterraform/export.hpp"

#include <iterator>
#include <memory>
#include <optional>

namespace libterraform {

namespace detail {
struct EventStreamState;
}

/// The events of one running command, pulled one at a time on the calling thread:
///
/// \code
///   auto stream = cli.apply_stream();
///   while (auto event = stream.next()) show(*event);
///   const CommandResult& result = stream.result();
/// \endcode
///
/// Events arrive as terraform prints them. Once terraform has exited and every event
/// has been handed out, next() returns nothing, after throwing, once, the error the
/// run counts as (TerraformCommandError with `check`, a timeout...). Destroying a
/// stream that still runs interrupts terraform and waits for it.
class LIBTERRAFORM_EXPORT EventStream {
 public:
  /// Made by the *_stream methods (StreamMethods), not by programs.
  explicit EventStream(std::unique_ptr<detail::EventStreamState> state);
  /// Moves the stream; the one moved from may only be destroyed or assigned to.
  ///@{
  EventStream(EventStream&&) noexcept;
  EventStream& operator=(EventStream&&) noexcept;
  ///@}
  ~EventStream();

  /// The next event, waiting for it.
  std::optional<Event> next();
  /// Asks terraform to stop (SIGINT, then the stop policy). Thread-safe; once is enough
  /// (terraform gets one SIGINT however often it is called). The events it prints
  /// while winding down still come.
  void cancel();
  /// A second Ctrl-C: cancel(), then the stop policy's escalation at once instead of
  /// after its grace period (a second SIGINT, SIGTERM or SIGKILL; nothing more with
  /// Escalation::none), as Future::escalate does. Thread-safe. terraform stopped that
  /// way may leave its state unwritten and its lock held.
  void escalate();
  /// terraform has exited, every event has been handed out, and next() has thrown the
  /// run's error, if it has one.
  bool done() const;
  /// The whole result, once terraform has exited; throws std::logic_error before.
  const CommandResult& result() const;

  /// The stream's events for range-for: each step calls next(), waiting for the event
  /// and throwing what it throws; the end is std::default_sentinel.
  class iterator {
   public:
    /// What an iterator over the stream needs.
    ///@{
    using value_type = Event;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(EventStream* stream) : stream_(stream) { ++*this; }
    const Event& operator*() const { return *current_; }
    const Event* operator->() const { return &*current_; }
    iterator& operator++() {
      current_ = stream_->next();
      if (!current_) stream_ = nullptr;
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& a, std::default_sentinel_t) { return !a.stream_; }
    ///@}

   private:
    EventStream* stream_ = nullptr;
    std::optional<Event> current_;
  };
  /// The first event not yet handed out, waiting for it.
  iterator begin() { return iterator(this); }
  /// The end: next() has returned nothing.
  std::default_sentinel_t end() { return {}; }

 private:
  std::unique_ptr<detail::EventStreamState> state_;
};

}  // namespace libterraform
