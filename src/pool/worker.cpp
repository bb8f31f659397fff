#include "pool/worker.hpp"

#include "libterraform/errors.hpp"
#include "libterraform/pool_worker.hpp"
#include "pool/messages.hpp"
#include "pool/plugin_cache.hpp"
#include "process/fd_passing.hpp"
#include "process/wait_blocking.hpp"

#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <deque>
#include <span>

namespace libterraform::pool {
namespace {

using namespace std::chrono_literals;

constexpr int kChannelFd = 3;  // a local worker's channel
int termination_fd = -1;       // a signalfd for SIGTERM

// How long a worker whose parent died waits before it interrupts terraform. A stop of a
// whole service (systemd's default, say) sends SIGTERM to every process of it, in no
// fixed order: terraform gets one, and the parent's death may be seen here before this
// worker's own SIGTERM arrives. A SIGTERM within this window means terraform has had
// its interrupt, and a SIGINT from here would be its second.
// A remote worker's parent is on another host, out of reach of that stop: it interrupts
// terraform at once.
constexpr std::chrono::milliseconds kParentGoneSettle = 500ms;

// The worker's end of its channel: blocking sends, reads on demand. A local worker's
// channel is one socket, and terraform's descriptors ride along with `started`; a
// remote worker's is its stdin and stdout, and nothing rides along.
class Channel {
 public:
  Channel(int in_fd, int out_fd, bool pass_fds)
      : in_fd_(in_fd), out_fd_(out_fd), pass_fds_(pass_fds) {}

  int in_fd() const { return in_fd_; }

  // Writes the greeting, the stream's first bytes.
  void greet() { write_all(encode_greeting(), {}); }

  // Sends a whole frame; `fds` ride along with its first byte on a local channel. False
  // once the parent is gone. A remote worker ends each frame with a newline, which the
  // parent skips (as it does): a launcher that forwards by lines (srun without -u)
  // then passes every frame at once.
  bool send(FrameType type, std::string_view payload, std::span<const int> fds = {}) {
    if (pass_fds_) return write_all(encode_frame(type, payload), fds);
    return write_all(encode_frame(type, payload) + '\n', {});
  }

  // Reads what is there (the channel is readable). False at end of stream: the parent
  // died or closed its end.
  bool read_available() {
    std::array<char, 65536> buffer;
    ssize_t n;
    do {
      n = ::read(in_fd_, buffer.data(), buffer.size());
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      input_ended_ = true;
      return false;
    }
    decoder_.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    return true;
  }

  // Reads what has arrived, without waiting. False at end of stream.
  bool poll_available() {
    pollfd readable{in_fd_, POLLIN, 0};
    while (!parent_gone() && ::poll(&readable, 1, 0) > 0) {
      if (!read_available()) return false;
    }
    return !parent_gone();
  }

  // The next complete frame, reading as needed. Empty at end of stream.
  std::optional<Frame> receive() {
    while (true) {
      if (auto frame = decoder_.next()) return frame;
      if (!read_available()) return std::nullopt;
    }
  }

  std::optional<Frame> next_buffered() { return decoder_.next(); }
  // The parent is gone, or going: its end of the channel has closed either way. Output
  // may still reach the parent after the input has ended (a launcher that closes its
  // side's stdin first), so a command's last frames are still sent.
  bool parent_gone() const { return input_ended_ || output_broken_; }

