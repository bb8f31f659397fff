#include "pool/spawner.hpp"

#include "libterraform/errors.hpp"
#include "pool/worker.hpp"
#include "process/fd_passing.hpp"

#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

namespace libterraform::pool {
namespace {

namespace asio = boost::asio;

constexpr int kChannelFd = 3;
constexpr int kChildrenFd = 4;

// What the parent asks: a worker, forked (launcher 0) or started through a launcher.
struct Request {
  std::uint32_t launcher;
};

// What the spawner tells the parent: fixed-size records, the worker's channel and
// pidfd (and a launcher's stderr) riding along with a `spawned` one.
struct Record {
  enum Kind : std::int32_t { spawned = 1, spawn_failed, exited } kind;
  std::int32_t pid;
  std::int32_t value;  // errno for spawn_failed, the wait status for exited
};

void send_record(Record record, std::span<const int> fds = {}) {
  process::send_with_fds(kChannelFd, &record, sizeof record, fds);
}

void report_exits() {
  int status;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0)
    send_record({Record::exited, pid, status});
}

// The launcher's child, after fork: its stdin and stdout are the channel, its stderr
// the pipe the parent reads; a process group of its own, so that a Ctrl-C or a
// `timeout` meant for the host reaches neither the launcher nor, through it, the
// remote worker (srun forwards SIGINT to its task); default signal handling.
[[noreturn]] void exec_launcher(int channel, int error_pipe, char* const* argv) {
  ::setpgid(0, 0);
  ::dup2(channel, STDIN_FILENO);
  ::dup2(channel, STDOUT_FILENO);
  ::dup2(error_pipe, STDERR_FILENO);
  ::syscall(SYS_close_range, 3, ~0U, 0);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD})
    (void)::signal(sig, SIG_DFL);
  sigset_t none;
  ::sigemptyset(&none);
  // NOLINTNEXTLINE(concurrency-mt-unsafe): a child of fork has this one thread
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execvp(argv[0], argv);
  const int error = errno;
  constexpr std::string_view kCannot = "cannot run the launcher: ";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, kCannot.data(), kCannot.size());
  // NOLINTNEXTLINE(concurrency-mt-unsafe): this process has one thread
  const char* reason = ::strerror(error);
  n = ::write(STDERR_FILENO, reason, std::strlen(reason));
  ::_exit(127);
}

void spawn_worker(const std::function<void()>& initializer, const SpawnerLaunchers& launchers,
                  std::uint32_t launcher) {
  if (launcher > launchers.size()) {
    send_record({Record::spawn_failed, 0, EINVAL});
    return;
  }
  int pair[2];
  int error_pipe[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    send_record({Record::spawn_failed, 0, errno});
    return;
  }
  if (launcher > 0 && ::pipe2(error_pipe, O_CLOEXEC) != 0) {
    send_record({Record::spawn_failed, 0, errno});
    ::close(pair[0]);
    ::close(pair[1]);
    return;
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    if (launcher == 0) worker_main(pair[1], initializer);  // replaces fd 3, closes the rest
    exec_launcher(pair[1], error_pipe[1], launchers[launcher - 1].data());
  }
  int error = errno;
  ::close(pair[1]);
  if (error_pipe[1] >= 0) ::close(error_pipe[1]);
  if (pid < 0) {
    send_record({Record::spawn_failed, 0, error});
  } else {
    // The worker cannot have been reaped yet: only this process reaps it. Without a
    // pidfd the parent refuses the worker, which then sees its channel close and exits.
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    const std::array<int, 3> fds{pair[0], pidfd, error_pipe[0]};
    const std::size_t count = pidfd < 0 ? 1 : launcher > 0 ? 3 : 2;
    send_record({Record::spawned, pid, static_cast<std::int32_t>(launcher)},
                std::span(fds).first(count));
    if (pidfd >= 0) ::close(pidfd);
  }
  ::close(pair[0]);
  if (error_pipe[0] >= 0) ::close(error_pipe[0]);
}

