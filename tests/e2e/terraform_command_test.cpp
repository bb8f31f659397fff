// Every TerraformCommand method at least once, against the real terraform on PATH.

#include "libterraform/libterraform.hpp"
#include "modules.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace libterraform {
namespace {

using testing::TempDir;

bool has_event(const CommandResult& r, std::string_view type) {
  for (const auto& event : *r.value) {
    if (event.value("type", "") == type) return true;
  }
  return false;
}

nlohmann::json find_event(const CommandResult& r, std::string_view type) {
  for (const auto& event : *r.value) {
    if (event.value("type", "") == type) return event;
  }
  return {};
}

class TerraformCommandTest : public testing::LeakCheck {
 protected:
  void SetUp() override {
    LeakCheck::SetUp();
    module = testing::make_app_module(dir.path());
    cli.emplace(module, testing::terraform_options());
    auto init = cli->init({.check = true});
    ASSERT_TRUE(has_event(init, "init_output"));
  }

  TempDir dir;
  std::filesystem::path module;
  std::optional<TerraformCommand> cli;
};

TEST_F(TerraformCommandTest, ValidateReturnsTheDocument) {
  auto r = cli->validate({.check = true});
  EXPECT_EQ(r.retcode, 0);
  EXPECT_TRUE(r.value->at("valid").get<bool>());
  EXPECT_EQ(r.working_dir, std::filesystem::canonical(module));
  EXPECT_EQ(r.argv.front(), cli->executable());
  EXPECT_EQ(r.argv[1], "validate");
}

// A module reached through a symbolic link and dot components runs, and is named, at
// its real path (module_path), as a pool names it.
TEST_F(TerraformCommandTest, TheResultNamesTheModulesRealPath) {
  std::filesystem::create_directory_symlink(module, dir.path() / "link");
  TerraformCommand linked(dir.path() / "link" / "." / "child" / "..", testing::terraform_options());
  auto r = linked.validate({.check = true});
  EXPECT_EQ(r.working_dir, std::filesystem::canonical(module));
  EXPECT_EQ(r.working_dir, module_path(dir.path() / "link"));
  testing::expect_error(errc::directory_not_found, "does not exist",
                        [&] { module_path(dir.path() / "missing"); });
}

TEST_F(TerraformCommandTest, PlanApplyOutputShowRefreshDestroy) {
  auto plan = cli->plan({.check = true});
  auto summary = find_event(plan, "change_summary");
  EXPECT_EQ(summary["changes"]["add"], 2);

  auto detailed = cli->plan({.detailed_exitcode = true, .check = true});
  EXPECT_EQ(detailed.retcode, 2);
  EXPECT_TRUE(detailed.changes_present);
  EXPECT_FALSE(plan.changes_present);  // without the flag, 0 says nothing of changes
  // The flag given raw among the extra arguments means the same: no failure for 2.
  auto raw = cli->plan({.check = true, .extra_args = {"-detailed-exitcode"}});
  EXPECT_EQ(raw.retcode, 2);
  EXPECT_TRUE(raw.changes_present);

  auto apply = cli->apply({.check = true});
  EXPECT_TRUE(has_event(apply, "apply_complete"));
  EXPECT_TRUE(testing::state_is_clean(module));

  auto outputs = cli->output({.check = true});
  EXPECT_EQ(outputs.value->at("greeting").at("value"), "hello world");
  EXPECT_TRUE(outputs.value->at("secret").at("sensitive").get<bool>());
  EXPECT_EQ(cli->output({.name = "greeting"}).value, "hello world");
  EXPECT_EQ(cli->output({.name = "greeting", .raw = true}).output, "hello world");

  auto state = cli->show({.check = true});
  EXPECT_TRUE(state.value->at("values").contains("root_module"));

  auto saved = cli->plan({.out = "tfplan", .vars = {{"name", "there"}}, .check = true});
  auto shown = cli->show({.path = "tfplan", .check = true});
  EXPECT_FALSE(shown.value->at("resource_changes").empty());

  EXPECT_EQ(cli->refresh({.check = true}).retcode, 0);

  auto destroy = cli->destroy({.check = true});
  EXPECT_EQ(find_event(destroy, "change_summary")["changes"]["remove"], 2);
  EXPECT_TRUE(cli->state_list().output.empty());
}

TEST_F(TerraformCommandTest, ApplyASavedPlan) {
  cli->plan({.out = "tfplan", .check = true});
  auto apply = cli->apply({.plan_file = "tfplan", .check = true});
  EXPECT_TRUE(has_event(apply, "apply_complete"));
  auto listed = cli->state_list({.check = true}).output;
  EXPECT_NE(listed.find("module.child.terraform_data.child\n"), std::string::npos) << listed;
  EXPECT_NE(listed.find("terraform_data.greeting\n"), std::string::npos) << listed;
}

TEST_F(TerraformCommandTest, StateCommands) {
  cli->apply({.check = true});
  EXPECT_NE(cli->state_show("terraform_data.greeting", {.check = true}).output.find("hello world"),
            std::string::npos);
  EXPECT_EQ(cli->state_pull({.check = true}).value->at("version"), 4);

  cli->taint("terraform_data.greeting", {.check = true});
  EXPECT_EQ(find_event(cli->plan({.check = true}), "change_summary")["changes"]["add"], 1);
  cli->untaint("terraform_data.greeting", {.check = true});
  EXPECT_EQ(find_event(cli->plan({.check = true}), "change_summary")["changes"]["add"], 0);

  cli->state_mv("terraform_data.greeting", "terraform_data.renamed", {.check = true});
  EXPECT_NE(cli->state_list({.check = true}).output.find("terraform_data.renamed"),
            std::string::npos);
  cli->state_rm({"terraform_data.renamed"}, {.check = true});
  EXPECT_EQ(cli->state_list({.check = true}).output, "module.child.terraform_data.child\n");

  cli->import_resource("terraform_data.greeting", "imported-id", {.check = true});
  EXPECT_NE(cli->state_list({.check = true}).output.find("terraform_data.greeting"),
            std::string::npos);

  // Push back a copy of the state as it is now.
  testing::write_file(module / "copy.tfstate", cli->state_pull().output);
  EXPECT_EQ(cli->state_push("copy.tfstate", {.check = true}).retcode, 0);

  EXPECT_EQ(cli->state_replace_provider("terraform.io/builtin/terraform",
                                        "terraform.io/builtin/terraform", {.check = true})
                .retcode,
            0);
}

TEST_F(TerraformCommandTest, InspectionCommands) {
  auto version = cli->version({.check = true});
  EXPECT_TRUE(version.value->at("terraform_version").get<std::string>().starts_with("1."));

  EXPECT_TRUE(cli->graph({.check = true}).output.starts_with("digraph"));
  EXPECT_TRUE(cli->modules({.check = true}).value->contains("modules"));
  EXPECT_TRUE(
      cli->metadata_functions({.check = true}).value->at("function_signatures").contains("abs"));
  EXPECT_TRUE(cli->providers_schema({.check = true}).value->contains("provider_schemas"));
  EXPECT_NE(cli->providers({.check = true}).output.find("terraform.io/builtin/terraform"),
            std::string::npos);
  EXPECT_EQ(cli->get({.check = true}).retcode, 0);
  EXPECT_EQ(cli->providers_lock({.check = true}).retcode, 0);
  testing::TempDir mirror;
  EXPECT_EQ(cli->providers_mirror(mirror.path().string(), {.check = true}).retcode, 0);
}

TEST_F(TerraformCommandTest, ConsoleEvaluatesAnExpression) {
  EXPECT_EQ(cli->console("1 + 2", {.check = true}).output, "3\n");
  EXPECT_EQ(cli->console("upper(var.name)", {.vars = {{"name", "abc"}}, .check = true}).output,
            "\"ABC\"\n");
  auto bad = cli->console("nope(1)");
  EXPECT_EQ(bad.retcode, 1);
  EXPECT_NE(bad.error.find("Call to unknown function"), std::string::npos);
}

TEST_F(TerraformCommandTest, FmtFilesAndSource) {
  testing::write_file(module / "ugly.tf", "locals {\n  a    =   1\n}\n");
  auto check = cli->fmt({.check_input = true});
  EXPECT_NE(check.retcode, 0);
  EXPECT_NE(check.output.find("ugly.tf"), std::string::npos);
  cli->fmt({.check = true});
  EXPECT_EQ(testing::read_file(module / "ugly.tf"), "locals {\n  a = 1\n}\n");
  EXPECT_EQ(cli->fmt({.source = "x    = 1\n", .check = true}).output, "x = 1\n");
}

TEST_F(TerraformCommandTest, TestRunsTheTestFiles) {
  auto r = cli->test({.check = true});
  auto summary = find_event(r, "test_summary");
  EXPECT_EQ(summary["test_summary"]["status"], "pass");
}

TEST_F(TerraformCommandTest, Workspaces) {
  EXPECT_EQ(cli->workspace_show({.check = true}).output, "default\n");
  cli->workspace_new("staging", {.check = true});
  EXPECT_EQ(cli->workspace_show().output, "staging\n");
  EXPECT_NE(cli->workspace_list({.check = true}).output.find("* staging"), std::string::npos);
  cli->workspace_select("default", {.check = true});
  cli->workspace_select("review", {.or_create = true, .check = true});
  cli->workspace_select("default", {.check = true});
  cli->workspace_delete("staging", {.check = true});
  cli->workspace_delete("review", {.check = true});
  EXPECT_EQ(cli->workspace_list({.check = true}).output.find("staging"), std::string::npos);
}

TEST_F(TerraformCommandTest, ForceUnlockReportsTerraformsAnswer) {
  // The local backend's locks are released with their process: there is never a stuck
  // lock to remove, and terraform says so.
  auto e = testing::expect_error<TerraformCommandError>(
      std::nullopt, "", [&] { cli->force_unlock("no-such-lock", {.check = true}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->retcode(), 1);
  EXPECT_NE(e->error().find("LocalState not locked"), std::string::npos);
}

TEST_F(TerraformCommandTest, GenericRun) {
  auto [retcode, output, error] = cli->run({"version"});
  EXPECT_EQ(retcode, 0);
  EXPECT_TRUE(output.starts_with("Terraform v"));
  EXPECT_NE(cli->run("no-such-command").retcode, 0);
  EXPECT_THROW(cli->run({"no-such-command"}, {.check = true}), TerraformCommandError);
}

TEST_F(TerraformCommandTest, OutputCallbacksSeeEveryLineAsItArrives) {
  std::vector<std::string> lines;
  auto r = cli->plan({.on_output = [&](std::string_view line) { lines.emplace_back(line); }});
  std::string joined;
  for (const auto& line : lines)
    joined += line + "\n";
  EXPECT_EQ(joined, r.output);
  EXPECT_GT(lines.size(), 3u);
}

TEST_F(TerraformCommandTest, TheStartCallbackComesOnceBeforeAnyOutput) {
  std::vector<std::string> seen;
  std::optional<std::chrono::system_clock::time_point> started;
  const auto before = std::chrono::system_clock::now();
  cli->plan({.on_output = [&](std::string_view) { seen.emplace_back("line"); },
             .on_start =
                 [&](std::chrono::system_clock::time_point time) {
                   seen.emplace_back("start");
                   started = time;
                 }});
  ASSERT_TRUE(started);
  EXPECT_LE(before, *started);
  ASSERT_GT(seen.size(), 1u);
  EXPECT_EQ(seen.front(), "start");
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "start"), 1);
  // One that throws stops terraform; the command raises its exception.
  EXPECT_THROW(cli->plan({.on_start = [](auto) { throw std::domain_error("refused"); }}),
               std::domain_error);
}

TEST_F(TerraformCommandTest, EnvironmentReachesTerraformOnly) {
  auto r = cli->console("1 + 1", {.env = {{"TF_LOG", "trace"}}});
  EXPECT_NE(r.error.find("[TRACE]"), std::string::npos);
  EXPECT_EQ(::getenv("TF_LOG"), nullptr);
}

}  // namespace
}  // namespace libterraform
