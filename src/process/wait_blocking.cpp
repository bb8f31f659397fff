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

ChildExit wait_blocking(Child& child, const BlockingWait& how) {
  const auto started = Clock::now();
  Supervisor supervisor(how.stop_policy,
                        how.timeout ? std::optional(started + *how.timeout) : std::nullopt);
  if (how.stop_at_start != StopReason::none) supervisor.request_stop(how.stop_at_start, started);
  std::string_view pending_stdin = how.stdin_data;
  if (pending_stdin.empty()) child.stdin_fd.reset();
  int control_fd = how.control_fd;
  std::optional<int> retcode;

  auto send_signals = [&] {
    while (auto signal = supervisor.take_signal()) signal_group(child.pid, *signal);
  };
  while (!supervisor.finished()) {
    send_signals();
    std::array<pollfd, 5> fds{};
    int count = 0;
    auto watch = [&](int fd, short events) {
      if (fd < 0) return -1;
      fds[count] = {fd, events, 0};
      return count++;
    };
    const int out = watch(child.stdout_fd.get(), POLLIN);
    const int err = watch(child.stderr_fd.get(), POLLIN);
    const int exit = retcode ? -1 : watch(child.pidfd.get(), POLLIN);
    const int in = watch(child.stdin_fd.get(), POLLOUT);
    const int control = watch(control_fd, POLLIN);

    if (::poll(fds.data(), count, poll_timeout(supervisor.next_wakeup())) < 0 && errno != EINTR) {
      break;  // only EFAULT/ENOMEM: nothing sensible left but to reap
    }
    auto ready = [&](int index) { return index >= 0 && fds[index].revents != 0; };

    if (ready(out) && !read_available(child.stdout_fd.get(), OutputStream::out, how)) {
      child.stdout_fd.reset();
      supervisor.on_stream_closed();
    }
    if (ready(err) && !read_available(child.stderr_fd.get(), OutputStream::err, how)) {
      child.stderr_fd.reset();
      supervisor.on_stream_closed();
    }
    if (ready(in)) {
      ssize_t n = ::send(child.stdin_fd.get(), pending_stdin.data(), pending_stdin.size(),
                         MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) pending_stdin.remove_prefix(static_cast<size_t>(n));
      if (pending_stdin.empty() || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        child.stdin_fd.reset();
      }
    }
    if (ready(control) && how.on_control) {
      ControlEvent event = how.on_control();
      if (event.stop != StopReason::none) supervisor.request_stop(event.stop, Clock::now());
      if (event.stop_watching) control_fd = -1;
    }
    if (ready(exit)) {
      retcode = peek_exit(child);
      child.stdin_fd.reset();
      supervisor.on_exited(Clock::now());
    }
    supervisor.on_time(Clock::now());
  }
  send_signals();  // the clean-up of the group, queued when the child exited

  if (!retcode) retcode = peek_exit(child);
  reap(child);
  return {*retcode, supervisor.stop_reason(),
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)};
}

}  // namespace libterraform::process
