// TerraformCommand's failure paths, interrupts, timeouts and threads, against the real
// terraform on PATH.

#include "libterraform/libterraform.hpp"
#include "modules.hpp"
#include "test_support.hpp"

#include <atomic>
#include <thread>

namespace libterraform {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

class CommandFailuresTest : public testing::LeakCheck {
 protected:
  TerraformCommand initialized(std::string_view name, std::string_view main_tf) {
    return TerraformCommand(testing::make_initialized_module(dir.path(), name, main_tf),
                            testing::terraform_options());
  }

  TempDir dir;
};

TEST_F(CommandFailuresTest, InvalidConfiguration) {
  auto cli = initialized("invalid", testing::modules::kInvalid);
  auto r = cli.validate();
  EXPECT_EQ(r.retcode, 1);
  EXPECT_FALSE(r.value->at("valid").get<bool>());
  auto e = testing::expect_error<TerraformCommandError>(
      errc::command_failed, "Unsupported argument", [&] { cli.validate({.check = true}); });
  ASSERT_TRUE(e);
  ASSERT_FALSE(e->diagnostics().empty());
  EXPECT_EQ(e->diagnostics()[0].summary, "Unsupported argument");
  EXPECT_EQ(e->diagnostics()[0].filename, "main.tf");
}

TEST_F(CommandFailuresTest, MessagesCarryNoColourEscapes) {
  // run() passes no -no-color: terraform colours its diagnostics.
  auto cli = initialized("invalid", testing::modules::kInvalid);
  auto e = testing::expect_error<TerraformCommandError>(
      std::nullopt, "Unsupported argument", [&] { cli.run("validate", {.check = true}); });
  ASSERT_TRUE(e);
  std::string message = e->what();
  EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
  EXPECT_NE(e->error().find('\x1b'), std::string::npos) << "the raw output keeps them";
}

TEST_F(CommandFailuresTest, MissingVariableAndSecretsStayOutOfMessages) {
  auto cli = initialized("required", testing::modules::kRequiredVariable);
  auto e = testing::expect_error<TerraformCommandError>(
      std::nullopt, "No value for required variable", [&] {
        cli.plan({.vars = {{"password", "hunter2-secret"}}, .check = true});
      });
  ASSERT_TRUE(e);
  ASSERT_FALSE(e->diagnostics().empty());
  EXPECT_EQ(e->diagnostics()[0].summary, "No value for required variable");
  std::string message = e->what();
  EXPECT_EQ(message.find("hunter2-secret"), std::string::npos) << message;
  EXPECT_EQ(e->command_result().command_line().find("hunter2-secret"), std::string::npos);
  EXPECT_NE(e->argv().back().find("hunter2-secret"), std::string::npos);  // argv is whole
}

TEST_F(CommandFailuresTest, VariableValuesReachTerraformIntact) {
  auto cli = initialized("values", testing::modules::kRequiredVariable);
  const std::string tricky = "-starts with dash, has = \"quotes\" 'single' $HOME\nand a newline";
  auto r = cli.console("var.required", {.vars = {{"required", tricky}}, .check = true});
  EXPECT_EQ(r.output,
            "<<EOT\n-starts with dash, has = \"quotes\" 'single' $HOME\nand a newline\nEOT\n");
}

TEST_F(CommandFailuresTest, MissingBinaryIsATypedError) {
  auto options = testing::terraform_options();
  options.terraform = "/nonexistent/terraform";
  auto e = testing::expect_error(errc::binary_not_found, "",
                                 [&] { TerraformCommand cli(dir.path(), options); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->result(), nullptr);
  options.terraform = "no-such-terraform-binary";
  EXPECT_THROW(TerraformCommand(dir.path(), options), Error);
}

TEST_F(CommandFailuresTest, MissingDirectoryIsATypedError) {
  TerraformCommand cli(dir.path() / "does-not-exist", testing::terraform_options());
  testing::expect_error(errc::directory_not_found, "", [&] { cli.validate(); });
}

TEST_F(CommandFailuresTest, StateLockedByAConcurrentApply) {
  auto cli = initialized("locked", testing::slow_resource(30));
  std::atomic<bool> started{false};
  std::stop_source stop;
  std::thread slow([&] {
    cli.apply({.on_output =
                   [&](std::string_view line) {
                     if (line.find("provision_start") != std::string_view::npos) started = true;
                   },
               .stop_token = stop.get_token()});
  });
  ASSERT_TRUE(testing::eventually([&] { return started.load(); })) << "the apply never started";

  try {
    cli.plan({.lock_timeout = 0ms, .check = true});
    ADD_FAILURE() << "the plan ran although the state was locked";
  } catch (const TerraformCommandError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_EQ(e.diagnostics()[0].summary, "Error acquiring the state lock");
  }
  stop.request_stop();
  slow.join();
  EXPECT_TRUE(testing::state_is_clean(cli.working_dir()));
}

TEST_F(CommandFailuresTest, StopTokenInterruptsASlowApplyGracefully) {
  auto cli = initialized("interrupted", testing::slow_resource(30));
  std::stop_source stop;
  auto r = cli.apply({.on_output =
                          [&](std::string_view line) {
                            if (line.find("provision_start") != std::string_view::npos) {
                              stop.request_stop();
                            }
                          },
                      .stop_token = stop.get_token()});
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.retcode, 1);
  EXPECT_NE(r.output.find("apply_errored"), std::string::npos);
  EXPECT_TRUE(testing::state_is_clean(cli.working_dir()));
  // The module is usable afterwards: the interrupted resource is tainted and replaced.
  auto next = cli.apply({.vars = {{"sleep_seconds", "0"}}, .check = true});
  EXPECT_EQ(next.retcode, 0);
}

TEST_F(CommandFailuresTest, CheckedInterruptIsItsOwnError) {
  auto cli = initialized("checked", testing::slow_resource(30));
  std::stop_source stop;
  auto e = testing::expect_error<CommandInterruptedError>(errc::interrupted, "", [&] {
    cli.apply({.check = true,
               .on_output =
                   [&](std::string_view line) {
                     if (line.find("provision_start") != std::string_view::npos) {
                       stop.request_stop();
                     }
                   },
               .stop_token = stop.get_token()});
  });
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->result()->interrupted);
}