 private:
  bool write_all(const std::string& bytes, std::span<const int> fds) {
    if (output_broken_) return false;
    std::string_view rest = bytes;
    while (!rest.empty()) {
      ssize_t sent = fds.empty() ? ::write(out_fd_, rest.data(), rest.size())
                                 : process::send_with_fds(out_fd_, rest.data(), rest.size(), fds);
      if (sent < 0 && errno == EINTR) continue;
      if (sent <= 0) {
        output_broken_ = true;
        return false;
      }
      fds = {};
      rest.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  int in_fd_;
  int out_fd_;
  bool pass_fds_;
  FrameDecoder decoder_;
  bool input_ended_ = false;
  bool output_broken_ = false;
};

[[noreturn]] void fail(Channel& channel, const std::string& message) {
  channel.send(FrameType::worker_error, PayloadWriter().string(message).take());
  ::_exit(2);
}

// Keeps only the channel and the standard streams (a local worker: the channel at 3,
// the streams the spawner left; a remote worker: its stdin and stdout are the channel),
// and sets up the signals: SIGINT, SIGHUP and SIGQUIT are ignored (the parent decides
// what to interrupt, through the channel); SIGTERM is read from a signalfd.
//
// The worker leads a process group of its own, as its terraform does: a signal sent to
// the host's group (`timeout`, a shell's kill of a job) reaches the host, which decides
// what to interrupt, and never a worker, which would take it as terraform's interrupt
// when terraform has had none. A SIGTERM that reaches a worker was sent to it alone, or
// to every process of the service (systemd's stop, Slurm's scancel), terraform included.
void isolate(std::optional<int> channel_fd) {
  ::setpgid(0, 0);
  if (channel_fd && *channel_fd != kChannelFd) ::dup2(*channel_fd, kChannelFd);
  ::syscall(SYS_close_range, channel_fd ? kChannelFd + 1 : 3, ~0U, 0);
  // signal() fails only for an invalid signal or handler, and these are valid.
  (void)::signal(SIGPIPE, SIG_IGN);  // a broken channel is an error code here, not a signal
  for (int sig : {SIGINT, SIGHUP, SIGQUIT})
    (void)::signal(sig, SIG_IGN);
  (void)::signal(SIGTERM, SIG_DFL);
  (void)::signal(SIGCHLD, SIG_DFL);
  sigset_t termination;
  ::sigemptyset(&termination);
  ::sigaddset(&termination, SIGTERM);
  // NOLINTNEXTLINE(concurrency-mt-unsafe): this process has this one thread
  ::sigprocmask(SIG_SETMASK, &termination, nullptr);
  termination_fd = ::signalfd(-1, &termination, SFD_CLOEXEC | SFD_NONBLOCK);
  if (termination_fd < 0) ::_exit(3);
}

// Reads the SIGTERMs waiting in the signalfd; true if there was one.
bool take_termination_signals() {
  bool any = false;
  signalfd_siginfo info;
  while (::read(termination_fd, &info, sizeof info) == sizeof info)
    any = true;
  return any;
}

// What the worker holds besides the command it runs: commands handed to it ahead of
// time, and what the parent asked for.
struct WorkerState {
  std::deque<RunRequest> waiting;
  process::EnvironmentBlock environment;  // of the last command: the parent sends it once
  bool shutdown_requested = false;
  bool terminated = false;  // a SIGTERM came while a command ran
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

// What the parent asked of the command that runs.
enum class Ask { nothing, interrupt, escalate };

Ask stronger(Ask a, Ask b) {
  return std::max(a, b);
}

// Handles one frame from the parent; `running` is the command that runs, if any.
// Returns what is asked of that command. Throws ProtocolError.
Ask handle(Channel& channel, WorkerState& state, const Frame& frame, std::optional<RunId> running) {
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
      return Ask::nothing;
    }
    case FrameType::interrupt:
    case FrameType::escalate: {
      RunId id = decode_run_id(frame.payload);
      if (running == id) return frame.type == FrameType::escalate ? Ask::escalate : Ask::interrupt;
      drop_waiting(channel, state, id);  // or it has already finished
      return Ask::nothing;
    }
    case FrameType::revoke:
      drop_waiting(channel, state, decode_run_id(frame.payload));
      return Ask::nothing;
    case FrameType::shutdown:
      state.shutdown_requested = true;
      return Ask::nothing;
    case FrameType::ping:
      channel.send(FrameType::pong, {});
      return Ask::nothing;
    default:
      throw ProtocolError("unexpected frame type from the parent");
  }
}

// Handles the frames already received; false on a protocol error.
bool handle_buffered(Channel& channel, WorkerState& state) {
  try {
    while (auto frame = channel.next_buffered())
      handle(channel, state, *frame, std::nullopt);
  } catch (const ProtocolError& e) {
    state.protocol_error = e.what();
    return false;
  }
  return true;
}

// Takes the plugin cache's locks for an init and points it at the cache. Meanwhile the
// parent's frames are handled (pings answered): an interrupt of this command, a SIGTERM
// or the parent's end stops the wait, and the command never starts; so does its
// timeout, which bounds the wait on its own (terraform then gets the whole timeout, its
// run timed from its start as always). Throws Error.
void enter_plugin_cache(Channel& channel, const RunRequest& request, WorkerState& state,
                        process::LaunchSpec& launch, std::optional<PluginCacheSession>& session) {
  bool interrupted = false;
  bool timed_out = false;
  const auto& timeout = request.invocation.supervision.timeout;
  const auto deadline =
      std::chrono::steady_clock::now() + timeout.value_or(std::chrono::milliseconds::zero());
  auto keep_waiting = [&] {
    if (timeout && std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      return false;
    }
    if (take_termination_signals()) interrupted = true;
    if (!channel.poll_available()) return false;
    try {
      while (auto frame = channel.next_buffered())
        if (handle(channel, state, *frame, request.run_id) != Ask::nothing) interrupted = true;
    } catch (const ProtocolError& e) {
      state.protocol_error = e.what();
      return false;
    }
    return !interrupted;
  };
  try {
    session.emplace(request.plugin_cache_dir, launch.working_dir,
                    launch.environment ? *launch.environment : std::vector<std::string>{},
                    keep_waiting);
    launch.environment = std::make_shared<const std::vector<std::string>>(session->environment());
  } catch (const Error&) {
    if (timed_out) {
      throw Error(errc::timed_out, "timed out after " + std::to_string(timeout->count()) +
                                       " ms waiting for the plugin cache's lock (another init "
                                       "holds it); terraform did not start");
    }
    if (interrupted) throw Error(errc::cancelled, "cancelled while waiting for the plugin cache");
    throw;
  }
}

void run_one(Channel& channel, const RunRequest& request, WorkerState& state,
             std::chrono::milliseconds parent_gone_settle) {
  take_termination_signals();  // one that came while idle was not meant for this terraform
  std::optional<process::LaunchSpec> cache_launch;  // the launch, pointed at the cache
  std::optional<PluginCacheSession> plugin_cache;
  process::Child child;
  process::BlockingWait how;
  how.supervision = request.invocation.supervision;
  try {
    if (!request.plugin_cache_dir.empty()) {
      cache_launch = request.invocation.launch;
      enter_plugin_cache(channel, request, state, *cache_launch, plugin_cache);
    }
    child = process::launch(cache_launch ? *cache_launch : request.invocation.launch);
  } catch (const Error& e) {
    channel.send(FrameType::failed, encode(Failed{request.run_id, e.code(), e.what()}));
    return;
  }
  const std::array<int, 3> fds{child.pidfd.get(), child.stdout_fd.get(), child.stderr_fd.get()};
  channel.send(FrameType::started, encode(Started{request.run_id, child.pid}), fds);

  // The parent hears of terraform's one interrupt before it is sent, so that it never
  // sends another, should this worker die.
  bool told_stopping = false;
  auto tell_stopping = [&] {
    if (told_stopping) return;
    told_stopping = true;
    channel.send(FrameType::stopping, encode_run_id(request.run_id));
  };

  how.on_output = [&](process::OutputStream stream, std::string_view chunk) {
    channel.send(FrameType::output, encode(OutputChunk{request.run_id, stream, chunk}));
  };
  how.before_signal = [&](process::Signal signal) {
    if (signal.number == SIGINT) tell_stopping();
  };
  auto on_channel = [&]() -> process::ControlEvent {
    if (!channel.read_available()) {
      return {process::StopReason::owner_gone, true, parent_gone_settle};
    }
    process::ControlEvent event;
    try {
      Ask asked = Ask::nothing;
      while (auto frame = channel.next_buffered())
        asked = stronger(asked, handle(channel, state, *frame, request.run_id));
      if (asked != Ask::nothing) event.stop = process::StopReason::interrupted;
      event.escalate = asked == Ask::escalate;
    } catch (const ProtocolError& e) {
      // The channel cannot be trusted any more: wind terraform down, then give up.
      state.protocol_error = e.what();
      return {process::StopReason::interrupted, true};
    }
    return event;
  };
  auto on_termination = [&]() -> process::ControlEvent {
    if (!take_termination_signals()) return {};
    state.terminated = true;
    tell_stopping();
    return {.stop = process::StopReason::interrupted, .already_interrupted = true};
  };
  how.controls = {{channel.in_fd(), on_channel}, {termination_fd, on_termination}};
  process::ChildExit exit = process::wait_blocking(child, how);
  // Only a successful init's packages are known complete.
  if (plugin_cache && exit.retcode == 0) plugin_cache->publish();
  channel.send(FrameType::finished, encode(Finished{request.run_id, exit}));
}

// How the pool's reports name this worker: "HOST pid PID", and " slurm JOB.STEP" in a
// Slurm step.
std::string describe_self() {
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::string description = std::string(host.data()) + " pid " + std::to_string(::getpid());
  // NOLINTNEXTLINE(concurrency-mt-unsafe): this process has one thread
  const char* job = std::getenv("SLURM_JOB_ID");
  // NOLINTNEXTLINE(concurrency-mt-unsafe): this process has one thread
  const char* step = std::getenv("SLURM_STEP_ID");
  if (job && step) description += std::string(" slurm ") + job + "." + step;
  return description;
}

// The worker's loop, from its greeting to its exit.
//
// A remote worker that had a SIGTERM while its command ran exits once the command has
// ended: its host is stopping it (Slurm's scancel sends SIGTERM to every process of the
// job, then SIGKILL), and the pool starts another. A local worker goes on: its SIGTERM
// comes with one to the host, which then shuts the pool down.
[[noreturn]] void serve(Channel& channel, const std::function<void()>& initializer,
                        std::chrono::milliseconds parent_gone_settle, bool exit_when_terminated) {
  channel.greet();
  if (initializer) {
    try {
      initializer();
    } catch (const std::exception& e) {
      fail(channel, std::string("worker initializer threw: ") + e.what());
    } catch (...) {
      fail(channel, "worker initializer threw");
    }
  }
  channel.send(FrameType::ready, PayloadWriter().string(describe_self()).take());

  WorkerState state;
  while (!state.shutdown_requested && !channel.parent_gone()) {
    try {
      if (state.waiting.empty()) {
        auto frame = channel.receive();
        if (!frame) break;
        handle(channel, state, *frame, std::nullopt);
        continue;
      }
      // What arrived meanwhile first: a revoke of the next command, or the parent's end.
      if (!channel.poll_available() || !handle_buffered(channel, state)) break;
      if (state.waiting.empty()) continue;
      RunRequest request = std::move(state.waiting.front());
      state.waiting.pop_front();
      run_one(channel, request, state, parent_gone_settle);
      if (exit_when_terminated && state.terminated) break;
    } catch (const ProtocolError& e) {
      fail(channel, e.what());
    }
    if (state.protocol_error) fail(channel, *state.protocol_error);
  }
  if (state.protocol_error) fail(channel, *state.protocol_error);
  ::_exit(0);
}

}  // namespace

void worker_main(int channel_fd, const std::function<void()>& initializer) {
  isolate(channel_fd);
  Channel channel(kChannelFd, kChannelFd, true);
  serve(channel, initializer, kParentGoneSettle, false);
}

void remote_worker_main() {
  isolate(std::nullopt);
  Channel channel(STDIN_FILENO, STDOUT_FILENO, false);
  serve(channel, {}, 0ms, true);
}

}  // namespace libterraform::pool

namespace libterraform {

void run_pool_worker() {
  pool::remote_worker_main();
}

}  // namespace libterraform
