#include "pool/launcher_stderr.hpp"

#include <unistd.h>

#include <cerrno>

namespace libterraform::pool {

namespace asio = boost::asio;

LauncherStderr::LauncherStderr(asio::io_context& io, process::UniqueFd fd)
    : pipe_(io, fd.release()) {
  boost::system::error_code ignored;
  pipe_.non_blocking(true, ignored);
}

void LauncherStderr::read() {
  pipe_.async_read_some(asio::buffer(buffer_),
                        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                          self->keep(std::string_view(self->buffer_.data(), n));
                          if (!ec) self->read();
                        });
}

void LauncherStderr::keep(std::string_view bytes) {
  kept_.append(bytes);
  if (kept_.size() > kKept) kept_.erase(0, kept_.size() - kKept);
}

std::string LauncherStderr::tail() {
  while (pipe_.is_open()) {
    ssize_t n = ::read(pipe_.native_handle(), buffer_.data(), buffer_.size());
    if (n <= 0) break;
    keep(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
  }
  std::string text = kept_;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

void LauncherStderr::close() {
  boost::system::error_code ignored;
  pipe_.close(ignored);
}

}  // namespace libterraform::pool