TEST_F(CommandFailuresTest, TimeoutInterruptsAndRaisesWithThePartialResult) {
  auto cli = initialized("timeout", testing::slow_resource(30));
  auto e = testing::expect_error<CommandTimeoutError>(errc::timed_out, "",
                                                      [&] { cli.apply({.timeout = 3s}); });
  ASSERT_TRUE(e);
  ASSERT_NE(e->result(), nullptr);
  EXPECT_TRUE(e->result()->timed_out);
  EXPECT_NE(e->result()->output.find("apply_start"), std::string::npos);
  EXPECT_TRUE(testing::state_is_clean(cli.working_dir()));
}

TEST_F(CommandFailuresTest, ThreadsRunCommandsInParallel) {
  auto first = initialized("first", testing::slow_resource(3));
  auto second = initialized("second", testing::slow_resource(3));
  using Clock = std::chrono::steady_clock;
  struct Span {
    Clock::time_point start, end;
  };
  auto timed_apply = [](const TerraformCommand& cli, Span& span) {
    cli.apply({.check = true, .on_output = [&](std::string_view line) {
                 if (line.find("provision_start") != std::string_view::npos) {
                   span.start = Clock::now();
                 }
                 if (line.find("provision_complete") != std::string_view::npos) {
                   span.end = Clock::now();
                 }
               }});
  };
  Span a, b;
  std::thread t1([&] { timed_apply(first, a); });
  std::thread t2([&] { timed_apply(second, b); });
  t1.join();
  t2.join();
  // Both provisioners were sleeping at the same time.
  EXPECT_LT(a.start, b.end);
  EXPECT_LT(b.start, a.end);
  EXPECT_TRUE(testing::state_is_clean(first.working_dir()));
  EXPECT_TRUE(testing::state_is_clean(second.working_dir()));
}

TEST_F(CommandFailuresTest, ThrowingCallbackStopsTerraformAndPropagates) {
  auto cli = initialized("callback", testing::slow_resource(30));
  struct Stop {};
  EXPECT_THROW(cli.apply({.on_output =
                              [](std::string_view line) {
                                if (line.find("provision_start") != std::string_view::npos) {
                                  throw Stop{};
                                }
                              }}),
               Stop);
  EXPECT_TRUE(testing::state_is_clean(cli.working_dir()));
}

}  // namespace
}  // namespace libterraform
