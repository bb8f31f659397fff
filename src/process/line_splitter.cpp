#include "process/line_splitter.hpp"

namespace libterraform::process {

void LineSplitter::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    auto newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      partial_.append(chunk);
      return;
    }
    if (partial_.empty()) {
      handler_(chunk.substr(0, newline));
    } else {
      partial_.append(chunk.substr(0, newline));
      std::string line = std::move(partial_);
      partial_.clear();
      handler_(line);
    }
    chunk.remove_prefix(newline + 1);
  }
}

void LineSplitter::finish() {
  if (partial_.empty()) return;
  std::string line = std::move(partial_);
  partial_.clear();
  handler_(line);
}

}  // namespace libterraform::process
