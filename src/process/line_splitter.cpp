#include "process/line_splitter.hpp"

namespace libterraform::process {

void LineSplitter::keep(std::string_view part) {
  if (longest_ > 0 && partial_.size() + part.size() > longest_) {
    const std::size_t room = longest_ - partial_.size();
    cut_ += part.size() - room;
    part = part.substr(0, room);
  }
  partial_.append(part);
}

// Hands out the kept start of a line followed by `rest`, the part up to its newline.
void LineSplitter::hand_out(std::string_view rest) {
  if (partial_.empty() && cut_ == 0 && (longest_ == 0 || rest.size() <= longest_)) {
    handler_(rest, 0);  // whole in one chunk: no copy
    return;
  }
  keep(rest);
  std::string line = std::move(partial_);
  const std::size_t cut = cut_;
  partial_.clear();
  cut_ = 0;
  handler_(line, cut);
}

void LineSplitter::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    auto newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      keep(chunk);
      return;
    }
    hand_out(chunk.substr(0, newline));
    chunk.remove_prefix(newline + 1);
  }
}

void LineSplitter::finish() {
  if (partial_.empty() && cut_ == 0) return;
  hand_out({});
}

}  // namespace libterraform::process
