// The library in hosts that change process-wide state: SIGCHLD ignored or reaped by a
// handler of the host's, standard streams closed, a deleted working directory, paths
// beyond PATH_MAX, and input the kernel or the pool's channel cannot carry.

#include "libterraform/libterraform.hpp"
#include "test_support.hpp"

#include <boost/asio/io_context.hpp>

#include <sys/utsname.h>
#include <unistd.h>

#include <limits.h>
#include <atomic>
#include <cstdio>
#include <optional>

namespace libterraform {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
namespace fs = std::filesystem;

// Since Linux 6.15 a pidfd keeps the exit status of a child someone else reaped.
bool kernel_keeps_exit_status() {
  utsname name{};
  ::uname(&name);
  int major = 0, minor = 0;
  std::sscanf(name.release, "%d.%d", &major, &minor);
  return major > 6 || (major == 6 && minor >= 15);
}

// The exit code of `run` through each front end (blocking, Asio, pool), or what the
// library says when it cannot know it.
struct Codes {
  int blocking = 0, async = 0, pool = 0;
};

constexpr int kLost = -1000;  // errc::exit_status_lost

int code_of(const std::function<int()>& run) {
  try {
    return run();
  } catch (const Error& e) {
    if (e.code() == errc::exit_status_lost) return kLost;
    throw;
  }
}

class HostConditionsTest : public testing::LeakCheck {
 protected:
  TerraformOptions fake(std::string_view body) {
    auto options = testing::terraform_options();
    options.terraform = testing::fake_terraform(dir.path(), body).string();
    return options;
  }

  Codes exit_codes_of(const TerraformOptions& options) {
    Codes codes;
    codes.blocking =
        code_of([&] { return TerraformCommand(dir.path(), options).run("anything").retcode; });
    boost::asio::io_context io;
    AsyncRunOptions async_options;
    async_options.terraform = options;
    AsyncTerraformCommand::run(io.get_executor(), "anything", async_options,
                               [&](boost::system::error_code ec, RunResult r) {
                                 codes.async = ec == errc::exit_status_lost ? kLost : r.retcode;
                               });
    io.run();
    TerraformPool pool({.max_workers = 1, .terraform = options});
    codes.pool = code_of([&] { return pool.run("anything").get().retcode; });
    return codes;
  }

