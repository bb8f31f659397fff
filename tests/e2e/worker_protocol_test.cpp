// The worker's end of the pool protocol, driven directly over a socket pair, and the
// parent's answer to a worker that breaks the protocol. A malformed or truncated
// frame is an error, never a crash or a hang.

#include "libterraform/libterraform.hpp"
#include "pool/messages.hpp"
#include "pool/worker.hpp"
#include "process/environment.hpp"
#include "test_support.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace libterraform::pool {
namespace {

using namespace std::chrono_literals;

// This test's end of a worker's channel.
class TestParent {
 public:
  TestParent() {
    int pair[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    pid_ = ::fork();
    if (pid_ == 0) worker_main(pair[1], {});
    ::close(pair[1]);
    fd_ = pair[0];
    auto hello = receive();
    EXPECT_TRUE(hello && hello->type == FrameType::hello && hello->payload == version());
  }
  ~TestParent() {
    if (fd_ >= 0) ::close(fd_);
    if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  }

  void send_raw(std::string_view bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  void send(FrameType type, std::string_view payload) { send_raw(encode_frame(type, payload)); }
  void close() {
    ::close(fd_);
    fd_ = -1;
  }

  // The next frame (descriptors that come along are closed); empty at end of stream.
  std::optional<Frame> receive() {
    while (true) {
      if (auto frame = decoder_.next()) return frame;
      pollfd readable{fd_, POLLIN, 0};
      if (::poll(&readable, 1, 30000) <= 0) return std::nullopt;
      std::array<char, 65536> buffer;
      iovec io{buffer.data(), buffer.size()};
      alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(int) * 8)> control{};
      msghdr message{};
      message.msg_iov = &io;
      message.msg_iovlen = 1;
      message.msg_control = control.data();
      message.msg_controllen = control.size();
      ssize_t n = ::recvmsg(fd_, &message, MSG_CMSG_CLOEXEC);
      for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
        std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
          int fd;
          std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
          ::close(fd);
          ++descriptors_received;
        }
      }
      if (n <= 0) return std::nullopt;
      decoder_.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    }
  }
  // Waits until the command printed `text` on stdout.
  bool wait_for_output(std::string_view text) {
    std::string seen;
    while (auto frame = receive()) {
      if (frame->type != FrameType::output) continue;
      seen.append(decode_output(frame->payload).bytes);
      if (seen.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::optional<Frame> receive_until(FrameType type) {
    while (auto frame = receive()) {
      if (frame->type == type) return frame;
    }
    return std::nullopt;
  }

  int exit_status() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  int descriptors_received = 0;

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  FrameDecoder decoder_{true};
};

RunRequest helper_request(RunId id, std::vector<std::string> args) {
  RunRequest request;
  request.run_id = id;
  auto& launch = request.invocation.launch;
  launch.executable = testing::child_helper();
  launch.argv = {launch.executable};
  launch.argv.insert(launch.argv.end(), args.begin(), args.end());
  launch.environment = process::shared_environment({}, false);
  return request;
}

class WorkerProtocolTest : public testing::LeakCheck {};

TEST_F(WorkerProtocolTest, RunsACommandAndReportsItsOutput) {
  TestParent parent;
  ASSERT_EQ(parent.receive()->type, FrameType::ready);
  parent.send(FrameType::run, encode(helper_request(1, {"interleave", "3"})));
  std::string output;
  std::optional<Frame> frame;
  while ((frame = parent.receive()) && frame->type != FrameType::finished) {
    if (frame->type == FrameType::output) {
      auto chunk = decode_output(frame->payload);
      if (chunk.stream == process::OutputStream::out) output.append(chunk.bytes);
    }
  }
  ASSERT_TRUE(frame);
  EXPECT_EQ(decode_finished(frame->payload).exit.retcode, 0);
  EXPECT_EQ(std::count(output.begin(), output.end(), '\n'), 3);
  EXPECT_EQ(parent.descriptors_received, 3);  // pidfd, stdout, stderr
  parent.send(FrameType::shutdown, "");
  EXPECT_EQ(parent.exit_status(), 0);
}

TEST_F(WorkerProtocolTest, MalformedRequestEndsTheWorkerWithAnError) {
  TestParent parent;
  ASSERT_EQ(parent.receive()->type, FrameType::ready);
  parent.send_raw("this is not a frame at all");
  auto error = parent.receive();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->type, FrameType::worker_error);
  EXPECT_NE(PayloadReader(error->payload).string().find("magic"), std::string::npos);
  int status = parent.exit_status();
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST_F(WorkerProtocolTest, TruncatedRunPayloadIsAnError) {
  TestParent parent;
  ASSERT_EQ(parent.receive()->type, FrameType::ready);
  parent.send(FrameType::run, "short");
  auto error = parent.receive_until(FrameType::worker_error);
  ASSERT_TRUE(error);
  EXPECT_EQ(WEXITSTATUS(parent.exit_status()), 2);
}

TEST_F(WorkerProtocolTest, GarbageDuringARunInterruptsTheCommandFirst) {
  TestParent parent;
  ASSERT_EQ(parent.receive()->type, FrameType::ready);
  parent.send(FrameType::run, encode(helper_request(1, {"sleep", "60"})));
  ASSERT_TRUE(parent.receive_until(FrameType::started));
  parent.send_raw(std::string(64, '\x7f'));
  auto finished = parent.receive_until(FrameType::finished);
  ASSERT_TRUE(finished);
  EXPECT_EQ(decode_finished(finished->payload).exit.retcode, -SIGINT);
  ASSERT_TRUE(parent.receive_until(FrameType::worker_error));
  EXPECT_EQ(WEXITSTATUS(parent.exit_status()), 2);
}

TEST_F(WorkerProtocolTest, ParentGoneMeansInterruptWaitAndExit) {
  TestParent parent;
  ASSERT_EQ(parent.receive()->type, FrameType::ready);
  parent.send(FrameType::run, encode(helper_request(1, {"trap-int", "200", "7"})));
  ASSERT_TRUE(parent.wait_for_output("ready"));
  parent.close();
  int status = parent.exit_status();  // returns only once the command has been reaped
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(WorkerProtocolTest, InterruptForAnotherRunIsIgnored) {
  TestParent parent;
  ASSERT_EQ(parent.receive()->type, FrameType::ready);
  parent.send(FrameType::run, encode(helper_request(5, {"trap-int", "10", "7"})));
  ASSERT_TRUE(parent.wait_for_output("ready"));
  parent.send(FrameType::interrupt, encode_run_id(4));
  parent.send(FrameType::interrupt, encode_run_id(5));
  auto finished = parent.receive_until(FrameType::finished);
  ASSERT_TRUE(finished);
  auto exit = decode_finished(finished->payload).exit;
  EXPECT_EQ(exit.retcode, 7);
  EXPECT_EQ(exit.stop_reason, process::StopReason::interrupted);
  parent.send(FrameType::shutdown, "");
  EXPECT_EQ(parent.exit_status(), 0);
}

TEST_F(WorkerProtocolTest, EscalateAppliesTheStopPolicyOfACommandStillStopping) {
  TestParent parent;
  ASSERT_EQ(parent.receive()->type, FrameType::ready);
  auto slow = helper_request(1, {"trap-int", "60000", "7"});  // stops in a minute
  slow.invocation.supervision.stop_policy = {.grace_period = std::chrono::milliseconds::max(),
                                             .escalation = Escalation::interrupt_again};
  parent.send(FrameType::run, encode(slow));
  parent.send(FrameType::run, encode(helper_request(2, {"exit", "2"})));
  ASSERT_TRUE(parent.wait_for_output("ready"));
  parent.send(FrameType::escalate, encode_run_id(2));  // waiting: dropped
  auto revoked = parent.receive_until(FrameType::revoked);
  ASSERT_TRUE(revoked);
  EXPECT_EQ(decode_run_id(revoked->payload), 2u);
  parent.send(FrameType::interrupt, encode_run_id(1));
  ASSERT_TRUE(parent.wait_for_output("interrupted"));
  parent.send(FrameType::escalate, encode_run_id(1));
  auto finished = parent.receive_until(FrameType::finished);
  ASSERT_TRUE(finished);
  auto message = decode_finished(finished->payload);
  EXPECT_EQ(message.run_id, 1u);
  EXPECT_EQ(message.exit.retcode, 99);  // the second SIGINT
  parent.send(FrameType::shutdown, "");
  EXPECT_EQ(parent.exit_status(), 0);
}

TEST_F(WorkerProtocolTest, WaitingCommandsRunInTurnUnlessDropped) {
  TestParent parent;
  ASSERT_EQ(parent.receive()->type, FrameType::ready);
  parent.send(FrameType::run, encode(helper_request(1, {"trap-int", "10", "7"})));
  parent.send(FrameType::run, encode(helper_request(2, {"exit", "2"})));
  parent.send(FrameType::run, encode(helper_request(3, {"exit", "3"})));
  parent.send(FrameType::run, encode(helper_request(4, {"exit", "4"})));
  ASSERT_TRUE(parent.wait_for_output("ready"));  // command 1 runs; 2, 3 and 4 wait
  parent.send(FrameType::revoke, encode_run_id(2));
  parent.send(FrameType::revoke, encode_run_id(1));     // started: a revoke leaves it be
  parent.send(FrameType::interrupt, encode_run_id(3));  // waiting: dropped
  std::vector<RunId> revoked;
  for (int i = 0; i < 2; ++i) {
    auto frame = parent.receive_until(FrameType::revoked);
    ASSERT_TRUE(frame);
    revoked.push_back(decode_run_id(frame->payload));
  }
  EXPECT_EQ(revoked, (std::vector<RunId>{2, 3}));
  parent.send(FrameType::interrupt, encode_run_id(1));
  std::vector<std::pair<RunId, int>> finished;
  while (finished.size() < 2) {
    auto frame = parent.receive_until(FrameType::finished);
    ASSERT_TRUE(frame);
    auto message = decode_finished(frame->payload);
    finished.emplace_back(message.run_id, message.exit.retcode);
  }
  EXPECT_EQ(finished, (std::vector<std::pair<RunId, int>>{{1, 7}, {4, 4}}));
  parent.send(FrameType::shutdown, "");
  EXPECT_EQ(parent.exit_status(), 0);
}

TEST_F(WorkerProtocolTest, ParentReportsAWorkerThatSendsATruncatedFrame) {
  PoolOptions options{.max_workers = 1, .terraform = testing::terraform_options()};
  options.worker_initializer = [] {
    std::string frame = encode_frame(FrameType::ready, "");
    [[maybe_unused]] auto n = ::write(3, frame.data(), frame.size() - 1);  // fd 3: the channel
    ::_exit(0);
  };
  TerraformPool pool(options);
  testing::expect_error(errc::worker_start_failed, "truncated", [&] { pool.run("version").get(); });
}

TEST_F(WorkerProtocolTest, ParentReportsAWorkerThatSendsGarbage) {
  PoolOptions options{.max_workers = 1, .terraform = testing::terraform_options()};
  options.worker_initializer = [] {
    std::string garbage(32, 'G');
    [[maybe_unused]] auto n = ::write(3, garbage.data(), garbage.size());
  };
  TerraformPool pool(options);
  testing::expect_error(errc::worker_start_failed, "protocol error",
                        [&] { pool.run("version").get(); });
}

}  // namespace
}  // namespace libterraform::pool
