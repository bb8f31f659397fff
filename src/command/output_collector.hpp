#pragma once

#include "command/outcome.hpp"
#include "command/output_parser.hpp"
#include "libterraform/detail/command_spec.hpp"
#include "libterraform/events.hpp"
#include "process/child_exit.hpp"
#include "process/line_splitter.hpp"

#include <exception>
#include <optional>
#include <string>

namespace libterraform::detail {

// Gathers a command's stdout and stderr from chunks of any size, hands complete lines
// to the caller's line callbacks and, for a -json stream, each parsed event to the
// event callbacks: the options' on_event, then `also_on_event` (a pool-wide callback).
// Each line of a -json stream is parsed once, here, for the callbacks and the result
// alike (parsed()).
//
// A callback that throws is not called again; its exception is kept, for the front end
// to carry to the caller once terraform has been stopped. An event stream this library
// cannot read (an unknown UI version, a malformed event) is kept as an error too.
class OutputCollector {
 public:
  OutputCollector(CommonOptions common, OutputFormat format, EventCallback also_on_event = {});
  OutputCollector(const OutputCollector&) = delete;
  OutputCollector& operator=(const OutputCollector&) = delete;

  // Returns false when a callback or the event parser has just failed: the caller
  // should stop terraform.
  bool add(process::OutputStream stream, std::string_view chunk);
  // terraform has started: the start callback. False when it has just failed.
  bool started(std::chrono::system_clock::time_point time);
  // Hands out last lines that had no newline.
  void finish();

  std::string& output() { return output_; }
  std::string& error() { return error_; }
  // A -json stream as parse_output would give it, parsed as it came; nothing for other
  // formats (a document is parsed whole, at the end).
  std::optional<ParsedOutput> parsed();
  // What the run counts as because of its output: a callback's exception, or the
  // stream's error; empty while neither happened.
  Outcome failure(std::shared_ptr<const CommandResult> result) const;
  // Whether started() or add() may run user code (a start, line or event callback).
  bool has_callbacks() const {
    return common_.on_start || common_.on_output || common_.on_error || events_;
  }

 private:
  void on_output_line(std::string_view line, std::size_t cut);
  template <class Callback, class Argument>
  void call(const Callback& callback, const Argument& argument);

  CommonOptions common_;
  EventCallback also_on_event_;
  bool events_;       // stdout is a -json stream someone listens to
  bool keep_output_;  // into the result (a JSON document always: it is parsed whole)
  bool parse_lines_;  // a -json stream whose events someone needs: a listener, the result
  EventLineParser lines_;
  std::string output_;
  std::string error_;
  process::LineSplitter output_lines_;
  process::LineSplitter error_lines_;
  bool failed() const { return callback_error_ || stream_error_; }

  std::exception_ptr callback_error_;
  std::optional<Error> stream_error_;
};

}  // namespace libterraform::detail