  TempDir dir;
};

// Never a wrong exit code: the real one, or (before Linux 6.15, for a child of this
// process) a typed error. Pool workers are the parents of their terraform, and keep
// SIGCHLD as it should be.
class ExitStatusTakenByTheHost : public HostConditionsTest,
                                 public ::testing::WithParamInterface<bool> {};

TEST_P(ExitStatusTakenByTheHost, ExitCodesStayTrue) {
  // SIG_IGN makes the kernel reap children at once, taking their exit status along;
  // a handler calling waitpid(-1) takes it too.
  testing::ScopedSignal host(SIGCHLD, GetParam() ? testing::reap_every_child : SIG_IGN);
  Codes codes = exit_codes_of(fake("sleep 0.2; exit 3"));
  const int expected = kernel_keeps_exit_status() ? 3 : kLost;
  EXPECT_EQ(codes.blocking, expected);
  EXPECT_EQ(codes.async, expected);
  EXPECT_EQ(codes.pool, 3);
}

INSTANTIATE_TEST_SUITE_P(Hosts, ExitStatusTakenByTheHost, ::testing::Bool(), [](const auto& info) {
  return info.param ? "ReapingHandler" : "Ignored";
});

TEST_F(HostConditionsTest, ClosedStandardStreamsChangeNothing) {
  auto options = fake("echo out; echo err >&2; read line; echo \"stdin=$line\"; exit 3");
  std::optional<RunResult> blocking, pooled;
  std::string failure;
  {
    testing::StdioClosed closed;
    try {
      blocking = TerraformCommand(dir.path(), options).run("x");
      TerraformPool pool({.max_workers = 1, .terraform = options});
      pooled = pool.run("x").get();
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  ASSERT_EQ(failure, "");
  ASSERT_TRUE(blocking && pooled);
  for (const auto& result : {*blocking, *pooled}) {
    EXPECT_EQ(result.retcode, 3);
    EXPECT_EQ(result.output, "out\nstdin=\n");
    EXPECT_EQ(result.error, "err\n");
  }
}

TEST_F(HostConditionsTest, ADeletedWorkingDirectoryIsATypedError) {
  auto options = fake("exit 0");
  TerraformPool pool({.max_workers = 1, .terraform = options});
  const auto before = fs::current_path();
  fs::create_directory(dir / "gone");
  fs::current_path(dir / "gone");
  fs::remove(dir / "gone");
  std::optional<Future<RunResult>> future;
  try {
    future = pool.run("version");
  } catch (...) {
  }
  fs::current_path(before);
  ASSERT_TRUE(future) << "run() threw instead of failing its future";
  testing::expect_error(errc::directory_not_found, "", [&] { future->get(); });
}

TEST_F(HostConditionsTest, DirectoriesBeyondPathMaxRunEverywhere) {
  auto options = fake("pwd");
  fs::path deep = testing::make_deep_directory(dir.path(), PATH_MAX + 500);
  ASSERT_GT(deep.string().size(), static_cast<std::size_t>(PATH_MAX));
  const std::string expected =
      fs::canonical(dir.path()).string() + deep.string().substr(dir.path().string().size()) + "\n";

  EXPECT_EQ(TerraformCommand(deep, options).run("x").output, expected);
  TerraformPool pool({.max_workers = 1, .terraform = options});
  EXPECT_EQ(pool.command(deep).workspace_show().get().output, expected);
  EXPECT_EQ(pool.run("x", {.cwd = deep}).get().output, expected);
}

TEST_F(HostConditionsTest, NulBytesInPathsAndEnvironmentAreRefused) {
  auto options = fake("exit 0");
  const fs::path with_nul = dir.path().string() + std::string("\0/elsewhere", 11);
  auto expect_invalid = [](auto&& call, const char* what) {
    try {
      call();
      ADD_FAILURE() << what << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), errc::invalid_option) << what << ": " << e.what();
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
  };
  TerraformPool pool({.max_workers = 1, .terraform = options});
  const Environment env{{"TOKEN", std::string("se\0cret", 7)}};
  expect_invalid([&] { TerraformCommand(with_nul, options).version(); }, "command in a NUL path");
  expect_invalid([&] { pool.command(with_nul).version(); }, "pool command in a NUL path");
  expect_invalid([&] { pool.run("x", {.cwd = with_nul}); }, "pool run in a NUL path");
  expect_invalid([&] { TerraformCommand(dir.path(), options).version({.env = env}); },
                 "NUL in a value");
  expect_invalid([&] { pool.command(dir.path()).version({.env = env}); }, "pool, NUL in a value");
  auto host_env = options;
  host_env.env = env;
  expect_invalid([&] { TerraformCommand(dir.path(), host_env); }, "NUL in the options' env");
}

TEST_F(HostConditionsTest, InputTooLargeForAPoolTaskIsATypedError) {
  auto options = fake("cat >/dev/null; exit 0");
  TerraformPool pool({.max_workers = 1, .terraform = options});
  testing::expect_error(errc::invalid_option, "TerraformCommand",
                        [&] { pool.run("console", {.input = std::string((64 << 20) + 1, 'x')}); });
  EXPECT_EQ(pool.run("console", {.input = std::string(1 << 20, 'x')}).get().retcode, 0);
}

TEST_F(HostConditionsTest, AnArgumentTooLongForLinuxIsATypedError) {
  auto options = fake("exit 0");
  const std::string huge(1 << 20, 'v');
  for (auto call : std::vector<std::function<void()>>{
           [&] {
             TerraformCommand(dir.path(), options).plan({.vars = {{"big", huge}}});
           },
           [&] { TerraformCommand(dir.path(), options).version({.extra_args = {huge}}); }}) {
    try {
      call();
      ADD_FAILURE() << "expected invalid_option";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), errc::invalid_option);
      EXPECT_NE(std::string(e.what()).find("-var-file"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("vvvv"), std::string::npos) << "the value leaked";
    }
  }
}

}  // namespace
}  // namespace libterraform
