// Parsing terraform's output into a CommandResult, and what counts as a failure.

#include "command/conclude.hpp"
#include "command/output_parser.hpp"
#include "libterraform/errors.hpp"

#include <gtest/gtest.h>

namespace libterraform::detail {
namespace {

using process::StopReason;

RawRun finished(int retcode, std::string output, std::string error = {},
                StopReason reason = StopReason::none) {
  return {
      {"/usr/bin/terraform", "plan", "-var=password=hunter2"}, "/modules/app",    std::nullopt,
      {retcode, reason, std::chrono::milliseconds(5)},         std::move(output), std::move(error)};
}

CommandSpec spec_of(OutputFormat format, bool check = false) {
  CommandSpec spec;
  spec.name = "plan";
  spec.format = format;
  spec.common.check = check;
  return spec;
}

TEST(ParseOutput, OneDocument) {
  auto parsed = parse_output(OutputFormat::json, R"({"valid": true, "diagnostics": []})");
  ASSERT_TRUE(parsed.value);
  EXPECT_TRUE(parsed.value->at("valid").get<bool>());
  EXPECT_FALSE(parsed.failure);
}

TEST(ParseOutput, TextAndBlankOutputHaveNoValue) {
  EXPECT_FALSE(parse_output(OutputFormat::text, "{}").value);
  EXPECT_FALSE(parse_output(OutputFormat::json, " \n").value);
  EXPECT_FALSE(parse_output(OutputFormat::json, "").failure);
}

TEST(ParseOutput, InvalidAndTruncatedDocuments) {
  EXPECT_TRUE(parse_output(OutputFormat::json, "not json").failure);
  auto truncated = parse_output(OutputFormat::json, R"({"valid": tr)");
  EXPECT_TRUE(truncated.failure);
  EXPECT_FALSE(truncated.value);
}

TEST(ParseOutput, FailureDescriptionsDoNotQuoteTheText) {
  auto parsed = parse_output(OutputFormat::json, R"({"secret": "hunter2" oops})");
  ASSERT_TRUE(parsed.failure);
  EXPECT_EQ(parsed.failure->find("hunter2"), std::string::npos) << *parsed.failure;
}

TEST(ParseOutput, EventLinesSkipPlainTextAndKeepGoodEvents) {
  std::string text =
      "{\"type\":\"version\",\"ui\":\"1.2\"}\n"
      "\x1b[0m\x1b[32m\n"
      "Successfully configured the backend \"local\"!\n"
      "{\"type\":\"log\",\"@message\":\"hello\"}\r\n"
      "{\"type\":\"log\",\"@message\":\"cut of\n";
  auto parsed = parse_output(OutputFormat::json_lines, text);
  ASSERT_TRUE(parsed.value);
  ASSERT_EQ(parsed.value->size(), 2u);
  EXPECT_EQ((*parsed.value)[1]["@message"], "hello");
  ASSERT_TRUE(parsed.failure);
  EXPECT_NE(parsed.failure->find("line 5"), std::string::npos) << *parsed.failure;
}

TEST(FindDiagnostics, FromValidateDocumentAndFromEvents) {
  auto document = nlohmann::json::parse(R"({"valid": false, "diagnostics": [
      {"severity": "error", "summary": "Unsupported argument", "detail": "d",
       "range": {"filename": "main.tf", "start": {"line": 3}}}]})");
  auto diagnostics = find_diagnostics(document);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].summary, "Unsupported argument");
  EXPECT_EQ(diagnostics[0].filename, "main.tf");
  EXPECT_EQ(diagnostics[0].line, 3);

  auto events = nlohmann::json::parse(R"([
      {"type": "version"},
      {"type": "diagnostic", "diagnostic": {"severity": "warning", "summary": "w", "address": "a.b"}},
      {"type": "diagnostic", "diagnostic": {"severity": 7}},
      {"type": "diagnostic"}])");
  diagnostics = find_diagnostics(events);
  ASSERT_EQ(diagnostics.size(), 3u);
  EXPECT_EQ(diagnostics[0].address, "a.b");
  EXPECT_EQ(diagnostics[1].severity, "");  // wrong type reads as empty
}

TEST(Conclude, SuccessKeepsEverything) {
  auto outcome =
      conclude(spec_of(OutputFormat::json_lines), finished(0, "{\"type\":\"x\"}\n", "warn"));
  ASSERT_FALSE(outcome.failed());
  const auto& r = *outcome.result;
  EXPECT_EQ(r.retcode, 0);
  EXPECT_EQ(r.value->size(), 1u);
  EXPECT_EQ(r.error, "warn");
  EXPECT_EQ(r.working_dir, "/modules/app");
  EXPECT_FALSE(r.interrupted);
}

TEST(Conclude, FailureWithoutCheckIsAResult) {
  auto outcome = conclude(spec_of(OutputFormat::json_lines), finished(1, ""));
  EXPECT_FALSE(outcome.failed());
  EXPECT_EQ(outcome.get().retcode, 1);
}

