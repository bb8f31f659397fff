#pragma once

#include "process/unique_fd.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <array>
#include <memory>
#include <string>

namespace libterraform::pool {

// A launcher's stderr (ssh's, srun's), read for as long as it is open so that the
// launcher never blocks on it, keeping its last few KiB: what an error about the
// launcher shows (ssh's "Connection refused", srun's "Unable to allocate resources").
// Lives on the pool's I/O thread.
class LauncherStderr : public std::enable_shared_from_this<LauncherStderr> {
 public:
  static constexpr std::size_t kKept = 4096;

  LauncherStderr(boost::asio::io_context& io, process::UniqueFd fd);
  void start() { read(); }
  // Reads what is already there, then the kept text, trimmed; empty if none.
  std::string tail();
  void close();

 private:
  void read();
  void keep(std::string_view bytes);

  boost::asio::posix::stream_descriptor pipe_;
  std::array<char, 4096> buffer_{};
  std::string kept_;
};

}  // namespace libterraform::pool
