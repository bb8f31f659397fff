// ModuleGraph, its discovery, the remote-state scan and a module's outcome: no
// terraform.

#include "libterraform/module_graph.hpp"
#include "graph/change_scope.hpp"
#include "graph/configuration_scan.hpp"
#include "graph/module_outcome.hpp"
#include "graph/tree_files.hpp"
#include "graphs.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/graph_run.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace libterraform {
namespace {

namespace fs = std::filesystem;
using Levels = std::vector<std::vector<std::string>>;

using testing::diamond;

TEST(ModuleGraph, LevelsFollowDependenciesAndReverseForDestroy) {
  auto g = diamond();
  EXPECT_EQ(g.levels(), (Levels{{"base"}, {"left", "right"}, {"top"}}));
  EXPECT_EQ(g.levels(true), (Levels{{"top"}, {"left", "right"}, {"base"}}));
  EXPECT_EQ(g.dependents(0), (std::vector<std::size_t>{1, 2}));
}

TEST(ModuleGraph, ACycleIsATypedErrorNamingIt) {
  auto g = diamond();
  g.add_dependency("base", "top");
  auto e = testing::expect_error<DependencyCycleError>(
      errc::dependency_cycle, "base -> top -> left -> base", [&] { g.levels(); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->cycle(), (std::vector<std::string>{"base", "top", "left", "base"}));
}

TEST(ModuleGraph, BadEdgesAndNamesAreRefused) {
  auto g = diamond();
  auto code_of = [](auto&& call) {
    try {
      call();
    } catch (const Error& e) {
      return e.code();
    }
    return boost::system::error_code();
  };
  EXPECT_EQ(code_of([&] { g.add_dependency("top", "nowhere"); }), errc::unknown_module);
  EXPECT_EQ(code_of([&] { g.add_dependency("top", "top"); }), errc::dependency_cycle);
  EXPECT_EQ(code_of([&] { g.add("base", "/elsewhere"); }), errc::invalid_option);
  EXPECT_EQ(code_of([&] { g.add("", "/x"); }), errc::invalid_option);
  g.add_dependency("top", "left");  // twice: harmless
  EXPECT_EQ(g.modules()[3].after.size(), 2u);
}

TEST(RemoteStateScan, FindsLocalBackendPathsOnly) {
  const auto paths = graph::local_remote_state_paths(R"(
# data "terraform_remote_state" "commented" { backend = "local" config = { path = "x" } }
data "terraform_remote_state" "network" {
  backend = "local"
  config = {
    path = "${path.module}/../network/terraform.tfstate"
  }
}
/* data "terraform_remote_state" "also_commented" {
  backend = "local"
  config = { path = "y" }
} */
data "terraform_remote_state" "remote" {
  backend = "s3"
  config = { path = "not-local" }
}
data "terraform_remote_state" "db" {
  backend = "local"
  config  = { path = "../db/terraform.tfstate" } // "}" in a comment
}
data "terraform_remote_state" "dynamic" {
  backend = "local"
  config  = { path = "${var.dir}/terraform.tfstate" }
}
)");
  EXPECT_EQ(paths,
            (std::vector<std::string>{"../network/terraform.tfstate", "../db/terraform.tfstate"}));
}

TEST(Discovery, FindsModulesAndReadsDependencyFilesAndRemoteState) {
  testing::TempDir tree;
  testing::write_file(tree / "network/main.tf", "");
  testing::write_file(tree / "db/main.tf", "");
  testing::write_file(tree / "db/tfrun.deps", "# needs the network\n../network\n\n");
  testing::write_file(tree / "app/main.tf", R"(
data "terraform_remote_state" "db" {
  backend = "local"
  config  = { path = "../db/terraform.tfstate" }
})");
  testing::write_file(tree / "app/.terraform/modules/x/main.tf", "");  // skipped
  testing::write_file(tree / "docs/README.md", "");                    // no *.tf

  auto g = ModuleGraph::discover(tree.path());
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g.levels(), (Levels{{"network"}, {"db"}, {"app"}}));
  EXPECT_EQ(g.modules()[*g.find("app")].directory, fs::canonical(tree / "app"));

  auto without_state = ModuleGraph::discover(tree.path(), {.remote_state = false});
  EXPECT_EQ(without_state.levels(), (Levels{{"app", "network"}, {"db"}}));
}

TEST(Discovery, ListedDirectoriesAreTheModules) {
  testing::TempDir tree;
  testing::write_file(tree / "network/main.tf", "");
  testing::write_file(tree / "db/main.tf", "");
  testing::write_file(tree / "db/tfrun.deps", "../network\n");
  auto g = ModuleGraph::of_directories({tree / "db/", tree / "network"});
  EXPECT_EQ(g.modules()[0].name, (tree / "db").generic_string());
  EXPECT_EQ(g.levels().size(), 2u);
  // A dependency on a directory not listed is refused.
  EXPECT_THROW(ModuleGraph::of_directories({tree / "db"}), Error);
}

TEST(Discovery, BadTreesGiveTypedErrors) {
  testing::TempDir tree;
  testing::expect_error(errc::directory_not_found, "",
                        [&] { ModuleGraph::discover(tree / "missing"); });
  testing::write_file(tree / "a/main.tf", "");
  testing::write_file(tree / "a/tfrun.deps", "../nowhere\n");
  testing::expect_error(errc::unknown_module, "../nowhere",
                        [&] { ModuleGraph::discover(tree.path()); });
  testing::write_file(tree / "a/tfrun.deps", "../b\n");
  testing::write_file(tree / "b/main.tf", "");
  testing::write_file(tree / "b/tfrun.deps", "../a\n");
  EXPECT_THROW(ModuleGraph::discover(tree.path()), DependencyCycleError);
  // A module listing itself ("." or by its own path) is a cycle of one, named.
  fs::remove(tree / "b/tfrun.deps");
  for (const char* itself : {".\n", "../a\n"}) {
    testing::write_file(tree / "a/tfrun.deps", itself);
    SCOPED_TRACE(itself);
    auto e = testing::expect_error<DependencyCycleError>(
        std::nullopt, "a -> a", [&] { ModuleGraph::discover(tree.path()); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->cycle(), (std::vector<std::string>{"a", "a"}));
  }
}

// A directory linked into the tree is not a second copy of a module: links are not
// entered, a linked *.tf file counts.
TEST(Discovery, SymbolicLinksAreNotEntered) {
  testing::TempDir tree, outside;
  testing::write_file(tree / "a/main.tf", "");
  fs::create_directory_symlink(tree / "a", tree / "alias");
  testing::write_file(outside / "shared/main.tf", "");
  fs::create_directory_symlink(outside / "shared", tree / "shared");
  testing::write_file(outside / "linked.tf", "");
  fs::create_directories(tree / "b");
  fs::create_symlink(outside / "linked.tf", tree / "b/main.tf");
  auto g = ModuleGraph::discover(tree.path());
  std::vector<std::string> names;
  for (const auto& m : g.modules())
    names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
}

TEST(Selection, AnIncludeThatMatchesNoModuleIsAnError) {
  ModuleGraph g;
  g.add("network", "/t/network").add("db", "/t/db");
  EXPECT_EQ(run_order(g, {.include = {"net*"}}), (Levels{{"network"}}));
  testing::expect_error(errc::unknown_module, "\"netwrok\"", [&] {
    run_order(g, {.include = {"net*", "netwrok"}});
  });
  EXPECT_EQ(run_order(g, {.exclude = {"nothing"}}).size(), 1u);  // an exclude may match none
}

// A chain and a branch: vpc <- db <- app <- web, and vpc <- dns; tools alone.
ModuleGraph estate() {
  ModuleGraph g;
  for (const char* name : {"web", "app", "db", "vpc", "dns", "tools"})
    g.add(name, std::string("/e/") + name);
  g.add_dependency("web", "app").add_dependency("app", "db").add_dependency("db", "vpc");
  g.add_dependency("dns", "vpc");
  return g;
}

std::vector<std::string> names_of(const ModuleGraph& g, const std::vector<std::size_t>& found) {
  std::vector<std::string> names;
  for (std::size_t m : found)
    names.push_back(g.modules()[m].name);
  return names;
}

using Names = std::vector<std::string>;

TEST(ModuleGraph, AnswersWhatAModuleDependsOnAndWhatDependsOnIt) {
  const auto g = estate();
  const std::size_t app = *g.find("app"), vpc = *g.find("vpc"), tools = *g.find("tools");
  EXPECT_EQ(names_of(g, g.dependencies(app)), (Names{"db"}));
  EXPECT_EQ(names_of(g, g.dependencies(app, Reach::transitive)), (Names{"db", "vpc"}));
  EXPECT_EQ(names_of(g, g.dependents(vpc)), (Names{"db", "dns"}));
  // In the graph's order, though "web" was added before the modules it reaches through.
  EXPECT_EQ(names_of(g, g.dependents(vpc, Reach::transitive)), (Names{"web", "app", "db", "dns"}));
  EXPECT_TRUE(g.dependencies(tools, Reach::transitive).empty());
  EXPECT_TRUE(g.dependents(tools, Reach::transitive).empty());
  EXPECT_THROW(g.dependents(99), std::out_of_range);
}

TEST(Selection, GraphSelectionsAddDependenciesOrDependentsAndExcludesWin) {
  const auto g = estate();
  EXPECT_EQ(selected_modules(g, {.include = {"app"}}), (Names{"app"}));
  GraphRunOptions o{.include = {"app"}};
  o.include_dependencies = true;
  EXPECT_EQ(selected_modules(g, o), (Names{"app", "db", "vpc"}));
  EXPECT_EQ(run_order(g, o), (Levels{{"vpc"}, {"db"}, {"app"}}));
  o.include_dependents = true;
  EXPECT_EQ(selected_modules(g, o), (Names{"web", "app", "db", "vpc"}));
  o.exclude = {"db"};  // an exclude wins over what the graph added
  EXPECT_EQ(selected_modules(g, o), (Names{"web", "app", "vpc"}));
  GraphRunOptions dependents{.include = {"vpc"}};
  dependents.include_dependents = true;
  EXPECT_EQ(selected_modules(g, dependents), (Names{"web", "app", "db", "vpc", "dns"}));
}

TEST(Selection, NamesNarrowTheIncludesAndUnknownNamesAreErrors) {
  const auto g = estate();
  GraphRunOptions o;
  o.modules = Strings{"db", "dns"};
  EXPECT_EQ(selected_modules(g, o), (Names{"db", "dns"}));
  o.include = {"d*"};
  o.modules = Strings{"db", "vpc"};
  EXPECT_EQ(selected_modules(g, o), (Names{"db"}));  // named, and matching an include
  o.modules = Strings{};
  EXPECT_TRUE(selected_modules(g, o).empty());  // nothing named: nothing runs
  o.modules = Strings{"nope"};
  EXPECT_THROW(selected_modules(g, o), Error);
}

TEST(Selection, ARetryLeavesOutWhatSucceededWithItsReason) {
  const auto g = estate();
  GraphRunReport previous;
  auto add = [&](const char* name, ModuleResult result) {
    previous.modules.push_back({.module = name, .result = result});
  };
  add("web", ModuleResult::skipped);
  add("app", ModuleResult::failed);
  add("db", ModuleResult::succeeded);
  add("vpc", ModuleResult::succeeded);
  add("dns", ModuleResult::cancelled);
  // "tools" is new to the tree: it was not in the run retried.
  GraphRunOptions o;
  o.left_out = retry_left_out(g, previous);
  EXPECT_EQ(selected_modules(g, o), (Names{"web", "app", "dns"}));
  EXPECT_EQ(run_order(g, o), (Levels{{"app", "dns"}, {"web"}}));
  ASSERT_EQ(o.left_out.size(), 3u);
  EXPECT_EQ(o.left_out[0].module, "db");
  EXPECT_EQ(o.left_out[0].reason, "succeeded in the run retried");
  EXPECT_EQ(o.left_out[2].module, "tools");
  EXPECT_EQ(o.left_out[2].reason, "not in the run retried");
  // Those a retry leaves out ran before: a destroy does not count them as stranded.
  o.reverse = true;
  EXPECT_TRUE(unselected_dependents(g, o).empty());
}

TEST(Selection, ADestroyOfAModuleWithoutItsDependentsNamesThem) {
  const auto g = estate();
  GraphRunOptions o{.reverse = true, .include = {"db"}};
  EXPECT_EQ(unselected_dependents(g, o), (Names{"web", "app"}));
  o.include_dependents = true;
  EXPECT_TRUE(unselected_dependents(g, o).empty());
  o.exclude = {"web"};
  EXPECT_EQ(unselected_dependents(g, o), (Names{"web"}));
}

TEST(ChangeScope, AFileBelongsToTheNearestModuleAndChildModulesCountForTheirCallers) {
  const std::vector<fs::path> modules{"/r/net", "/r/app", "/r/app/nested", "/r/dns"};
  const graph::ModuleCalls calls{
      {"/r/app", {"/r/shared/web"}},
      {"/r/shared/web", {"/r/shared/base"}},  // a child calling a child
      {"/r/shared/base", {"/r/shared/web"}},  // and back: a cycle of calls ends
  };
  auto touched = [&](std::vector<fs::path> changed) {
    std::vector<std::string> names;
    for (std::size_t m : graph::touched_modules(modules, calls, changed))
      names.push_back(modules[m].filename().string());
    return names;
  };
  EXPECT_EQ(touched({"/r/net/main.tf"}), (Names{"net"}));
  EXPECT_EQ(touched({"/r/net/templates/a.tpl"}), (Names{"net"}));    // in a plain subdirectory
  EXPECT_EQ(touched({"/r/app/nested/main.tf"}), (Names{"nested"}));  // the nearest module
  EXPECT_EQ(touched({"/r/shared/base/x.tf"}), (Names{"app"}));       // through two calls
  EXPECT_EQ(touched({"/r/README.md", "/elsewhere/x.tf"}), Names{});
  EXPECT_EQ(touched({"/r/dns/a.tf", "/r/net/b.tf"}), (Names{"net", "dns"}));
}

TEST(ConfigurationScan, FindsLocalChildModuleSourcesOnly) {
  const auto sources = graph::local_module_sources(R"(
module "web" {
  source = "../shared/web"
}
module "registry" { source = "hashicorp/consul/aws" }
module "git" { source = "git::https://example.com/x.git" }
# module "commented" { source = "./nope" }
module "here" {
  count  = 1
  source = "./local"
}
module "interpolated" { source = "./${var.x}" }
)");
  EXPECT_EQ(sources, (Names{"../shared/web", "./local"}));
  for (const char* name : {"a.tf", "a.tf.json", "a.tofu", "a.tofu.json"})
    EXPECT_TRUE(graph::is_configuration_name(name)) << name;
  for (const char* name : {".tf", "a.tfvars", "a.tf.bak", "tofu", "a.json", "a.tftest.hcl"})
    EXPECT_FALSE(graph::is_configuration_name(name)) << name;
}

ModuleReport with(ModuleResult result, bool changes = false) {
  ModuleReport m;
  m.result = result;
  m.changes = changes;
  return m;
}

TEST(CombinedExitCode, FailureBeatsChangesWhichBeatNothing) {
  using R = ModuleResult;
  EXPECT_EQ(combined_exit_code({}), 0);
  EXPECT_EQ(combined_exit_code({with(R::succeeded), with(R::excluded)}), 0);
  EXPECT_EQ(combined_exit_code({with(R::succeeded), with(R::succeeded, true)}), 2);
  EXPECT_EQ(combined_exit_code({with(R::succeeded, true), with(R::failed)}), 1);
  EXPECT_EQ(combined_exit_code({with(R::succeeded, true), with(R::skipped), with(R::failed)}), 1);
  EXPECT_EQ(combined_exit_code({with(R::succeeded, true), with(R::cancelled)}), 1);
  EXPECT_EQ(combined_exit_code({with(R::pending)}), 0);  // a dry run
}

TEST(ModuleConclusion, ExitCodesErrorsAndInterrupts) {
  CommandResult r;
  r.argv = {"terraform", "plan", "-detailed-exitcode"};
  r.retcode = 2;
  r.changes_present = true;  // as conclude() sets it
  ModuleReport m;
  graph::conclude(m, &r, nullptr, false);
  EXPECT_EQ(m.result, ModuleResult::succeeded);
  EXPECT_TRUE(m.changes);
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_FALSE(m.error);

  r.argv = {"terraform", "plan"};  // 2 without -detailed-exitcode is a failure
  r.changes_present = false;
  m = {};
  graph::conclude(m, &r, nullptr, false);
  EXPECT_EQ(m.result, ModuleResult::failed);
  EXPECT_EQ(m.reason, "terraform exited with code 2");
  EXPECT_EQ(m.error, errc::command_failed);
  EXPECT_FALSE(m.exception);

  r.retcode = 1;
  r.interrupted = true;
  m = {};
  graph::conclude(m, &r, nullptr, true);
  EXPECT_EQ(m.result, ModuleResult::cancelled);
  EXPECT_EQ(m.stopped_by, StoppedBy::run_cancelled);
  EXPECT_EQ(m.error, errc::interrupted);

  m = {};
  graph::conclude(m, &r, nullptr, false);  // from outside the run: a service stop
  EXPECT_EQ(m.result, ModuleResult::cancelled);
  EXPECT_EQ(m.stopped_by, StoppedBy::interrupt);
  r.timed_out = true;  // its own timeout: a failure
  m = {};
  const detail::TaskError timed_out{make_error_code(errc::timed_out), nullptr, nullptr};
  graph::conclude(m, &r, &timed_out, true);
  EXPECT_EQ(m.result, ModuleResult::failed);
  EXPECT_EQ(m.error, errc::timed_out);
  r.timed_out = false;

  r.retcode = 0;  // the interrupt came as it ended: it did its work
  m = {};
  graph::conclude(m, &r, nullptr, true);
  EXPECT_EQ(m.result, ModuleResult::succeeded);

  // The library's own error keeps its code, category and exception.
  m = {};
  auto died = std::make_exception_ptr(Error(errc::worker_died, "pool worker 7 died (signal 9)"));
  const detail::TaskError failure{make_error_code(errc::worker_died), died, nullptr};
  graph::conclude(m, nullptr, &failure, false);
  EXPECT_EQ(m.result, ModuleResult::failed);
  EXPECT_EQ(m.reason, "pool worker 7 died (signal 9)");
  EXPECT_EQ(m.error, errc::worker_died);
  EXPECT_EQ(&m.error.category(), &error_category());
  EXPECT_EQ(m.exception, died);
  EXPECT_FALSE(m.exit_code);  // terraform never reported one
}

TEST(ModuleConclusion, NamesOfResultsAndStops) {
  EXPECT_EQ(to_string(ModuleResult::queued), "queued");
  EXPECT_EQ(to_string(ModuleResult::running), "running");
  EXPECT_EQ(to_string(StoppedBy::nothing), "nothing");
  EXPECT_EQ(to_string(StoppedBy::fail_fast), "fail_fast");
  EXPECT_EQ(to_string(StoppedBy::dependency_failed), "dependency_failed");
  EXPECT_EQ(to_string(StoppedBy::run_cancelled), "run_cancelled");
  EXPECT_EQ(to_string(StoppedBy::dependency_cancelled), "dependency_cancelled");
  EXPECT_EQ(to_string(StoppedBy::pool), "pool");
  EXPECT_EQ(to_string(StoppedBy::interrupt), "interrupt");
}

}  // namespace
}  // namespace libterraform
