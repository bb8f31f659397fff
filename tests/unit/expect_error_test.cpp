// The tests' expect_error: it returns the error a call throws, and records one failure,
// at the caller's line, when the call throws nothing, another type, another code, or a
// message without the text expected.

#include "libterraform/command_result.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/module_graph.hpp"
#include "test_support.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace libterraform {
namespace {

using testing::expect_error;

[[noreturn]] void throw_command_failure() {
  auto result = std::make_shared<CommandResult>();
  result->retcode = 3;
  result->argv = {"terraform", "plan"};
  result->error = "Error: bad things\n";
  throw TerraformCommandError(result);
}

TEST(ExpectError, ReturnsTheErrorThrown) {
  auto e = expect_error(errc::worker_died, "gone",
                        [] { throw Error(errc::worker_died, "the worker is gone"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), errc::worker_died);
  EXPECT_STREQ(e->what(), "the worker is gone");

  // A subclass, caught as itself, with what it carries besides its code.
  auto failed = expect_error<TerraformCommandError>(std::nullopt, "bad things",
                                                    [] { throw_command_failure(); });
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->retcode(), 3);
  EXPECT_EQ(failed->code(), errc::command_failed);

  auto cycle = expect_error<DependencyCycleError>(errc::dependency_cycle, "a -> b -> a", [] {
    throw DependencyCycleError({"a", "b", "a"});
  });
  ASSERT_TRUE(cycle);
  EXPECT_EQ(cycle->cycle(), (std::vector<std::string>{"a", "b", "a"}));

  // Caught as its base, a subclass is still the error expected.
  EXPECT_TRUE(expect_error(errc::command_failed, "", [] { throw_command_failure(); }));
}

TEST(ExpectError, NothingThrownIsAFailure) {
  static std::optional<Error> returned;
  returned = Error(errc::cancelled, "not yet run");
  EXPECT_NONFATAL_FAILURE(returned = expect_error(errc::timed_out, "", [] {}),
                          "expected libterraform::Error with code timed_out; nothing was thrown");
  EXPECT_FALSE(returned);
}

TEST(ExpectError, AnotherCodeIsAFailureThatStillReturnsTheError) {
  static std::optional<Error> returned;
  EXPECT_NONFATAL_FAILURE(
      returned = expect_error(errc::timed_out, "",
                              [] { throw Error(errc::worker_died, "the worker is gone"); }),
      "its code is worker_died instead of timed_out: the worker is gone");
  ASSERT_TRUE(returned);
  EXPECT_EQ(returned->code(), errc::worker_died);

  // A code of another category is named by its category.
  EXPECT_NONFATAL_FAILURE(
      expect_error(
          errc::read_failed, "",
          [] { throw Error(make_error_code(boost::system::errc::permission_denied), "no"); }),
      "its code is generic:13");
}

TEST(ExpectError, AnotherTypeIsAFailure) {
  static std::optional<DependencyCycleError> returned;
  returned = DependencyCycleError({"a", "a"});
  EXPECT_NONFATAL_FAILURE(
      returned = expect_error<DependencyCycleError>(
          std::nullopt, "", [] { throw Error(errc::unknown_module, "no module named x"); }),
      "another exception was thrown: libterraform::Error with code unknown_module: no module "
      "named x");
  EXPECT_FALSE(returned);

  EXPECT_NONFATAL_FAILURE(
      expect_error(std::nullopt, "", [] { throw std::invalid_argument("not the library's"); }),
      "another exception was thrown: std::invalid_argument: not the library's");
  EXPECT_NONFATAL_FAILURE(expect_error(std::nullopt, "", [] { throw 42; }),
                          "something that is not a std::exception was thrown");
}

TEST(ExpectError, AMessageWithoutTheTextIsAFailure) {
  static std::optional<Error> returned;
  EXPECT_NONFATAL_FAILURE(
      returned = expect_error(errc::worker_died, "signal 9",
                              [] { throw Error(errc::worker_died, "the worker is gone"); }),
      "its message does not hold \"signal 9\": the worker is gone");
  ASSERT_TRUE(returned);
}

TEST(ExpectError, TheFailureIsAtTheCallersLine) {
  ::testing::TestPartResultArray failures;
  const int line = __LINE__ + 4;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
    expect_error(std::nullopt, "", [] {});
  }
  ASSERT_EQ(failures.size(), 1);
  const auto& failure = failures.GetTestPartResult(0);
  EXPECT_TRUE(failure.nonfatally_failed());
  ASSERT_NE(failure.file_name(), nullptr);
  EXPECT_TRUE(std::string(failure.file_name()).ends_with("expect_error_test.cpp"))
      << failure.file_name();
  EXPECT_EQ(failure.line_number(), line);
}

}  // namespace
}  // namespace libterraform