// Leaves the spawner with its channel at 3 and nothing else of the host's but its
// standard streams; where the host had closed one (or where the channel's ends landed
// in its place), /dev/null.
void isolate(int channel_fd, int parent_end) {
  if (channel_fd != kChannelFd) ::dup2(channel_fd, kChannelFd);
  ::syscall(SYS_close_range, kChannelFd + 1, ~0U, 0);
  if (channel_fd < kChannelFd) ::close(channel_fd);
  if (parent_end < kChannelFd) ::close(parent_end);
  int fd;
  while ((fd = ::open("/dev/null", O_RDWR)) >= 0 && fd < kChannelFd) {
  }
  if (fd > kChannelFd) ::close(fd);

  // signal() fails only for an invalid signal or handler, and these are valid.
  (void)::signal(SIGPIPE, SIG_IGN);
  // Signals for the host to act on: a Ctrl-C, or a service stop that reaches every
  // process of the service, must not take the pool's processes down under it.
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT})
    (void)::signal(sig, SIG_IGN);
  // The host may ignore SIGCHLD (which reaps children unasked): workers' exits must
  // be seen here.
  (void)::signal(SIGCHLD, SIG_DFL);
}

// The spawner's loop. It runs in a fork of a possibly multi-threaded parent, so it
// allocates nothing: system calls on stack buffers only.
[[noreturn]] void spawner_main(int channel_fd, int parent_end,
                               const std::function<void()>& initializer,
                               const SpawnerLaunchers& launchers) {
  isolate(channel_fd, parent_end);
  sigset_t children;
  ::sigemptyset(&children);
  ::sigaddset(&children, SIGCHLD);
  // NOLINTNEXTLINE(concurrency-mt-unsafe): a child of fork has this one thread
  ::sigprocmask(SIG_SETMASK, &children, nullptr);
  if (::signalfd(-1, &children, SFD_CLOEXEC) != kChildrenFd) ::_exit(3);

  while (true) {
    std::array<pollfd, 2> fds{{{kChannelFd, POLLIN, 0}, {kChildrenFd, POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[1].revents) {
      signalfd_siginfo info;
      [[maybe_unused]] auto n = ::read(kChildrenFd, &info, sizeof info);
      report_exits();
    }
    if (fds[0].revents) {
      Request request{};
      ssize_t n = ::recv(kChannelFd, &request, sizeof request, MSG_WAITALL);
      if (n < 0 && errno == EINTR) continue;
      if (n != sizeof request) break;  // the pool is done with us, or gone
      spawn_worker(initializer, launchers, request.launcher);
    }
  }
  // Each worker exits once its own channel closes; wait for them all.
  while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
  ::_exit(0);
}

}  // namespace

std::shared_ptr<Spawner> Spawner::start(asio::io_context& io,
                                        const std::function<void()>& worker_initializer,
                                        const std::vector<std::vector<std::string>>& launchers,
                                        Handlers handlers) {
  // Every launcher's argv as exec wants it, built now: the spawner allocates nothing.
  std::vector<std::vector<std::string>> kept = launchers;
  SpawnerLaunchers argvs;
  for (auto& argv : kept) {
    auto& pointers = argvs.emplace_back();
    for (auto& arg : argv)
      pointers.push_back(arg.data());
    pointers.push_back(nullptr);
  }
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    throw Error(errc::spawn_failed, "socketpair: " + std::generic_category().message(errno));
  }
  pair[0] = process::above_stdio(pair[0]);
  pid_t pid = ::fork();
  if (pid == 0) spawner_main(pair[1], pair[0], worker_initializer, argvs);
  ::close(pair[1]);
  if (pid < 0) {
    int error = errno;
    ::close(pair[0]);
    throw Error(errc::spawn_failed, "fork: " + std::generic_category().message(error));
  }
  auto spawner = std::make_shared<Spawner>(io, pid, pair[0], std::move(handlers));
  spawner->read();
  spawner->process_.async_wait([self = spawner](boost::system::error_code, int wait_status) {
    if (self->alive_) self->drain();  // its last exit reports
    self->gone("the pool's spawner process ended (wait status " + std::to_string(wait_status) +
               ")");
  });
  return spawner;
}

