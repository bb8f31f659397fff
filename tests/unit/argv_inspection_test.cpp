// argv of show, output, graph, modules, version, metadata functions, console, get,
// providers (lock, mirror, schema), fmt and test: defaults and every option set.

#include "libterraform/detail/command_spec.hpp"
#include "libterraform/errors.hpp"

#include <gtest/gtest.h>

namespace libterraform::detail {
namespace {

const FlagDefaults kDefaults{};

TEST(ShowArgv, Defaults) {
  auto spec = specs::show({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"show", "-no-color", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json);
}

TEST(ShowArgv, EverythingSet) {
  auto spec = specs::show({.json = false, .no_color = false, .path = "tfplan"}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"show", "tfplan"}));
  EXPECT_EQ(spec.format, OutputFormat::text);
}

TEST(OutputArgv, Defaults) {
  auto spec = specs::output({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"output", "-no-color", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json);
}

TEST(OutputArgv, EverythingSet) {
  auto spec = specs::output(
      {.json = true, .name = "address", .no_color = true, .raw = true, .state = "s"}, kDefaults);
  // terraform refuses -raw with -json: raw wins and the value is text.
  EXPECT_EQ(spec.args, (Strings{"output", "-no-color", "-raw", "-state=s", "address"}));
  EXPECT_EQ(spec.format, OutputFormat::text);
}

TEST(GraphArgv, Defaults) {
  EXPECT_EQ(specs::graph({}, kDefaults).args, (Strings{"graph", "-no-color"}));
}

TEST(GraphArgv, EverythingSet) {
  auto spec = specs::graph(
      {.draw_cycles = true, .module_depth = 2, .no_color = false, .plan = "p", .type = "apply"},
      kDefaults);
  EXPECT_EQ(spec.args,
            (Strings{"graph", "-draw-cycles", "-module-depth=2", "-plan=p", "-type=apply"}));
}

TEST(ModulesArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::modules({}, kDefaults).args, (Strings{"modules", "-no-color", "-json"}));
  auto spec = specs::modules({.json = false, .no_color = false}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"modules"}));
  EXPECT_EQ(spec.format, OutputFormat::text);
}

TEST(VersionArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::version({}, kDefaults).args, (Strings{"version", "-no-color", "-json"}));
  EXPECT_EQ(specs::version({.json = false, .no_color = false}, kDefaults).args,
            (Strings{"version"}));
}

TEST(MetadataFunctionsArgv, AlwaysJson) {
  auto spec = specs::metadata_functions({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"metadata", "functions", "-no-color", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json);
  EXPECT_EQ(spec.name, "metadata functions");
}

TEST(ConsoleArgv, Defaults) {
  auto spec = specs::console({}, kDefaults, "1 + 2");
  EXPECT_EQ(spec.args, (Strings{"console", "-no-color"}));
  EXPECT_EQ(spec.stdin_data, "1 + 2\n");
}

TEST(ConsoleArgv, EverythingSet) {
  auto spec = specs::console(
      {.no_color = false, .plan = true, .state = "s", .var_files = {"f"}, .vars = {{"k", "v"}}},
      kDefaults, "var.k");
  EXPECT_EQ(spec.args, (Strings{"console", "-plan", "-state=s", "-var-file=f", "-var=k=v"}));
}

TEST(ConsoleArgv, RejectsEmptyAndMultiLineExpressions) {
  EXPECT_THROW(specs::console({}, kDefaults, ""), Error);
  EXPECT_THROW(specs::console({}, kDefaults, "{\n a = 1\n}"), Error);
}

TEST(GetArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::get({}, kDefaults).args, (Strings{"get", "-no-color"}));
  EXPECT_EQ(specs::get({.no_color = false, .test_directory = "t", .update = true}, kDefaults).args,
            (Strings{"get", "-test-directory=t", "-update"}));
}

TEST(ProvidersArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::providers({}, kDefaults).args, (Strings{"providers", "-no-color"}));
  EXPECT_EQ(specs::providers({.no_color = false, .test_directory = "t"}, kDefaults).args,
            (Strings{"providers", "-test-directory=t"}));
}

TEST(ProvidersLockArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::providers_lock({}, kDefaults).args, (Strings{"providers", "lock", "-no-color"}));
  auto spec = specs::providers_lock({.enable_plugin_cache = true,
                                     .fs_mirror = "/mirror",
                                     .net_mirror = "https://mirror.example",
                                     .no_color = false,
                                     .platforms = {"linux_amd64", "darwin_arm64"},
                                     .providers = {"hashicorp/null"}},
                                    kDefaults);
  EXPECT_EQ(spec.args, (Strings{"providers", "lock", "-enable-plugin-cache", "-fs-mirror=/mirror",
                                "-net-mirror=https://mirror.example", "-platform=linux_amd64",
                                "-platform=darwin_arm64", "hashicorp/null"}));
}

TEST(ProvidersMirrorArgv, DefaultsAndEverythingSet) {
  EXPECT_EQ(specs::providers_mirror({}, kDefaults, "/out").args,
            (Strings{"providers", "mirror", "-no-color", "/out"}));
  EXPECT_EQ(
      specs::providers_mirror({.lock_file = false, .no_color = false, .platforms = {"linux_amd64"}},
                              kDefaults, "/out")
          .args,
      (Strings{"providers", "mirror", "-lock-file=false", "-platform=linux_amd64", "/out"}));
  EXPECT_THROW(specs::providers_mirror({}, kDefaults, ""), Error);
}

TEST(ProvidersSchemaArgv, AlwaysJson) {
  auto spec = specs::providers_schema({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"providers", "schema", "-no-color", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json);
}

TEST(FmtArgv, Defaults) {
  auto spec = specs::fmt({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"fmt", "-no-color"}));
  EXPECT_FALSE(spec.stdin_data);
}

TEST(FmtArgv, EverythingSet) {
  auto spec = specs::fmt({.check_input = true,
                          .diff = true,
                          .list = false,
                          .no_color = false,
                          .recursive = true,
                          .targets = {"a.tf", "dir"},
                          .write = false},
                         kDefaults);
  EXPECT_EQ(spec.args, (Strings{"fmt", "-check", "-diff", "-list=false", "-recursive",
                                "-write=false", "a.tf", "dir"}));
}

TEST(FmtArgv, SourceGoesThroughStdin) {
  auto spec = specs::fmt({.source = "a   =  1\n"}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"fmt", "-no-color", "-"}));
  EXPECT_EQ(spec.stdin_data, "a   =  1\n");
}

TEST(TestArgv, Defaults) {
  auto spec = specs::test({}, kDefaults);
  EXPECT_EQ(spec.args, (Strings{"test", "-no-color", "-json"}));
  EXPECT_EQ(spec.format, OutputFormat::json_lines);
}

TEST(TestArgv, EverythingSet) {
  auto spec = specs::test({.cloud_run = "app.terraform.io/org/mod/provider",
                           .filters = {"a.tftest.hcl", "b.tftest.hcl"},
                           .json = false,
                           .no_color = false,
                           .test_directory = "checks",
                           .var_files = {"f"},
                           .vars = {{"k", "v"}},
                           .verbose = true},
                          kDefaults);
  EXPECT_EQ(spec.args, (Strings{"test", "-cloud-run=app.terraform.io/org/mod/provider",
                                "-filter=a.tftest.hcl", "-filter=b.tftest.hcl",
                                "-test-directory=checks", "-var-file=f", "-var=k=v", "-verbose"}));
}

}  // namespace
}  // namespace libterraform::detail
