#pragma once

#include "command/conclude.hpp"
#include "command/invocation.hpp"
#include "command/outcome.hpp"
#include "command/output_collector.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace libterraform::detail {

// One terraform command from its start to its outcome, without any I/O. Its drivers
// (the blocking loop, the Asio operation, a pool's parent side) feed it terraform's
// output and exit; it hands lines and events to the callbacks, says when terraform
// must be stopped (a callback threw, the event stream is unreadable) and what the run
// comes to. What makes a command behave the same whichever way it runs.
class RunCore {
 public:
  // The invocation's argv, working directory and timeout are the result's. `also_on_event`
  // receives a -json stream's events after the options' on_event.
  RunCore(CommandSpec spec, const Invocation& invocation, EventCallback also_on_event = {});
  RunCore(const RunCore&) = delete;
  RunCore& operator=(const RunCore&) = delete;

  // terraform has started (call once, before any output). False when terraform must be
  // stopped now (the start callback threw).
  bool started(std::chrono::system_clock::time_point time) { return collector_.started(time); }
  // A chunk of terraform's output. False when terraform must be stopped now.
  bool on_output(process::OutputStream stream, std::string_view chunk);

  // terraform has exited: what the run counts as. Call once.
  Outcome finish(const process::ChildExit& exit);
  // The run ended without an exit status (its pool worker died with it): `code`, with
  // a result holding what terraform printed so far. Call once, instead of finish().
  Outcome abandon(errc code, std::string message, std::optional<std::chrono::milliseconds> ran_for);

  const CommandSpec& spec() const noexcept { return spec_; }
  // Whether started() or on_output() may run user code (a start, line or event callback).
  bool has_callbacks() const { return collector_.has_callbacks(); }
  // The bytes of stdout so far.
  std::size_t output_size() { return collector_.output().size(); }

 private:
  CommandSpec spec_;
  std::vector<std::string> argv_;
  std::filesystem::path working_dir_;
  std::optional<std::chrono::milliseconds> timeout_;
  OutputCollector collector_;
};

}  // namespace libterraform::detail
