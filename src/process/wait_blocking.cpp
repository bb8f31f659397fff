#include "process/wait_blocking.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace libterraform::process {
namespace {

using Clock = Supervisor::Clock;

int poll_timeout(const std::optional<Clock::time_point>& wakeup) {
  if (!wakeup) return -1;
  auto remaining = std::chrono::ceil<std::chrono::milliseconds>(*wakeup - Clock::now());
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, remaining.count()));
}

// Reads what is there; false once the stream is closed (EOF or error).
bool read_available(int fd, OutputStream stream, const BlockingWait& how) {
  std::array<char, 65536> buffer;
  ssize_t n = ::read(fd, buffer.data(), buffer.size());
  if (n > 0) {
    if (how.on_output) how.on_output(stream, std::string_view(buffer.data(), n));
    return true;
  }
  return n < 0 && (errno == EINTR || errno == EAGAIN);
}

}  // namespace

BlockingSupervision::BlockingSupervision(Child& child, const BlockingWait& how)
    : child_(child),
      how_(how),
      started_(Clock::now()),
      supervisor_(how.supervision.stop_policy,
                  how.supervision.timeout ? std::optional(started_ + *how.supervision.timeout)
                                          : std::nullopt),
      pending_stdin_(how.supervision.stdin_data) {
  for (const auto& control : how.controls)
    control_fds_.push_back(control.fd);
  if (how.stop_at_start != StopReason::none) supervisor_.request_stop(how.stop_at_start, started_);
  if (pending_stdin_.empty()) child_.stdin_fd.reset();
}

void BlockingSupervision::send_signals() {
  while (auto signal = supervisor_.take_signal()) {
    if (how_.before_signal) how_.before_signal(*signal);
    send_signal(child_.pid, *signal);
  }
}

void BlockingSupervision::apply(const ControlEvent& event) {
  const auto now = Clock::now();
  if (event.stop == StopReason::none) return;
  if (event.escalate) {
    supervisor_.escalate(event.stop, now);
  } else if (event.already_interrupted) {
    supervisor_.interrupted_elsewhere(event.stop, now);
  } else if (event.delay.count() > 0) {
    supervisor_.request_stop_at(event.stop, now + event.delay);
  } else {
    supervisor_.request_stop(event.stop, now);
  }
}

bool BlockingSupervision::step() {
  if (supervisor_.finished()) return false;
  send_signals();
  std::array<pollfd, 8> fds{};
  int count = 0;
  auto watch = [&](int fd, short events) {
    if (fd < 0) return -1;
    fds[count] = {fd, events, 0};
    return count++;
  };
  const int out = watch(child_.stdout_fd.get(), POLLIN);
  const int err = watch(child_.stderr_fd.get(), POLLIN);
  const int exit = retcode_ ? -1 : watch(child_.pidfd.get(), POLLIN);
  const int in = watch(child_.stdin_fd.get(), POLLOUT);
  std::array<int, 4> controls{-1, -1, -1, -1};
  for (std::size_t i = 0; i < control_fds_.size() && i < controls.size(); ++i)
    controls[i] = watch(control_fds_[i], POLLIN);

  if (::poll(fds.data(), count, poll_timeout(supervisor_.next_wakeup())) < 0 && errno != EINTR) {
    return false;  // only EFAULT/ENOMEM: nothing sensible left but to reap
  }
  auto ready = [&](int index) { return index >= 0 && fds[index].revents != 0; };

  if (ready(out) && !read_available(child_.stdout_fd.get(), OutputStream::out, how_)) {
    child_.stdout_fd.reset();
    supervisor_.on_stream_closed();
  }
  if (ready(err) && !read_available(child_.stderr_fd.get(), OutputStream::err, how_)) {
    child_.stderr_fd.reset();
    supervisor_.on_stream_closed();
  }
  if (ready(in)) {
    ssize_t n = ::send(child_.stdin_fd.get(), pending_stdin_.data(), pending_stdin_.size(),
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) pending_stdin_.remove_prefix(static_cast<size_t>(n));
    if (pending_stdin_.empty() || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      child_.stdin_fd.reset();
    }
  }
  for (std::size_t i = 0; i < control_fds_.size() && i < controls.size(); ++i) {
    if (!ready(controls[i])) continue;
    ControlEvent event = how_.controls[i].on_ready();
    apply(event);
    if (event.stop_watching) control_fds_[i] = -1;
  }
  if (ready(exit)) {
    retcode_ = peek_exit(child_);
    child_.stdin_fd.reset();
    supervisor_.on_exited(Clock::now());
  }
  supervisor_.on_time(Clock::now());
  send_signals();  // now, not at the next step: the caller may not come back soon
  return !supervisor_.finished();
}

ChildExit BlockingSupervision::finish() {
  send_signals();  // the clean-up of the group, queued when the child exited
  if (!retcode_) retcode_ = peek_exit(child_);
  reap(child_);
  return {*retcode_, supervisor_.stop_reason(),
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_)};
}

ChildExit wait_blocking(Child& child, const BlockingWait& how) {
  BlockingSupervision supervision(child, how);
  while (supervision.step()) {
  }
  return supervision.finish();
}

}  // namespace libterraform::process
