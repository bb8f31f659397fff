// argv of init, validate, plan, apply, destroy, refresh: defaults and every option set.

#include "libterraform/detail/command_spec.hpp"
#include "libterraform/errors.hpp"

#include <gtest/gtest.h>

namespace libterraform::detail {
namespace {

using namespace std::chrono_literals;
const FlagDefaults kDefaults{};

TEST(InitArgv, Defaults) {
  auto spec = specs::init({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"init", "-no-color", "-input=false", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json_lines);
  EXPECT_EQ(spec.name, "init");
}

TEST(InitArgv, EverythingSet) {
  auto spec = specs::init({.backend = false,
                           .backend_config = {{"path", "my state.tfstate"}},
                           .backend_config_files = {"backend.hcl"},
                           .force_copy = true,
                           .from_module = "../source",
                           .get = false,
                           .ignore_remote_version = true,
                           .input = true,
                           .json = false,
                           .lock = false,
                           .lock_timeout = 1500ms,
                           .lockfile = "readonly",
                           .migrate_state = true,
                           .no_color = false,
                           .plugin_dirs = {"p1", "p2"},
                           .reconfigure = true,
                           .test_directory = "checks",
                           .upgrade = true,
                           .extra_args = {"-future-flag"}},
                          kDefaults);
  EXPECT_EQ(
      spec.args,
      (Strings{"init", "-input=true", "-backend=false", "-backend-config=path=my state.tfstate",
               "-backend-config=backend.hcl", "-force-copy", "-from-module=../source", "-get=false",
               "-ignore-remote-version", "-lock=false", "-lock-timeout=1500ms",
               "-lockfile=readonly", "-migrate-state", "-plugin-dir=p1", "-plugin-dir=p2",
               "-reconfigure", "-test-directory=checks", "-upgrade", "-future-flag"}));
  EXPECT_EQ(spec.format, OutputFormat::text);
}

TEST(ValidateArgv, Defaults) {
  auto spec = specs::validate({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"validate", "-no-color", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json);
}

TEST(ValidateArgv, EverythingSet) {
  auto spec = specs::validate(
      {.json = false, .no_color = false, .no_tests = true, .test_directory = "t", .check = true},
      kDefaults);
  EXPECT_EQ(spec.args, (Strings{"validate", "-no-tests", "-test-directory=t"}));
  EXPECT_EQ(spec.format, OutputFormat::text);
  EXPECT_TRUE(spec.common.check);
}

TEST(PlanArgv, Defaults) {
  auto spec = specs::plan({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"plan", "-no-color", "-input=false", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json_lines);
  EXPECT_FALSE(spec.detailed_exitcode);
}

TEST(PlanArgv, EverythingSet) {
  auto spec = specs::plan({.compact_warnings = true,
                           .destroy = true,
                           .detailed_exitcode = true,
                           .generate_config_out = "generated.tf",
                           .input = false,
                           .json = true,
                           .lock = false,
                           .lock_timeout = 2min,
                           .no_color = true,
                           .out = "tfplan",
                           .parallelism = 3,
                           .refresh = false,
                           .refresh_only = true,
                           .replace = {"terraform_data.a", "terraform_data.b"},
                           .state = "legacy.tfstate",
                           .targets = {"module.child"},
                           .var_files = {"a.tfvars", "b.tfvars"},
                           .vars = {{"name", "value with spaces"}, {"other", "-leading"}}},
                          kDefaults);
  EXPECT_EQ(spec.args, (Strings{"plan",
                                "-no-color",
                                "-input=false",
                                "-json",
                                "-compact-warnings",
                                "-destroy",
                                "-detailed-exitcode",
                                "-generate-config-out=generated.tf",
                                "-lock=false",
                                "-lock-timeout=120s",
                                "-out=tfplan",
                                "-parallelism=3",
                                "-refresh=false",
                                "-refresh-only",
                                "-replace=terraform_data.a",
                                "-replace=terraform_data.b",
                                "-state=legacy.tfstate",
                                "-target=module.child",
                                "-var-file=a.tfvars",
                                "-var-file=b.tfvars",
                                "-var=name=value with spaces",
                                "-var=other=-leading"}));
  EXPECT_TRUE(spec.detailed_exitcode);
}

// Given raw in extra_args, -detailed-exitcode still makes exit code 2 mean changes.
TEST(PlanArgv, ADetailedExitCodeInExtraArgumentsCounts) {
  auto spec = specs::plan({.extra_args = {"-lock=false", "-detailed-exitcode"}}, kDefaults);
  EXPECT_TRUE(spec.detailed_exitcode);
  EXPECT_EQ(spec.args.back(), "-detailed-exitcode");
  EXPECT_FALSE(specs::plan({.extra_args = {"-lock=false"}}, kDefaults).detailed_exitcode);
}

TEST(PlanArgv, VarValuesReachTerraformIntact) {
  auto spec =
      specs::plan({.vars = {{"v", "a=b \"quoted\"\nnext line 'single' $HOME `x`"}}}, kDefaults);
  EXPECT_EQ(spec.args.back(), "-var=v=a=b \"quoted\"\nnext line 'single' $HOME `x`");
}

TEST(PlanArgv, RejectsValuesTerraformWouldMisread) {
  auto code_of = [](PlanOptions options) {
    try {
      specs::plan(options, kDefaults);
    } catch (const Error& e) {
      return e.code();
    }
    return boost::system::error_code{};
  };
  EXPECT_EQ(code_of({.vars = {{"", "x"}}}), errc::invalid_option);
  EXPECT_EQ(code_of({.vars = {{"a=b", "x"}}}), errc::invalid_option);
  EXPECT_EQ(code_of({.vars = {{"a", std::string("x\0y", 3)}}}), errc::invalid_option);
  EXPECT_EQ(code_of({.lock_timeout = -1ms}), errc::invalid_option);
  EXPECT_EQ(code_of({.parallelism = 0}), errc::invalid_option);
  EXPECT_EQ(code_of({.targets = {""}}), errc::invalid_option);
}

TEST(PlanArgv, ErrorMessagesDoNotEchoValues) {
  auto message_of = [](PlanOptions options) {
    try {
      specs::plan(options, kDefaults);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string nul = message_of({.vars = {{"password", std::string("hunter2\0", 8)}}});
  EXPECT_EQ(nul.find("hunter2"), std::string::npos) << nul;
  // A value typed after '=' in the name is a value all the same.
  std::string in_name = message_of({.vars = {{"password=hunter2", ""}}});
  EXPECT_NE(in_name.find("\"password\""), std::string::npos) << in_name;
  EXPECT_EQ(in_name.find("hunter2"), std::string::npos) << in_name;
  // A value Linux cannot pass in one argument: named by its variable, never shown.
  std::string huge = message_of({.vars = {{"blob", std::string(200 * 1024, 'h')}}});
  EXPECT_NE(huge.find("-var blob"), std::string::npos) << huge.substr(0, 200);
  EXPECT_NE(huge.find("-var-file"), std::string::npos) << huge.substr(0, 200);
  EXPECT_EQ(huge.find("hhhh"), std::string::npos) << "the value leaked";
}

TEST(PlanArgv, FlagDefaultsComeFromTheCommand) {
  auto spec = specs::plan({}, {.no_color = false, .input = true});
  EXPECT_EQ(spec.args, (Strings{"plan", "-input=true", "-json"}));
}

TEST(ApplyArgv, Defaults) {
  auto spec = specs::apply({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"apply", "-no-color", "-input=false", "-json", "-auto-approve"}));
  EXPECT_EQ(spec.format, OutputFormat::json_lines);
}

TEST(ApplyArgv, EverythingSet) {
  auto spec = specs::apply({.auto_approve = false,
                            .backup = "-",
                            .compact_warnings = true,
                            .destroy = true,
                            .input = false,
                            .json = false,
                            .lock = false,
                            .lock_timeout = 30s,
                            .no_color = false,
                            .parallelism = 1,
                            .plan_file = "tfplan",
                            .refresh = false,
                            .refresh_only = true,
                            .replace = {"terraform_data.a"},
                            .state = "in.tfstate",
                            .state_out = "out.tfstate",
                            .targets = {"terraform_data.a"},
                            .var_files = {"x.tfvars"},
                            .vars = {{"k", "v"}},
                            .extra_args = {"-x"}},
                           kDefaults);
  EXPECT_EQ(
      spec.args,
      (Strings{"apply", "-input=false", "-backup=-", "-compact-warnings", "-destroy", "-lock=false",
               "-lock-timeout=30s", "-parallelism=1", "-refresh=false", "-refresh-only",
               "-replace=terraform_data.a", "-state=in.tfstate", "-state-out=out.tfstate",
               "-target=terraform_data.a", "-var-file=x.tfvars", "-var=k=v", "-x", "tfplan"}));
  EXPECT_EQ(spec.format, OutputFormat::text);
}

TEST(DestroyArgv, Defaults) {
  EXPECT_EQ(specs::destroy({}, kDefaults).args,
            (Strings{"destroy", "-no-color", "-input=false", "-json", "-auto-approve"}));
}

TEST(DestroyArgv, EverythingSet) {
  auto spec = specs::destroy({.auto_approve = false,
                              .backup = "b",
                              .compact_warnings = true,
                              .input = true,
                              .json = false,
                              .lock = false,
                              .lock_timeout = 1s,
                              .no_color = false,
                              .parallelism = 2,
                              .refresh = false,
                              .state = "s",
                              .state_out = "so",
                              .targets = {"t"},
                              .var_files = {"f"},
                              .vars = {{"k", "v"}}},
                             kDefaults);
  EXPECT_EQ(spec.args,
            (Strings{"destroy", "-input=true", "-backup=b", "-compact-warnings", "-lock=false",
                     "-lock-timeout=1s", "-parallelism=2", "-refresh=false", "-state=s",
                     "-state-out=so", "-target=t", "-var-file=f", "-var=k=v"}));
}

TEST(RefreshArgv, Defaults) {
  auto spec = specs::refresh({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"refresh", "-no-color", "-input=false", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json_lines);
}

TEST(RefreshArgv, EverythingSet) {
  auto spec = specs::refresh({.backup = "b",
                              .compact_warnings = true,
                              .input = false,
                              .json = false,
                              .lock = false,
                              .lock_timeout = 5s,
                              .no_color = true,
                              .parallelism = 4,
                              .state = "s",
                              .state_out = "so",
                              .targets = {"t1", "t2"},
                              .var_files = {"f"},
                              .vars = {{"a", "1"}, {"b", "2"}}},
                             kDefaults);
  EXPECT_EQ(spec.args, (Strings{"refresh", "-no-color", "-input=false", "-backup=b",
                                "-compact-warnings", "-lock=false", "-lock-timeout=5s",
                                "-parallelism=4", "-state=s", "-state-out=so", "-target=t1",
                                "-target=t2", "-var-file=f", "-var=a=1", "-var=b=2"}));
}

}  // namespace
}  // namespace libterraform::detail
