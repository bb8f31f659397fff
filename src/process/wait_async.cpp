#include "process/wait_async.hpp"

#include "process/wait_blocking.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <array>

namespace libterraform::process {
namespace {

namespace asio = boost::asio;
using Clock = Supervisor::Clock;
using Strand = asio::strand<asio::any_io_executor>;

// Asio closes what it owns; the Child keeps the originals, so that a watch torn down
// with its context can still finish the job with wait_blocking.
int duplicate(const UniqueFd& fd) {
  return fd ? ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3) : -1;
}

class Watch final : public AsyncWait, public std::enable_shared_from_this<Watch> {
 public:
  Watch(const asio::any_io_executor& executor, Child child, SupervisionOptions options,
        OutputHandler on_output, Handler handler)
      : strand_(asio::make_strand(executor)),
        child_(std::move(child)),
        options_(std::move(options)),
        on_output_(std::move(on_output)),
        handler_(std::move(handler)),
        out_(strand_),
        err_(strand_),
        exit_(strand_),
        in_(strand_),
        timer_(strand_),
        started_(Clock::now()),
        supervisor_(options_.stop_policy,
                    options_.timeout ? std::optional(started_ + *options_.timeout) : std::nullopt) {
  }

  ~Watch() override {
    if (done_) return;
    // The context went away with the child still running: stop it the blocking way.
    boost::system::error_code ignored;
    out_.close(ignored);
    err_.close(ignored);
    exit_.close(ignored);
    in_.close(ignored);
    BlockingWait how;
    how.supervision.stop_policy = options_.stop_policy;
    how.stop_at_start = StopReason::interrupted;
    wait_blocking(child_, how);
  }

  void launch() {
    asio::post(strand_, [self = shared_from_this()] { self->begin(); });
  }

  void begin() {
    out_.assign(duplicate(child_.stdout_fd));
    err_.assign(duplicate(child_.stderr_fd));
    exit_.assign(duplicate(child_.pidfd));
    read(out_, out_buffer_, OutputStream::out);
    read(err_, err_buffer_, OutputStream::err);
    wait_for_exit();
    if (child_.stdin_fd && !options_.stdin_data.empty()) {
      in_.assign(asio::local::stream_protocol(), duplicate(child_.stdin_fd));
      child_.stdin_fd.reset();
      asio::async_write(in_, asio::buffer(options_.stdin_data),
                        [self = shared_from_this()](boost::system::error_code, std::size_t) {
                          boost::system::error_code ignored;
                          self->in_.close(ignored);
                        });
    } else {
      child_.stdin_fd.reset();
    }
    step();
  }

  void request_stop(StopReason reason) override {
    on_strand([reason](Supervisor& s) { s.request_stop(reason, Clock::now()); });
  }

  void interrupted_elsewhere(StopReason reason) override {
    on_strand([reason](Supervisor& s) { s.interrupted_elsewhere(reason, Clock::now()); });
  }

  void escalate(StopReason reason) override {
    on_strand([reason](Supervisor& s) { s.escalate(reason, Clock::now()); });
  }

 private:
  template <class Change>
  void on_strand(Change change) {
    asio::post(strand_, [self = shared_from_this(), change] {
      change(self->supervisor_);
      self->step();
    });
  }

  void read(asio::posix::stream_descriptor& stream, std::array<char, 65536>& buffer,
            OutputStream which) {
    stream.async_read_some(asio::buffer(buffer),
                           [self = shared_from_this(), &stream, &buffer, which](
                               boost::system::error_code ec, std::size_t n) {
                             if (self->done_) return;
                             if (n > 0 && self->on_output_) {
                               self->on_output_(which, std::string_view(buffer.data(), n));
                             }
                             if (ec) {
                               boost::system::error_code ignored;
                               stream.close(ignored);
                               self->supervisor_.on_stream_closed();
                             } else {
                               self->read(stream, buffer, which);
                             }
                             self->step();
                           });
  }

  void wait_for_exit() {
    exit_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       if (self->done_ || ec) return;
                       self->retcode_ = peek_exit(self->child_);
                       self->supervisor_.on_exited(Clock::now());
                       self->step();
                     });
  }

  // After every event: send what the supervisor asks for, then finish or sleep until
  // its next deadline.
  void step() {
    if (done_) return;
    supervisor_.on_time(Clock::now());
    while (auto signal = supervisor_.take_signal())
      send_signal(child_.pid, *signal);
    if (supervisor_.finished()) return finish();
    auto wakeup = supervisor_.next_wakeup();
    if (wakeup == armed_for_) return;
    armed_for_ = wakeup;
    if (!wakeup) {
      timer_.cancel();
      return;
    }
    timer_.expires_at(*wakeup);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return;  // re-armed or cancelled
      self->armed_for_.reset();
      self->step();
    });
  }

  void finish() {
    done_ = true;
    boost::system::error_code ignored;
    out_.close(ignored);
    err_.close(ignored);
    exit_.close(ignored);
    in_.close(ignored);
    timer_.cancel();
    if (!retcode_) retcode_ = peek_exit(child_);
    reap(child_);
    Handler handler = std::move(handler_);
    handler(
        ChildExit{*retcode_, supervisor_.stop_reason(),
                  std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_)});
  }

  Strand strand_;
  Child child_;
  SupervisionOptions options_;
  OutputHandler on_output_;
  Handler handler_;
  asio::posix::stream_descriptor out_, err_, exit_;
  asio::local::stream_protocol::socket in_;
  asio::steady_timer timer_;
  Clock::time_point started_;
  Supervisor supervisor_;
  std::array<char, 65536> out_buffer_{}, err_buffer_{};
  std::optional<Clock::time_point> armed_for_;
  std::optional<int> retcode_;
  bool done_ = false;
};

}  // namespace

std::shared_ptr<AsyncWait> AsyncWait::start(const asio::any_io_executor& executor, Child child,
                                            SupervisionOptions options, OutputHandler on_output,
                                            Handler handler) {
  auto watch = std::make_shared<Watch>(executor, std::move(child), std::move(options),
                                       std::move(on_output), std::move(handler));
  watch->launch();
  return watch;
}

}  // namespace libterraform::process
