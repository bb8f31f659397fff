#include "command/output_collector.hpp"

namespace libterraform::detail {

OutputCollector::OutputCollector(const CommonOptions& common, OutputFormat format,
                                 EventCallback also_on_event)
    : common_(common),
      also_on_event_(std::move(also_on_event)),
      events_(format == OutputFormat::json_lines && (common_.on_event || also_on_event_)),
      output_lines_([this](std::string_view line) { on_output_line(line); }),
      error_lines_([this](std::string_view line) { call(common_.on_error, line); }) {}

bool OutputCollector::add(process::OutputStream stream, std::string_view chunk) {
  const bool failed_before = failed();
  if (stream == process::OutputStream::out) {
    output_.append(chunk);
    if (common_.on_output || events_) output_lines_.feed(chunk);
  } else {
    error_.append(chunk);
    if (common_.on_error) error_lines_.feed(chunk);
  }
  return failed_before || !failed();
}

bool OutputCollector::started(std::chrono::system_clock::time_point time) {
  call(common_.on_start, time);
  return !failed();
}

void OutputCollector::finish() {
  output_lines_.finish();
  error_lines_.finish();
}

void OutputCollector::on_output_line(std::string_view line) {
  call(common_.on_output, line);
  if (!events_ || failed()) return;
  std::optional<Event> event;
  try {
    event = parse_event(line);
  } catch (const Error& e) {
    stream_error_.emplace(e);
    return;
  }
  if (!event) return;
  call(common_.on_event, *event);
  call(also_on_event_, *event);
}

template <class Callback, class Argument>
void OutputCollector::call(const Callback& callback, const Argument& argument) {
  if (!callback || failed()) return;
  try {
    callback(argument);
  } catch (...) {
    callback_error_ = std::current_exception();
  }
}

Outcome OutputCollector::failure(std::shared_ptr<const CommandResult> result) const {
  if (callback_error_) return Outcome::callback_failure(callback_error_, std::move(result));
  if (stream_error_) {
    return Outcome::failure(stream_error_->code(), stream_error_->what(), std::move(result));
  }
  return {};
}

}  // namespace libterraform::detail
