#include "pool/worker.hpp"

#include "libterraform/errors.hpp"
#include "pool/messages.hpp"
#include "process/wait_blocking.hpp"

#include <linux/close_range.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <span>

namespace libterraform::pool {
namespace {

constexpr int kChannelFd = 3;

// The worker's end of its channel: blocking sends, reads on demand.
class Channel {
 public:
  // Sends a whole frame; `fds` ride along with its first byte. False once the parent
  // is gone.
  bool send(FrameType type, std::string_view payload, std::span<const int> fds = {}) {
    if (parent_gone_) return false;
    std::string frame = encode_frame(type, payload);
    std::string_view rest = frame;
    while (!rest.empty()) {
      iovec io{const_cast<char*>(rest.data()), rest.size()};
      msghdr message{};
      message.msg_iov = &io;
      message.msg_iovlen = 1;
      alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * 4)> control{};
      if (!fds.empty()) {
        message.msg_control = control.data();
        message.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(header), fds.data(), sizeof(int) * fds.size());
        fds = {};
      }
      ssize_t sent = ::sendmsg(kChannelFd, &message, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) {
        parent_gone_ = true;
        return false;
      }
      rest.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // Reads what is there (the channel is readable). False at end of stream: the parent
  // died or closed its end.
  bool read_available() {
    std::array<char, 65536> buffer;
    ssize_t n;
    do {
      n = ::recv(kChannelFd, buffer.data(), buffer.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      parent_gone_ = true;
      return false;
    }
    decoder_.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    return true;
  }

  // The next complete frame, reading as needed. Empty at end of stream.
  std::optional<Frame> receive() {
    while (true) {
      if (auto frame = decoder_.next()) return frame;
      if (!read_available()) return std::nullopt;
    }
  }

  std::optional<Frame> next_buffered() { return decoder_.next(); }
  bool parent_gone() const { return parent_gone_; }

 private:
  FrameDecoder decoder_;
  bool parent_gone_ = false;
};

[[noreturn]] void fail(Channel& channel, const std::string& message) {
  channel.send(FrameType::worker_error, PayloadWriter().string(message).take());
  ::_exit(2);
}

void isolate(int channel_fd) {
  if (channel_fd != kChannelFd) ::dup2(channel_fd, kChannelFd);
  ::syscall(SYS_close_range, kChannelFd + 1, ~0U, 0);
  // A broken channel is an error code here, not a signal. Ctrl-C in a terminal reaches
  // the parent's whole process group, workers included: the parent decides what to
  // interrupt, through this channel.
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// What the worker holds besides the command it runs: commands handed to it ahead of
// time, and what the parent asked for.
struct WorkerState {
  std::deque<RunRequest> waiting;
  process::EnvironmentBlock environment;  // of the last command: the parent sends it once
  bool shutdown_requested = false;
  std::optional<std::string> protocol_error;
};

// Drops a waiting command, telling the parent. False if none has that id.
bool drop_waiting(Channel& channel, WorkerState& state, RunId id) {
  auto found = std::find_if(state.waiting.begin(), state.waiting.end(),
                            [id](const RunRequest& r) { return r.run_id == id; });
  if (found == state.waiting.end()) return false;
  state.waiting.erase(found);
  channel.send(FrameType::revoked, encode_run_id(id));
  return true;
}

// Handles one frame from the parent; `running` is the command that runs, if any.
// Returns true if that command is to be interrupted. Throws ProtocolError.
bool handle(Channel& channel, WorkerState& state, const Frame& frame,
            std::optional<RunId> running) {
  switch (frame.type) {
    case FrameType::run: {
      RunRequest request = decode_run(frame.payload);
      auto& environment = request.invocation.launch.environment;
      if (environment) {
        state.environment = environment;
      } else {
        environment = state.environment;
      }
      state.waiting.push_back(std::move(request));
      return false;
    }
    case FrameType::interrupt: {
      RunId id = decode_run_id(frame.payload);
      if (running == id) return true;
      drop_waiting(channel, state, id);  // or it has already finished
      return false;
    }
    case FrameType::revoke:
      drop_waiting(channel, state, decode_run_id(frame.payload));
      return false;
    case FrameType::shutdown:
      state.shutdown_requested = true;
      return false;
    default:
      throw ProtocolError("unexpected frame type from the parent");
  }
}

void run_one(Channel& channel, const RunRequest& request, WorkerState& state) {
  process::Child child;
  try {
    child = process::launch(request.invocation.launch);
  } catch (const Error& e) {
    channel.send(FrameType::failed, encode(Failed{request.run_id, e.code().value(), e.what()}));
    return;
  }
  const std::array<int, 3> fds{child.pidfd.get(), child.stdout_fd.get(), child.stderr_fd.get()};
  channel.send(FrameType::started, encode(Started{request.run_id, child.pid}), fds);

  process::BlockingWait how;
  how.stop_policy = request.invocation.stop_policy;
  how.timeout = request.invocation.timeout;
  how.stdin_data = request.invocation.stdin_data;
  how.on_output = [&](process::OutputStream stream, std::string_view chunk) {
    channel.send(FrameType::output, encode(OutputChunk{request.run_id, stream, chunk}));
  };
  how.control_fd = kChannelFd;
  how.on_control = [&]() -> process::ControlEvent {
    if (!channel.read_available()) return {process::StopReason::owner_gone, true};
    process::ControlEvent event;
    try {
      while (auto frame = channel.next_buffered()) {
        if (handle(channel, state, *frame, request.run_id)) {
          event.stop = process::StopReason::interrupted;
        }
      }
    } catch (const ProtocolError& e) {
      // The channel cannot be trusted any more: wind terraform down, then give up.
      state.protocol_error = e.what();
      return {process::StopReason::interrupted, true};
    }
    return event;
  };
  process::ChildExit exit = process::wait_blocking(child, how);
  channel.send(FrameType::finished, encode(Finished{request.run_id, exit}));
}

}  // namespace

void worker_main(int channel_fd, const std::function<void()>& initializer) {
  isolate(channel_fd);
  Channel channel;
  if (initializer) {
    try {
      initializer();
    } catch (const std::exception& e) {
      fail(channel, std::string("worker initializer threw: ") + e.what());
    } catch (...) {
      fail(channel, "worker initializer threw");
    }
  }
  channel.send(FrameType::ready, {});

  WorkerState state;
  while (!state.shutdown_requested && !channel.parent_gone()) {
    try {
      if (state.waiting.empty()) {
        auto frame = channel.receive();
        if (!frame) break;
        handle(channel, state, *frame, std::nullopt);
        continue;
      }
      RunRequest request = std::move(state.waiting.front());
      state.waiting.pop_front();
      run_one(channel, request, state);
    } catch (const ProtocolError& e) {
      fail(channel, e.what());
    }
    if (state.protocol_error) fail(channel, *state.protocol_error);
  }
  ::_exit(0);
}

}  // namespace libterraform::pool
