#include "command/output_collector.hpp"

namespace libterraform::detail {

OutputCollector::OutputCollector(CommonOptions common, OutputFormat format,
                                 EventCallback also_on_event)
    : common_(std::move(common)),
      also_on_event_(std::move(also_on_event)),
      events_(format == OutputFormat::json_lines && (common_.on_event || also_on_event_)),
      keep_output_(common_.keep_output || format == OutputFormat::json),
      parse_lines_(format == OutputFormat::json_lines && (events_ || keep_output_)),
      lines_(keep_output_),
      output_lines_([this](std::string_view line, std::size_t cut) { on_output_line(line, cut); },
                    common_.keep_output ? 0 : kLongestLine),
      error_lines_([this](std::string_view line, std::size_t) { call(common_.on_error, line); },
                   common_.keep_output ? 0 : kLongestLine) {}

bool OutputCollector::add(process::OutputStream stream, std::string_view chunk) {
  const bool failed_before = failed();
  if (stream == process::OutputStream::out) {
    if (keep_output_) output_.append(chunk);
    if (common_.on_output || parse_lines_) output_lines_.feed(chunk);
  } else {
    if (common_.keep_output) error_.append(chunk);
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

void OutputCollector::on_output_line(std::string_view line, std::size_t cut) {
  call(common_.on_output, line);
  if (!parse_lines_ || cut > 0) return;  // a cut line is no event that parses
  // With a listener, a stream it cannot follow stops terraform; otherwise the result
  // says so once terraform has exited (conclude).
  std::optional<Event> event;
  try {
    const nlohmann::json* object = lines_.line(line);
    if (!object || !events_ || failed()) return;
    event = checked_event(*object);
  } catch (const nlohmann::json::parse_error& e) {
    if (events_ && !failed()) stream_error_.emplace(invalid_event_line(e));
    return;
  } catch (const Error& e) {
    stream_error_.emplace(e);
    return;
  }
  call(common_.on_event, *event);
  call(also_on_event_, *event);
}

std::optional<ParsedOutput> OutputCollector::parsed() {
  if (!parse_lines_) return std::nullopt;
  return lines_.finish();
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
