#include "pool/worker_connection.hpp"

#include "process/fd_passing.hpp"

#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace libterraform::pool {
namespace {

namespace asio = boost::asio;
constexpr int kReadsPerTurn = 16;  // then yield to the other workers' channels
constexpr std::size_t kFdsPerStart = 3;

}  // namespace

WorkerConnection::WorkerConnection(asio::io_context& io, WorkerId id, pid_t pid, int channel,
                                   bool passes_descriptors, Handlers handlers)
    : id_(id),
      pid_(pid),
      passes_descriptors_(passes_descriptors),
      handlers_(std::move(handlers)),
      socket_(io, asio::local::stream_protocol(), channel) {}

void WorkerConnection::send(FrameType type, std::string_view payload) {
  if (broken_) return;
  outbox_.push_back(encode_frame(type, payload));
  // A launcher may forward its input by lines (srun without -u): a newline after each
  // frame, which the worker skips, passes it at once.
  if (!passes_descriptors_) outbox_.back() += '\n';
  if (!writing_) write();
}

void WorkerConnection::close() {
  broken_ = true;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void WorkerConnection::write() {
  if (outbox_.empty() || broken_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  asio::async_write(socket_, asio::buffer(outbox_.front()),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->outbox_.pop_front();
                      if (ec) {
                        self->outbox_.clear();  // the worker is gone; its exit will tell
                        self->writing_ = false;
                        return;
                      }
                      self->write();
                    });
}

void WorkerConnection::read() {
  socket_.async_wait(asio::socket_base::wait_read,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       if (!ec) self->drain();
                     });
}

void WorkerConnection::drain(bool to_the_end) {
  if (broken_) return;
  for (int turn = 0; to_the_end || turn < kReadsPerTurn; ++turn) {
    std::array<char, 65536> buffer;
    std::vector<process::UniqueFd> fds;
    bool lost = false;
    ssize_t n = process::receive_with_fds(socket_.native_handle(), buffer.data(), buffer.size(),
                                          MSG_DONTWAIT, fds, &lost);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return read();
    if (lost) {
      // Some of a started frame's descriptors did not fit: those that did are no use to
      // it, and would be taken by the next one. The frame comes without them.
      fds.clear();
      ++lost_fd_sets_;
    }
    for (auto& fd : fds)
      received_fds_.push_back(std::move(fd));
    if (n <= 0) {
      // End of stream: the worker exited (the Spawner reports how) or we closed it.
      if (decoder_.has_partial()) protocol_error(decoder_.end_of_stream_error());
      broken_ = true;
      if (!closed_) {
        closed_ = true;
        handlers_.on_closed(id_);
      }
      return;
    }
    decoder_.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    try {
      while (auto frame = decoder_.next()) {
        std::vector<process::UniqueFd> fds;
        if (frame->type == FrameType::started && passes_descriptors_) {
          if (received_fds_.size() >= kFdsPerStart) {
            for (std::size_t i = 0; i < kFdsPerStart; ++i) {
              fds.push_back(std::move(received_fds_.front()));
              received_fds_.pop_front();
            }
          } else if (lost_fd_sets_ > 0) {
            --lost_fd_sets_;  // dropped for want of room: the command goes on without them
          } else {
            throw ProtocolError("started frame without its descriptors");
          }
        }
        handlers_.on_frame(id_, std::move(*frame), std::move(fds));
      }
    } catch (const VersionMismatch& e) {
      return protocol_error(e.what(), errc::worker_version_mismatch);
    } catch (const ProtocolError& e) {
      return protocol_error(e.what());
    }
  }
  read();
}

void WorkerConnection::protocol_error(const std::string& reason, errc code) {
  if (broken_) return;
  close();
  handlers_.on_protocol_error(id_, code, reason);
}

}  // namespace libterraform::pool
