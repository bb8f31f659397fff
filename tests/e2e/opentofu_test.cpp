// The library and tfrun driving OpenTofu's `tofu`. No tofu can be installed here: a
// stand-in (tests/data/tofu/tofu) replays transcripts written from OpenTofu's
// documented formats and its source (tests/data/README.md), through the same process
// and parsing paths as terraform. tfrun's part is in tfrun_selection_test.cpp.

#include "libterraform/libterraform.hpp"
#include "test_support.hpp"

#include <algorithm>

namespace libterraform {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const fs::path kTofu = fs::path(LIBTERRAFORM_TEST_DATA) / "tofu/tofu";

TerraformOptions tofu_options() {
  TerraformOptions options = testing::terraform_options();
  options.terraform = kTofu.string();
  return options;
}

// A module written in OpenTofu's own file names only.
fs::path tofu_module(const fs::path& parent, const std::string& name) {
  testing::write_file(parent / name / "main.tofu", "resource \"terraform_data\" \"a\" {}\n");
  testing::write_file(parent / name / "tests/main.tofutest.hcl", "run \"plan_check\" {}\n");
  return parent / name;
}

TEST(OpenTofu, VersionPlanApplyAndTestParseAsTerraformsDo) {
  TempDir dir;
  TerraformCommand tofu(tofu_module(dir.path(), "m"), tofu_options());

  const auto version = tofu.version({.check = true});
  ASSERT_TRUE(version.value);
  EXPECT_EQ(version.value->at("terraform_version"), "1.9.0");  // tofu keeps terraform's key

  const auto plan = tofu.plan({.check = true});
  const auto events = events_of(plan);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().type, EventType::version);
  EXPECT_EQ(events.front().module, "tofu.ui");
  EXPECT_EQ(events.front().terraform_version, "1.9.0");  // from the key "tofu"
  EXPECT_EQ(events.front().ui_version, "1.2");
  const auto planned = PlanResult::from(plan);
  ASSERT_TRUE(planned.summary);
  EXPECT_EQ(planned.summary->add, 2);
  EXPECT_EQ(planned.changes.size(), 2u);

  const auto applied = ApplyResult::from(tofu.apply({.check = true}));
  ASSERT_TRUE(applied.summary);
  EXPECT_EQ(applied.summary->add, 1);
  ASSERT_EQ(applied.applied.size(), 1u);
  EXPECT_EQ(applied.applied[0].resource.addr, "terraform_data.a");
  EXPECT_EQ(applied.outputs.at("id").value, "0f4b7c5e-1d2a-4c4b-9a51-6a0e8d7f3b21");

  const auto tested = tofu.test();  // a failing run: tofu exits 1
  EXPECT_EQ(tested.retcode, 1);
  const auto test_events = events_of(tested);
  const auto summary = std::find_if(test_events.begin(), test_events.end(), [](const Event& e) {
    return e.type == EventType::test_summary;
  });
  ASSERT_NE(summary, test_events.end());
  EXPECT_EQ(summary->test_summary->passed, 1);
  EXPECT_EQ(summary->test_summary->failed, 1);
  const auto run = std::find_if(test_events.begin(), test_events.end(),
                                [](const Event& e) { return e.type == EventType::test_run; });
  ASSERT_NE(run, test_events.end());
  EXPECT_EQ(run->test->path, "tests/main.tofutest.hcl");
}

TEST(OpenTofu, APoolRunsAGraphOfTofuModulesFoundByTheirFileNames) {
  TempDir dir;
  tofu_module(dir.path(), "network");
  tofu_module(dir.path(), "app");
  testing::write_file(dir / "app/tfrun.deps", "../network\n");
  testing::write_file(dir / "json/main.tofu.json", R"({"resource": {}})");
  const auto graph = ModuleGraph::discover(dir.path());
  EXPECT_EQ(graph.levels(), (std::vector<std::vector<std::string>>{{"json", "network"}, {"app"}}));

  TerraformPool pool({.max_workers = 2, .terraform = tofu_options()});
  const auto report = run_graph(pool, graph, "plan").get();
  EXPECT_EQ(report.exit_code, 0);
  for (const auto& m : report.modules) {
    EXPECT_EQ(m.result, ModuleResult::succeeded) << m.module << ": " << m.reason;
    ASSERT_TRUE(m.summary) << m.module;
    EXPECT_EQ(m.summary->add, 2) << m.module;
  }
}

}  // namespace
}  // namespace libterraform
