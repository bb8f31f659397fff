// argv of the state, taint, import, force-unlock and workspace commands, and of
// commands named at run time: defaults and every option set.

#include "libterraform/detail/command_spec.hpp"
#include "libterraform/errors.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace libterraform::detail {
namespace {

using namespace std::chrono_literals;
const FlagDefaults kDefaults{};

TEST(StateListArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::state_list({}, kDefaults).args, (Strings{"state", "list", "-no-color"}));
  EXPECT_EQ(specs::state_list(
                {.addresses = {"terraform_data.a"}, .id = "x", .no_color = false, .state = "s"},
                kDefaults)
                .args,
            (Strings{"state", "list", "-id=x", "-state=s", "terraform_data.a"}));
}

TEST(StateShowArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::state_show({}, kDefaults, "terraform_data.a").args,
            (Strings{"state", "show", "-no-color", "terraform_data.a"}));
  EXPECT_EQ(specs::state_show({.no_color = false, .state = "s"}, kDefaults, "a.b").args,
            (Strings{"state", "show", "-state=s", "a.b"}));
  EXPECT_THROW(specs::state_show({}, kDefaults, ""), Error);
}

TEST(StateMvArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::state_mv({}, kDefaults, "a.x", "a.y").args,
            (Strings{"state", "mv", "-no-color", "a.x", "a.y"}));
  auto spec = specs::state_mv({.backup = "b",
                               .backup_out = "bo",
                               .dry_run = true,
                               .ignore_remote_version = true,
                               .lock = false,
                               .lock_timeout = 3s,
                               .no_color = false,
                               .state = "s",
                               .state_out = "so"},
                              kDefaults, "a.x", "a.y");
  EXPECT_EQ(spec.args, (Strings{"state", "mv", "-backup=b", "-backup-out=bo", "-dry-run",
                                "-ignore-remote-version", "-lock=false", "-lock-timeout=3s",
                                "-state=s", "-state-out=so", "a.x", "a.y"}));
}

TEST(StateRmArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::state_rm({}, kDefaults, {"a.x", "a.y"}).args,
            (Strings{"state", "rm", "-no-color", "a.x", "a.y"}));
  EXPECT_EQ(specs::state_rm({.backup = "b",
                             .dry_run = true,
                             .ignore_remote_version = true,
                             .lock = false,
                             .lock_timeout = 1s,
                             .no_color = false,
                             .state = "s"},
                            kDefaults, {"a.x"})
                .args,
            (Strings{"state", "rm", "-backup=b", "-dry-run", "-ignore-remote-version",
                     "-lock=false", "-lock-timeout=1s", "-state=s", "a.x"}));
  EXPECT_THROW(specs::state_rm({}, kDefaults, {}), Error);
}

TEST(StatePullArgv, ParsesTheStateDocument) {
  auto spec = specs::state_pull({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"state", "pull", "-no-color"}));
  EXPECT_EQ(spec.format, OutputFormat::json);
}

TEST(StatePushArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::state_push({}, kDefaults, "x.tfstate").args,
            (Strings{"state", "push", "-no-color", "x.tfstate"}));
  EXPECT_EQ(specs::state_push({.force = true, .lock = false, .lock_timeout = 1s, .no_color = false},
                              kDefaults, "x.tfstate")
                .args,
            (Strings{"state", "push", "-force", "-lock=false", "-lock-timeout=1s", "x.tfstate"}));
}

TEST(StateReplaceProviderArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::state_replace_provider({}, kDefaults, "hashicorp/a", "example/a").args,
            (Strings{"state", "replace-provider", "-no-color", "-auto-approve", "hashicorp/a",
                     "example/a"}));
  EXPECT_EQ(specs::state_replace_provider({.auto_approve = false,
                                           .backup = "b",
                                           .ignore_remote_version = true,
                                           .lock = false,
                                           .lock_timeout = 2s,
                                           .no_color = false,
                                           .state = "s",
                                           .state_out = "so"},
                                          kDefaults, "f", "t")
                .args,
            (Strings{"state", "replace-provider", "-backup=b", "-ignore-remote-version",
                     "-lock=false", "-lock-timeout=2s", "-state=s", "-state-out=so", "f", "t"}));
}

