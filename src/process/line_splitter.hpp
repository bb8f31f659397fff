#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace libterraform::process {

// Cuts a byte stream, fed in chunks of any size, into lines (without the '\n'; a
// trailing '\r' is kept). finish() hands out a last line that had no newline.
//
// With a `longest` length, a longer line is handed out cut to its first `longest`
// bytes, with how many bytes were left out: memory stays bounded whatever the stream.
class LineSplitter {
 public:
  // `cut`: the bytes of the line left out (0 for a whole line).
  using LineHandler = std::function<void(std::string_view line, std::size_t cut)>;

  explicit LineSplitter(LineHandler handler, std::size_t longest = 0)
      : handler_(std::move(handler)), longest_(longest) {}

  void feed(std::string_view chunk);
  void finish();

 private:
  void keep(std::string_view part);
  void hand_out(std::string_view rest);

  LineHandler handler_;
  std::size_t longest_;  // 0: no limit
  std::string partial_;
  std::size_t cut_ = 0;
};

}  // namespace libterraform::process
