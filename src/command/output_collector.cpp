#include "command/output_collector.hpp"

namespace libterraform::detail {

OutputCollector::OutputCollector(const CommonOptions& common)
    : output_lines_([this, callback = common.on_output](std::string_view line) {
        deliver(callback, line);
      }),
      error_lines_([this, callback = common.on_error](std::string_view line) {
        deliver(callback, line);
      }),
      has_output_callback_(static_cast<bool>(common.on_output)),
      has_error_callback_(static_cast<bool>(common.on_error)) {}

bool OutputCollector::add(process::OutputStream stream, std::string_view chunk) {
  const bool failed_before = static_cast<bool>(callback_error_);
  if (stream == process::OutputStream::out) {
    output_.append(chunk);
    if (has_output_callback_) output_lines_.feed(chunk);
  } else {
    error_.append(chunk);
    if (has_error_callback_) error_lines_.feed(chunk);
  }
  return failed_before || !callback_error_;
}

void OutputCollector::finish() {
  if (has_output_callback_) output_lines_.finish();
  if (has_error_callback_) error_lines_.finish();
}

void OutputCollector::deliver(const LineCallback& callback, std::string_view line) {
  if (callback_error_) return;
  try {
    callback(line);
  } catch (...) {
    callback_error_ = std::current_exception();
  }
}

}  // namespace libterraform::detail
