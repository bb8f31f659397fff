#pragma once

#include "libterraform/options/common.hpp"
#include "process/child_exit.hpp"
#include "process/line_splitter.hpp"

#include <exception>
#include <string>

namespace libterraform::detail {

// Gathers a command's stdout and stderr from chunks of any size, and hands complete
// lines to the caller's callbacks. A callback that throws is not called again; its
// exception is kept for the front end to rethrow once terraform has been stopped.
class OutputCollector {
 public:
  explicit OutputCollector(const CommonOptions& common);
  OutputCollector(const OutputCollector&) = delete;
  OutputCollector& operator=(const OutputCollector&) = delete;

  // Returns false when a callback has just failed: the caller should stop terraform.
  bool add(process::OutputStream stream, std::string_view chunk);
  // Hands out last lines that had no newline.
  void finish();

  std::string& output() { return output_; }
  std::string& error() { return error_; }
  const std::exception_ptr& callback_error() const { return callback_error_; }

 private:
  void deliver(const LineCallback& callback, std::string_view line);

  std::string output_;
  std::string error_;
  process::LineSplitter output_lines_;
  process::LineSplitter error_lines_;
  bool has_output_callback_;
  bool has_error_callback_;
  std::exception_ptr callback_error_;
};

}  // namespace libterraform::detail
