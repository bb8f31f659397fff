#include "pool/spawner.hpp"

#include "libterraform/errors.hpp"
#include "pool/worker.hpp"

#include <boost/asio/write.hpp>

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

namespace libterraform::pool {
namespace {

namespace asio = boost::asio;

constexpr int kChannelFd = 3;
constexpr int kChildrenFd = 4;
constexpr char kSpawnRequest = 'w';

// What the spawner tells the parent: fixed-size records, the worker's channel riding
// along with a `spawned` one.
struct Record {
  enum Kind : std::int32_t { spawned = 1, spawn_failed, exited } kind;
  std::int32_t pid;
  std::int32_t value;  // errno for spawn_failed, the wait status for exited
};

void send_record(Record record, int fd = -1) {
  iovec io{&record, sizeof record};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
  if (fd >= 0) {
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
  }
  while (::sendmsg(kChannelFd, &message, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

void report_exits() {
  int status;
  pid_t pid;
  while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0)
    send_record({Record::exited, pid, status});
}

void spawn_worker(const std::function<void()>& initializer) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    send_record({Record::spawn_failed, 0, errno});
    return;
  }
  pid_t pid = ::fork();
  if (pid == 0) worker_main(pair[1], initializer);  // replaces fd 3, closes the rest
  int error = errno;
  ::close(pair[1]);
  if (pid < 0) {
    send_record({Record::spawn_failed, 0, error});
  } else {
    send_record({Record::spawned, pid, 0}, pair[0]);
  }
  ::close(pair[0]);
}

// The spawner's loop. It runs in a fork of a possibly multi-threaded parent, so it
// allocates nothing: system calls on stack buffers only.
[[noreturn]] void spawner_main(int channel_fd, const std::function<void()>& initializer) {
  if (channel_fd != kChannelFd) ::dup2(channel_fd, kChannelFd);
  ::syscall(SYS_close_range, kChannelFd + 1, ~0U, 0);
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);  // Ctrl-C is for the parent to decide about
  sigset_t children;
  ::sigemptyset(&children);
  ::sigaddset(&children, SIGCHLD);
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
      char request = 0;
      ssize_t n = ::read(kChannelFd, &request, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the pool is done with us, or gone
      if (request == kSpawnRequest) spawn_worker(initializer);
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
                                        Handlers handlers) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    throw Error(errc::spawn_failed, std::string("socketpair: ") + std::strerror(errno));
  }
  pid_t pid = ::fork();
  if (pid == 0) spawner_main(pair[1], worker_initializer);
  ::close(pair[1]);
  if (pid < 0) {
    int error = errno;
    ::close(pair[0]);
    throw Error(errc::spawn_failed, std::string("fork: ") + std::strerror(error));
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

void Spawner::spawn(WorkerId worker) {
  if (!alive_) {
    handlers_.on_spawn_failed(worker, "the pool's spawner process is gone");
    return;
  }
  pending_.push_back(worker);
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(&kSpawnRequest, 1), ec);
  if (ec) {
    pending_.pop_back();
    handlers_.on_spawn_failed(worker, "the pool's spawner process is gone: " + ec.message());
  }
}

void Spawner::close() {
  boost::system::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_send, ignored);
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
    iovec io{&record, sizeof record};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int))> control{};
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    ssize_t n =
        ::recvmsg(socket_.native_handle(), &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_WAITALL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return read();
    if (n <= 0) return;  // closed: its exit handler follows
    process::UniqueFd channel;
    if (cmsghdr* c = CMSG_FIRSTHDR(&message); c && c->cmsg_type == SCM_RIGHTS) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
      channel.reset(fd);
    }
    if (n != sizeof record) return gone("truncated record from the pool's spawner");
    switch (record.kind) {
      case Record::spawned:
      case Record::spawn_failed: {
        if (pending_.empty()) return gone("unexpected record from the pool's spawner");
        WorkerId worker = pending_.front();
        pending_.pop_front();
        if (record.kind == Record::spawned && channel) {
          handlers_.on_spawned(worker, record.pid, std::move(channel));
        } else {
          handlers_.on_spawn_failed(worker, std::string("fork: ") + std::strerror(record.value));
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
    handlers_.on_spawn_failed(worker, reason);
  pending_.clear();
  handlers_.on_gone(reason);
}

}  // namespace libterraform::pool