TEST(Conclude, CheckRaisesTerraformCommandErrorWithDiagnostics) {
  std::string events =
      R"({"type":"diagnostic","diagnostic":{"severity":"error","summary":"No value for required variable"}})"
      "\n";
  auto outcome = conclude(spec_of(OutputFormat::json_lines, true), finished(1, events, "stderr"));
  ASSERT_TRUE(outcome.failed());
  try {
    std::rethrow_exception(outcome.exception());
  } catch (const TerraformCommandError& e) {
    EXPECT_EQ(e.code(), errc::command_failed);
    EXPECT_EQ(e.retcode(), 1);
    EXPECT_EQ(e.error(), "stderr");
    ASSERT_EQ(e.diagnostics().size(), 1u);
    std::string message = e.what();
    EXPECT_NE(message.find("No value for required variable"), std::string::npos) << message;
    EXPECT_NE(message.find("/modules/app"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
}

TEST(Conclude, DetailedExitCodeTwoIsSuccess) {
  auto spec = spec_of(OutputFormat::text, true);
  spec.detailed_exitcode = true;
  const auto changes = conclude(spec, finished(2, ""));
  EXPECT_FALSE(changes.failed());
  EXPECT_TRUE(changes.result->changes_present);  // said once, where the code is read
  EXPECT_FALSE(conclude(spec, finished(0, "")).result->changes_present);
  EXPECT_TRUE(conclude(spec, finished(1, "")).failed());
  EXPECT_TRUE(conclude(spec_of(OutputFormat::text, true), finished(2, "")).failed());
  EXPECT_FALSE(conclude(spec_of(OutputFormat::text), finished(2, "")).result->changes_present);
}

TEST(Conclude, TimeoutAlwaysRaisesWithThePartialResult) {
  auto outcome =
      conclude(spec_of(OutputFormat::text), finished(1, "partial", "", StopReason::timed_out));
  ASSERT_TRUE(outcome.failed());
  try {
    std::rethrow_exception(outcome.exception());
  } catch (const CommandTimeoutError& e) {
    EXPECT_EQ(e.code(), errc::timed_out);
    ASSERT_TRUE(e.result());
    EXPECT_EQ(e.result()->output, "partial");
    EXPECT_TRUE(e.result()->timed_out);
  }
  // The timeout and terraform's wind-down, said apart.
  auto late = finished(1, "", "", StopReason::timed_out);
  late.timeout = std::chrono::milliseconds(4000);
  late.exit.duration = std::chrono::milliseconds(7011);
  try {
    std::rethrow_exception(conclude(spec_of(OutputFormat::text), late).exception());
  } catch (const CommandTimeoutError& e) {
    EXPECT_NE(std::string(e.what()).find("its timeout of 4000 ms ran out; interrupted, terraform "
                                         "took 3011 ms more to stop (7011 ms in all)"),
              std::string::npos)
        << e.what();
    EXPECT_EQ(e.result()->timeout, std::chrono::milliseconds(4000));
  }
}

TEST(Conclude, InterruptedRunIsAResultUnlessChecked) {
  auto interrupted = finished(1, "", "", StopReason::interrupted);
  auto outcome = conclude(spec_of(OutputFormat::text), interrupted);
  EXPECT_FALSE(outcome.failed());
  EXPECT_TRUE(outcome.result->interrupted);
  EXPECT_THROW(conclude(spec_of(OutputFormat::text, true), interrupted).get(),
               CommandInterruptedError);
}

TEST(Conclude, UnparsableJsonOnSuccessIsATypedErrorKeepingTheRawText) {
  auto outcome = conclude(spec_of(OutputFormat::json), finished(0, "{truncated"));
  ASSERT_TRUE(outcome.failed());
  try {
    std::rethrow_exception(outcome.exception());
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), errc::invalid_json);
    EXPECT_EQ(e.result()->output, "{truncated");
  }
  // On a failed run the exit code is what matters.
  EXPECT_FALSE(conclude(spec_of(OutputFormat::json), finished(1, "{truncated")).failed());
}

TEST(CommandResult, CommandLineMasksSecrets) {
  CommandResult r;
  r.argv = {"/bin/terraform", "plan",      "-var=password=hunter2",
            "-var",           "token=abc", "-backend-config=key=s3cret",
            "-out=my plan"};
  EXPECT_EQ(r.command_line(),
            "/bin/terraform plan -var=password=*** -var token=*** -backend-config=key=*** "
            "'-out=my plan'");
}

TEST(ThrowError, MapsCodesBackToExceptionTypes) {
  auto result = std::make_shared<CommandResult>();
  result->argv = {"terraform", "plan"};
  EXPECT_THROW(throw_error(errc::command_failed, "", result), TerraformCommandError);
  EXPECT_THROW(throw_error(errc::timed_out, "", result), CommandTimeoutError);
  EXPECT_THROW(throw_error(errc::interrupted, "", result), CommandInterruptedError);
  try {
    throw_error(errc::worker_died, "worker died (signal 9)");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), errc::worker_died);
    EXPECT_STREQ(e.what(), "worker died (signal 9)");
  }
}

TEST(ErrorCategory, EveryCodeHasItsNameAndMessage) {
  EXPECT_STREQ(error_category().name(), "libterraform");
  EXPECT_EQ(to_string(errc::command_failed), "command_failed");
  EXPECT_EQ(to_string(errc::workers_unavailable), "workers_unavailable");
  EXPECT_EQ(make_error_code(errc::worker_died).message(), "the pool worker running the task died");
  for (int value = static_cast<int>(errc::command_failed);
       value <= static_cast<int>(errc::workers_unavailable); ++value) {
    const auto code = static_cast<errc>(value);
    EXPECT_NE(to_string(code), "unknown") << value;
    EXPECT_NE(make_error_code(code).message(), "unknown libterraform error") << value;
  }
  EXPECT_EQ(to_string(static_cast<errc>(0)), "unknown");
  EXPECT_EQ(to_string(static_cast<errc>(999)), "unknown");
  EXPECT_EQ(make_error_code(static_cast<errc>(999)).message(), "unknown libterraform error");
}

}  // namespace
}  // namespace libterraform::detail