Spawner::Spawner(asio::io_context& io, pid_t pid, int channel, Handlers handlers)
    : handlers_(std::move(handlers)),
      socket_(io, asio::local::stream_protocol(), channel),
      process_(io.get_executor(), pid) {}

void Spawner::spawn(WorkerId worker, std::size_t launcher) {
  if (!alive_) {
    handlers_.on_spawn_failed(worker, "the pool's spawner process is gone", false);
    return;
  }
  pending_.push_back(worker);
  boost::system::error_code ec;
  const Request request{static_cast<std::uint32_t>(launcher)};
  asio::write(socket_, asio::buffer(&request, sizeof request), ec);
  if (ec) {
    pending_.pop_back();
    handlers_.on_spawn_failed(worker, "the pool's spawner process is gone: " + ec.message(), false);
  }
}

void Spawner::close() {
  boost::system::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_send, ignored);
}

void Spawner::kill() {
  int exit_status;
  boost::system::error_code ignored;
  process_.terminate(exit_status, ignored);
}

void Spawner::read() {
  socket_.async_wait(asio::socket_base::wait_read,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       if (!ec && self->alive_) self->drain();
                     });
}

void Spawner::drain() {
  while (true) {
    Record record;
    std::vector<process::UniqueFd> fds;
    bool lost = false;
    ssize_t n = process::receive_with_fds(socket_.native_handle(), &record, sizeof record,
                                          MSG_DONTWAIT | MSG_WAITALL, fds, &lost);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return read();
    if (n <= 0) return;  // closed: its exit handler follows
    if (n != sizeof record) return gone("truncated record from the pool's spawner");
    switch (record.kind) {
      case Record::spawned:
      case Record::spawn_failed: {
        if (pending_.empty()) return gone("unexpected record from the pool's spawner");
        WorkerId worker = pending_.front();
        pending_.pop_front();
        if (record.kind == Record::spawn_failed) {
          const int error = record.value;
          const bool shortage =
              error == EAGAIN || error == ENOMEM || error == EMFILE || error == ENFILE;
          handlers_.on_spawn_failed(worker,
                                    error == EMFILE
                                        ? "the spawner is " + process::descriptors_exhausted()
                                        : "fork: " + std::generic_category().message(error),
                                    shortage);
        } else if (lost) {
          // Its channel could not be received: the worker sees it closed, and exits.
          handlers_.on_spawn_failed(
              worker, "its channel could not be received: " + process::descriptors_exhausted(),
              true);
        } else if (fds.size() != (record.value > 0 ? 3U : 2U)) {
          handlers_.on_spawn_failed(worker, "no pidfd could be opened for the new worker", false);
        } else {
          process::UniqueFd launcher_stderr =
              fds.size() > 2 ? std::move(fds[2]) : process::UniqueFd();
          handlers_.on_spawned(worker, record.pid, std::move(fds[0]), std::move(fds[1]),
                               std::move(launcher_stderr));
        }
        break;
      }
      case Record::exited:
        handlers_.on_worker_exit(record.pid, record.value);
        break;
      default:
        return gone("unexpected record from the pool's spawner");
    }
  }
}

void Spawner::gone(const std::string& reason) {
  if (!alive_) return;
  alive_ = false;
  boost::system::error_code ignored;
  socket_.close(ignored);
  for (WorkerId worker : pending_)
    handlers_.on_spawn_failed(worker, reason, false);
  pending_.clear();
  handlers_.on_gone(reason);
}

}  // namespace libterraform::pool
