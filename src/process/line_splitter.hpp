#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace libterraform::process {

// Cuts a byte stream, fed in chunks of any size, into lines (without the '\n'; a
// trailing '\r' is kept). finish() hands out a last line that had no newline.
class LineSplitter {
 public:
  using LineHandler = std::function<void(std::string_view line)>;

  explicit LineSplitter(LineHandler handler) : handler_(std::move(handler)) {}

  void feed(std::string_view chunk);
  void finish();

 private:
  LineHandler handler_;
  std::string partial_;
};

}  // namespace libterraform::process