TEST(TaintArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::taint({}, kDefaults, "a.x").args, (Strings{"taint", "-no-color", "a.x"}));
  TaintOptions all{.allow_missing = true,
                   .backup = "b",
                   .ignore_remote_version = true,
                   .lock = false,
                   .lock_timeout = 1s,
                   .no_color = false,
                   .state = "s",
                   .state_out = "so"};
  Strings flags{"-allow-missing",   "-backup=b", "-ignore-remote-version", "-lock=false",
                "-lock-timeout=1s", "-state=s",  "-state-out=so",          "a.x"};
  Strings taint{"taint"}, untaint{"untaint"};
  taint.insert(taint.end(), flags.begin(), flags.end());
  untaint.insert(untaint.end(), flags.begin(), flags.end());
  EXPECT_EQ(specs::taint(all, kDefaults, "a.x").args, taint);
  EXPECT_EQ(specs::untaint(all, kDefaults, "a.x").args, untaint);
}

TEST(ImportArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::import_resource({}, kDefaults, "a.x", "id-1").args,
            (Strings{"import", "-no-color", "-input=false", "a.x", "id-1"}));
  EXPECT_EQ(specs::import_resource({.backup = "b",
                                    .config = "cfg",
                                    .ignore_remote_version = true,
                                    .input = true,
                                    .lock = false,
                                    .lock_timeout = 1s,
                                    .no_color = false,
                                    .state = "s",
                                    .state_out = "so",
                                    .var_files = {"f"},
                                    .vars = {{"k", "v"}}},
                                   kDefaults, "a.x", "id-1")
                .args,
            (Strings{"import", "-input=true", "-backup=b", "-config=cfg", "-ignore-remote-version",
                     "-lock=false", "-lock-timeout=1s", "-state=s", "-state-out=so", "-var-file=f",
                     "-var=k=v", "a.x", "id-1"}));
}

TEST(ForceUnlockArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::force_unlock({}, kDefaults, "lock-1").args,
            (Strings{"force-unlock", "-no-color", "-force", "lock-1"}));
  EXPECT_EQ(specs::force_unlock({.force = false, .no_color = false}, kDefaults, "lock-1").args,
            (Strings{"force-unlock", "lock-1"}));
}

TEST(WorkspaceArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::workspace_list({}, kDefaults).args, (Strings{"workspace", "list", "-no-color"}));
  EXPECT_EQ(specs::workspace_show({.no_color = false}, kDefaults).args,
            (Strings{"workspace", "show"}));
  EXPECT_EQ(specs::workspace_new({}, kDefaults, "dev").args,
            (Strings{"workspace", "new", "-no-color", "dev"}));
  EXPECT_EQ(
      specs::workspace_new({.lock = false, .lock_timeout = 1s, .no_color = false, .state = "s"},
                           kDefaults, "dev")
          .args,
      (Strings{"workspace", "new", "-lock=false", "-lock-timeout=1s", "-state=s", "dev"}));
  EXPECT_EQ(specs::workspace_select({.no_color = false, .or_create = true}, kDefaults, "dev").args,
            (Strings{"workspace", "select", "-or-create", "dev"}));
  EXPECT_EQ(
      specs::workspace_delete({.force = true, .lock = false, .lock_timeout = 1s, .no_color = false},
                              kDefaults, "dev")
          .args,
      (Strings{"workspace", "delete", "-force", "-lock=false", "-lock-timeout=1s", "dev"}));
  EXPECT_THROW(specs::workspace_new({}, kDefaults, ""), Error);
}

TEST(SpecByName, BuildsTheSameSpecAsTheMethod) {
  CommonOptions common{.check = true, .extra_args = {"-x"}};
  auto spec = spec_by_name("validate", {}, common, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"validate", "-no-color", "-json", "-x"}));
  EXPECT_TRUE(spec.common.check);
  EXPECT_EQ(spec_by_name("state_mv", {"a", "b"}, {}, kDefaults).args,
            specs::state_mv({}, kDefaults, "a", "b").args);
  EXPECT_EQ(spec_by_name("state_rm", {"a", "b", "c"}, {}, kDefaults).args,
            specs::state_rm({}, kDefaults, {"a", "b", "c"}).args);
}

TEST(SpecByName, UnknownNamesAndWrongArgumentCountsAreTypedErrors) {
  testing::expect_error(errc::unknown_command, "",
                        [] { spec_by_name("frobnicate", {}, {}, kDefaults); });
  testing::expect_error(errc::invalid_option, "",
                        [] { spec_by_name("workspace_new", {}, {}, kDefaults); });
}

TEST(RunSpec, PassesArgumentsAsTheyAre) {
  auto spec = run_spec({"state", "list", "-id=x y"}, {.input = "data", .check = true});
  EXPECT_EQ(spec.args, (Strings{"state", "list", "-id=x y"}));
  EXPECT_EQ(spec.stdin_data, "data");
  EXPECT_TRUE(spec.common.check);
  EXPECT_EQ(spec.format, OutputFormat::text);
  EXPECT_THROW(run_spec({}, {}), Error);
}

}  // namespace
}  // namespace libterraform::detail
