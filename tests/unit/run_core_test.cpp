// The run core without a process: output in, "stop?" and the outcome out.

#include "command/run_core.hpp"
#include "command/conclude.hpp"
#include "command/output_collector.hpp"
#include "command/output_parser.hpp"
#include "libterraform/errors.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace libterraform::detail {
namespace {

using namespace std::chrono_literals;
using process::OutputStream;
using process::StopReason;

constexpr const char* kVersion =
    R"({"@level":"info","@message":"Terraform 1.11.4","type":"version","terraform":"1.11.4","ui":"1.2"})"
    "\n";
constexpr const char* kLog = R"({"@level":"info","@message":"hello","type":"log"})"
                             "\n";

CommandSpec spec_of(OutputFormat format, CommonOptions common = {}) {
  CommandSpec spec;
  spec.name = "plan";
  spec.format = format;
  spec.common = std::move(common);
  return spec;
}

RunCore core_of(CommandSpec spec, EventCallback also = {}) {
  Invocation invocation;
  invocation.launch.argv = {"/usr/bin/terraform", "plan"};
  invocation.launch.working_dir = "/modules/app";
  return RunCore(std::move(spec), invocation, std::move(also));
}

process::ChildExit exited(int retcode, StopReason reason = StopReason::none) {
  return {retcode, reason, 7ms};
}

TEST(RunCore, LinesReachTheCallbacksWholeWhateverTheChunks) {
  std::vector<std::string> out, err;
  CommonOptions common;
  common.on_output = [&](std::string_view line) { out.emplace_back(line); };
  common.on_error = [&](std::string_view line) { err.emplace_back(line); };
  auto core = core_of(spec_of(OutputFormat::text, common));
  EXPECT_TRUE(core.has_callbacks());
  EXPECT_TRUE(core.on_output(OutputStream::out, "fir"));
  EXPECT_TRUE(core.on_output(OutputStream::err, "oops\n"));
  EXPECT_TRUE(core.on_output(OutputStream::out, "st\nsecond\nla"));
  EXPECT_TRUE(core.on_output(OutputStream::out, "st"));
  EXPECT_EQ(out, (std::vector<std::string>{"first", "second"}));
  Outcome outcome = core.finish(exited(0));
  EXPECT_EQ(out, (std::vector<std::string>{"first", "second", "last"}));
  EXPECT_EQ(err, std::vector<std::string>{"oops"});
  ASSERT_FALSE(outcome.failed());
  EXPECT_EQ(outcome.result->output, "first\nsecond\nlast");
  EXPECT_EQ(outcome.result->error, "oops\n");
  EXPECT_EQ(outcome.result->working_dir, "/modules/app");
  EXPECT_EQ(outcome.result->duration, 7ms);
}

TEST(RunCore, EventsGoToTheOptionsThenTheExtraCallback) {
  std::vector<std::string> seen;
  CommonOptions common;
  common.on_event = [&](const Event& e) { seen.push_back("options:" + e.message); };
  auto core = core_of(spec_of(OutputFormat::json_lines, common),
                      [&](const Event& e) { seen.push_back("also:" + e.message); });
  EXPECT_TRUE(core.on_output(OutputStream::out, kVersion));
  EXPECT_TRUE(core.on_output(OutputStream::out, kLog));
  EXPECT_EQ(seen, (std::vector<std::string>{"options:Terraform 1.11.4", "also:Terraform 1.11.4",
                                            "options:hello", "also:hello"}));
  Outcome outcome = core.finish(exited(0));
  ASSERT_FALSE(outcome.failed());
  ASSERT_TRUE(outcome.result->value);
  EXPECT_EQ(outcome.result->value->size(), 2u);
}

TEST(RunCore, AThrowingCallbackAsksForAStopAndIsCarriedAsItIs) {
  int calls = 0;
  CommonOptions common;
  common.on_output = [&](std::string_view) {
    ++calls;
    throw std::domain_error("the caller's own");
  };
  auto core = core_of(spec_of(OutputFormat::text, common));
  EXPECT_FALSE(core.on_output(OutputStream::out, "one\ntwo\n"));  // stop now
  EXPECT_TRUE(core.on_output(OutputStream::out, "three\n"));      // asked once only
  EXPECT_EQ(calls, 1);                                            // and not called again
  Outcome outcome = core.finish(exited(-2, StopReason::interrupted));
  EXPECT_EQ(outcome.code, errc::callback_failed);
  EXPECT_NE(outcome.message.find("the caller's own"), std::string::npos);
  ASSERT_TRUE(outcome.result);
  EXPECT_TRUE(outcome.result->interrupted);
  EXPECT_EQ(outcome.result->output, "one\ntwo\nthree\n");
  EXPECT_THROW(std::rethrow_exception(outcome.exception()), std::domain_error);
  EXPECT_THROW(outcome.get(), std::domain_error);
}

TEST(RunCore, AnEventStreamOfAnotherUiMajorStopsTheRun) {
  CommonOptions common;
  common.on_event = [](const Event&) {};
  auto core = core_of(spec_of(OutputFormat::json_lines, common));
  EXPECT_FALSE(core.on_output(OutputStream::out,
                              R"({"@message":"Terraform 2.0.0","type":"version","ui":"2.0"})"
                              "\n"));
  Outcome outcome = core.finish(exited(0));
  EXPECT_EQ(outcome.code, errc::unsupported_ui_version);
  ASSERT_TRUE(outcome.result);
  auto e = testing::expect_error(errc::unsupported_ui_version, "", [&] { outcome.get(); });
  ASSERT_TRUE(e);
  ASSERT_NE(e->result(), nullptr);
}

// Without a listener the stream is still parsed as it comes, once: the result holds
// what parse_output makes of the whole text, and what it says after the run.
TEST(RunCore, AStreamNobodyListensToIsParsedAsItComesIntoTheResult) {
  const std::string text = std::string(kVersion) + "plain text among the events\n" + kLog + "  " +
                           kLog;  // leading blanks, and no newline at the end
  CommonOptions keep;
  keep.keep_output = true;
  auto core = core_of(spec_of(OutputFormat::json_lines, keep));
  EXPECT_FALSE(core.has_callbacks());
  for (char c : text)  // chunks of one byte: lines come whole all the same
    EXPECT_TRUE(core.on_output(OutputStream::out, std::string_view(&c, 1)));
  Outcome outcome = core.finish(exited(0));
  ASSERT_FALSE(outcome.failed());
  ASSERT_TRUE(outcome.result->value);
  EXPECT_EQ(*outcome.result->value, *parse_output(OutputFormat::json_lines, text).value);
  EXPECT_EQ(outcome.result->value->size(), 3u);
  EXPECT_EQ(outcome.result->output, text);
}

TEST(RunCore, AStreamNobodyListensToReportsWhatDidNotParseAfterTheRun) {
  CommonOptions keep;
  keep.keep_output = true;
  auto broken = core_of(spec_of(OutputFormat::json_lines, keep));
  EXPECT_TRUE(broken.on_output(OutputStream::out, std::string(kVersion) + "{\"type\": nope}\n"));
  Outcome outcome = broken.finish(exited(0));
  EXPECT_EQ(outcome.code, errc::invalid_json);
  EXPECT_EQ(outcome.message, "terraform plan printed line 2, invalid JSON at byte 11");
  ASSERT_TRUE(outcome.result && outcome.result->value);
  EXPECT_EQ(outcome.result->value->size(), 1u) << "the events around it are kept";

  auto newer = core_of(spec_of(OutputFormat::json_lines, keep));
  EXPECT_TRUE(newer.on_output(OutputStream::out,
                              R"({"@message":"Terraform 2.0.0","type":"version","ui":"2.0"})"
                              "\n"));
  EXPECT_EQ(newer.finish(exited(0)).code, errc::unsupported_ui_version);
}

// The collector parses the stream; conclude takes what it parsed rather than parsing
// the text again.
TEST(RunCore, TheStreamIsParsedByTheCollectorAndConcludeTakesIt) {
  CommonOptions keep;
  keep.keep_output = true;
  OutputCollector collector(keep, OutputFormat::json_lines);
  collector.add(OutputStream::out, std::string(kVersion) + kLog);
  collector.finish();
  auto parsed = collector.parsed();
  ASSERT_TRUE(parsed && parsed->value);
  EXPECT_EQ(parsed->value->size(), 2u);

  RawRun raw;
  raw.exit = exited(0);
  raw.output = "not parsed again";
  raw.parsed = std::move(parsed);
  Outcome outcome = conclude(spec_of(OutputFormat::json_lines, keep), std::move(raw));
  ASSERT_FALSE(outcome.failed());
  EXPECT_EQ(outcome.result->value->size(), 2u);
  EXPECT_EQ(OutputCollector(keep, OutputFormat::json).parsed(), std::nullopt)
      << "a document is parsed whole, at the end";
}

TEST(RunCore, ACheckedFailureIsTheTypedErrorWithTheResult) {
  CommonOptions common;
  common.check = true;
  auto core = core_of(spec_of(OutputFormat::text, common));
  core.on_output(OutputStream::err, "Error: bad things\n");
  Outcome outcome = core.finish(exited(1));
  EXPECT_EQ(outcome.code, errc::command_failed);
  auto e = testing::expect_error<TerraformCommandError>(std::nullopt, "bad things",
                                                        [&] { outcome.get(); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->retcode(), 1);
}

TEST(RunCore, AnAbandonedRunKeepsWhatTerraformPrinted) {
  auto core = core_of(spec_of(OutputFormat::text));
  core.on_output(OutputStream::out, "partial");
  Outcome outcome = core.abandon(errc::timed_out, "worker gone", 1500ms);
  EXPECT_EQ(outcome.code, errc::timed_out);
  ASSERT_TRUE(outcome.result);
  EXPECT_EQ(outcome.result->retcode, -1);
  EXPECT_EQ(outcome.result->output, "partial");
  EXPECT_TRUE(outcome.result->interrupted);
  EXPECT_TRUE(outcome.result->timed_out);
  EXPECT_EQ(outcome.result->duration, 1500ms);
  EXPECT_THROW(outcome.get(), CommandTimeoutError);

  auto died = core_of(spec_of(OutputFormat::text)).abandon(errc::worker_died, "killed", {});
  EXPECT_FALSE(died.result->timed_out);
  auto e = testing::expect_error(errc::worker_died, "", [&] { died.get(); });
  ASSERT_TRUE(e);
  EXPECT_STREQ(e->what(), "killed");
}

TEST(Outcome, SuccessHasNoException) {
  Outcome outcome{std::make_shared<CommandResult>(), {}, {}, nullptr};
  EXPECT_FALSE(outcome.failed());
  EXPECT_EQ(outcome.exception(), nullptr);
  EXPECT_EQ(outcome.get().retcode, 0);
}

}  // namespace
}  // namespace libterraform::detail
