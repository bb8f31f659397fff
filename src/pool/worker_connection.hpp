#pragma once

#include "libterraform/errors.hpp"
#include "pool/scheduler.hpp"
#include "pool/wire.hpp"
#include "process/unique_fd.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform::pool {

// The parent's side of one worker process: reads its frames (with the descriptors a
// `started` frame carries) and writes requests. Lives on the pool's I/O thread; every
// handler runs there. The worker's exit is reported by the Spawner.
class WorkerConnection : public std::enable_shared_from_this<WorkerConnection> {
 public:
  struct Handlers {
    // A frame from the worker; `fds` are what came with a `started` frame.
    std::function<void(WorkerId, Frame, std::vector<process::UniqueFd> fds)> on_frame;
    // The worker broke the protocol (protocol_error), or speaks another version of it
    // (worker_version_mismatch); its channel is closed, so it exits.
    std::function<void(WorkerId, errc, const std::string& reason)> on_protocol_error;
    // End of stream: the worker has exited (or is about to).
    std::function<void(WorkerId)> on_closed;
  };

  void start() { read(); }
  void send(FrameType type, std::string_view payload);
  // Reads what is there; `to_the_end`: everything up to end of stream (the worker has
  // exited, so all it sent is waiting), rather than a fair share.
  void drain(bool to_the_end = false);
  // Closes the channel: the worker sees end of stream, winds its terraform down, exits.
  void close();
  pid_t pid() const noexcept { return pid_; }
  WorkerId id() const noexcept { return id_; }

  // `passes_descriptors`: a local worker's `started` frames carry terraform's
  // descriptors; a launcher's worker keeps them on its host.
  WorkerConnection(boost::asio::io_context& io, WorkerId id, pid_t pid, int channel,
                   bool passes_descriptors, Handlers handlers);

 private:
  void read();
  void write();
  void protocol_error(const std::string& reason, errc code = errc::protocol_error);

  WorkerId id_;
  pid_t pid_;
  bool passes_descriptors_;
  Handlers handlers_;
  boost::asio::local::stream_protocol::socket socket_;
  FrameDecoder decoder_{true};  // every worker greets first
  std::deque<process::UniqueFd> received_fds_;
  // Sets of descriptors the kernel dropped on their way here (no room in this process).
  std::size_t lost_fd_sets_ = 0;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool broken_ = false;
  bool closed_ = false;
};

}  // namespace libterraform::pool
