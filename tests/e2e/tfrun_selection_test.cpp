// tfrun choosing what runs, against the real terraform: --retry of a report,
// selections by the graph, --changed-since in a real git repository, the heartbeat off
// a terminal, and the binary it picks.

#include "libterraform/terraform_command.hpp"
#include "tfrun_fixture.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>

namespace libterraform {
namespace {

namespace fs = std::filesystem;

using Names = std::set<std::string>;

// A module that fails to apply until a file named `fixed` exists in it.
const char* kFlaky = R"(
resource "terraform_data" "step" {
  provisioner "local-exec" {
    command = "test -e fixed"
  }
}
)";

class TfrunSelectionTest : public TfrunTest {
 protected:
  // vpc <- db <- app, vpc <- dns; tools alone. Under `root`, relative to the tree.
  void make_estate(const fs::path& root = ".") {
    for (const char* name : {"vpc", "db", "app", "dns", "tools"})
      testing::write_file(tree.path() / root / name / "main.tf", step());
    testing::write_file(tree.path() / root / "db/tfrun.deps", "../vpc\n");
    testing::write_file(tree.path() / root / "app/tfrun.deps", "../db\n");
    testing::write_file(tree.path() / root / "dns/tfrun.deps", "../vpc\n");
  }
  nlohmann::json report() { return nlohmann::json::parse(testing::read_file(dir / "r.json")); }
  // The modules the report's order holds: those selected.
  Names selected() {
    Names names;
    const auto j = report();
    for (const auto& level : j["order"])
      for (const auto& name : level)
        names.insert(name.get<std::string>());
    return names;
  }
  std::map<std::string, nlohmann::json> modules_of(const nlohmann::json& j) {
    std::map<std::string, nlohmann::json> modules;
    for (const auto& m : j["modules"])
      modules[m["name"].get<std::string>()] = m;
    return modules;
  }
  std::string report_flag() { return " --report " + (dir / "r.json").string() + " "; }
};

TEST_F(TfrunSelectionTest, ARetryRunsOnlyWhatDidNotSucceedWithTheSameArguments) {
  make_estate();
  testing::write_file(tree / "flaky/main.tf", kFlaky);
  testing::write_file(tree / "after_flaky/main.tf", step());
  testing::write_file(tree / "after_flaky/tfrun.deps", "../flaky\n");
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  const fs::path first = dir / "first.json", second = dir / "second.json";
  ASSERT_EQ(tfrun("--progress lines -y --report " + first.string() + " apply -- -parallelism=3"), 1)
      << output << errors;
  auto before = modules_of(nlohmann::json::parse(testing::read_file(first)));
  EXPECT_EQ(before["flaky"]["result"], "failed");
  EXPECT_EQ(before["after_flaky"]["result"], "skipped");
  EXPECT_EQ(before["vpc"]["result"], "succeeded");
  const std::string vpc_state = testing::read_file(tree / "vpc/terraform.tfstate");

  // Another command, or the report of another tree, is refused, and nothing runs.
  EXPECT_EQ(tfrun("--progress lines --retry " + first.string() + " plan"), 64);
  EXPECT_NE(errors.find("it is a run of apply, not plan"), std::string::npos) << errors;
  testing::TempDir other;
  testing::write_file(other / "m/main.tf", step());
  EXPECT_EQ(tfrun("--progress lines -C " + other.path().string() + " -y --retry " + first.string() +
                  " apply"),
            64);
  EXPECT_NE(errors.find("it is a run over " + fs::weakly_canonical(tree.path()).string()),
            std::string::npos)
      << errors;
  EXPECT_EQ(tfrun("--progress lines -y --retry " + (dir / "none.json").string() + " apply"), 64);
  EXPECT_NE(errors.find("cannot be read"), std::string::npos) << errors;

  testing::write_file(tree / "flaky/fixed", "");
  ASSERT_EQ(tfrun("--progress lines -y --retry " + first.string() + " --report " + second.string() +
                  " apply"),
            0)
      << output << errors;
  const auto j = nlohmann::json::parse(testing::read_file(second));
  EXPECT_EQ(j["arguments"], nlohmann::json::parse(R"(["-parallelism=3"])"));
  EXPECT_EQ(j["order"], nlohmann::json::parse(R"([["flaky"], ["after_flaky"]])"));
  auto after = modules_of(j);
  EXPECT_EQ(after["flaky"]["result"], "succeeded");
  EXPECT_EQ(after["after_flaky"]["result"], "succeeded");
  for (const char* done : {"vpc", "db", "app", "dns", "tools"}) {
    EXPECT_EQ(after[done]["result"], "excluded") << done;
    EXPECT_EQ(after[done]["reason"], "succeeded in the run retried") << done;
    EXPECT_EQ(output.find(std::string("[") + done + "]"), std::string::npos) << done << output;
  }
  EXPECT_EQ(testing::read_file(tree / "vpc/terraform.tfstate"), vpc_state);  // not run again
  EXPECT_EQ(schema_errors(second), "");
}

TEST_F(TfrunSelectionTest, TheGraphAddsDependenciesOrDependentsAndExcludesWin) {
  make_estate();
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  ASSERT_EQ(tfrun("--progress lines --dry-run --include app --include-dependencies" +
                  report_flag() + "plan"),
            0)
      << errors;
  EXPECT_EQ(report()["order"], nlohmann::json::parse(R"([["vpc"], ["db"], ["app"]])"));
  ASSERT_EQ(tfrun("--progress lines --dry-run --include vpc --include-dependents" + report_flag() +
                  "plan"),
            0);
  EXPECT_EQ(selected(), (Names{"vpc", "db", "app", "dns"}));
  ASSERT_EQ(tfrun("--progress lines --dry-run --include vpc --include-dependents --exclude db" +
                  report_flag() + "plan"),
            0);
  EXPECT_EQ(selected(), (Names{"vpc", "app", "dns"}));

  // A real run takes what the selection says, in order, and nothing else.
  ASSERT_EQ(
      tfrun("--progress lines -y --include app --include-dependencies" + report_flag() + "apply"),
      0)
      << output << errors;
  for (const char* ran : {"vpc", "db", "app"})
    EXPECT_TRUE(fs::exists(tree / ran / "terraform.tfstate")) << ran;
  for (const char* left : {"dns", "tools"})
    EXPECT_FALSE(fs::exists(tree / left / "terraform.tfstate")) << left;
  auto ran = modules_of(report());
  // In order: each one's end no later than the next one's start (times in milliseconds).
  EXPECT_LE(ran["vpc"]["ended"].get<std::string>(), ran["db"]["started"].get<std::string>());
  EXPECT_LE(ran["db"]["ended"].get<std::string>(), ran["app"]["started"].get<std::string>());
}

TEST_F(TfrunSelectionTest, ADestroyThatWouldStrandDependentsIsRefusedNamingThem) {
  make_estate();
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  ASSERT_EQ(tfrun("--progress lines -y apply"), 0) << output;
  EXPECT_EQ(tfrun("--progress lines -y --include db destroy"), 64);
  EXPECT_NE(errors.find("would be left reading a destroyed state: app."), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("--include-dependents"), std::string::npos) << errors;
  EXPECT_TRUE(testing::state_is_clean(tree / "db"));
  EXPECT_NE(testing::read_file(tree / "db/terraform.tfstate").find("terraform_data"),
            std::string::npos);  // still there: nothing ran

  ASSERT_EQ(
      tfrun("--progress lines -y --include db --include-dependents" + report_flag() + "destroy"), 0)
      << output << errors;
  EXPECT_EQ(report()["order"], nlohmann::json::parse(R"([["app"], ["db"]])"));
  for (const char* destroyed : {"app", "db"}) {
    EXPECT_EQ(testing::read_file(tree / destroyed / "terraform.tfstate").find("terraform_data"),
              std::string::npos)
        << destroyed;
  }
  EXPECT_NE(testing::read_file(tree / "vpc/terraform.tfstate").find("terraform_data"),
            std::string::npos);
}

class TfrunGitTest : public TfrunSelectionTest {
 protected:
  void SetUp() override {
    TfrunSelectionTest::SetUp();
    // The tree: live/ (the modules) and modules/shared, a child module app calls from
    // outside the tree. A build output git ignores.
    make_estate("live");
    testing::write_file(tree / "live/app/main.tf",
                        step() + "module \"shared\" {\n  source = \"../../modules/shared\"\n}\n");
    testing::write_file(tree / "modules/shared/main.tf", "output \"x\" { value = 1 }\n");
    testing::write_file(tree / ".gitignore", "*.log\n");
    git("init -q -b main");
    commit_all();
  }
  void git(const std::string& arguments) {
    const std::string command = "cd " + tree.path().string() +
                                " && git -c user.name=t -c user.email=t@example.com " + arguments +
                                " > /dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << arguments;
  }
  void commit_all() {
    git("add -A");
    git("commit -q --allow-empty -m step");
    git("tag -f base");
  }
  // The modules --changed-since base selects, from a dry run.
  Names changed() {
    EXPECT_EQ(
        tfrun("-C live --progress lines --dry-run --changed-since base" + report_flag() + "plan"),
        0)
        << errors;
    return selected();
  }
};

TEST_F(TfrunGitTest, ChangedSinceSelectsWhatAChangeTouchesAndItsDependents) {
  EXPECT_EQ(changed(), Names{});
  EXPECT_NE(errors.find("no module is selected"), std::string::npos) << errors;

  testing::write_file(tree / "live/tools/main.tf", step(1));
  git("commit -q -am tools");
  EXPECT_EQ(changed(), (Names{"tools"}));  // committed since base
  commit_all();

  testing::write_file(tree / "live/dns/main.tf", step(1));
  git("add live/dns/main.tf");
  EXPECT_EQ(changed(), (Names{"dns"}));  // staged
  commit_all();

  testing::write_file(tree / "live/db/main.tf", step(1));
  EXPECT_EQ(changed(), (Names{"db", "app"}));  // unstaged, and its dependent
  commit_all();

  testing::write_file(tree / "live/vpc/extra.tf", step());
  EXPECT_EQ(changed(), (Names{"vpc", "db", "app", "dns"}));  // untracked
  commit_all();

  testing::write_file(tree / "live/tools/build.log", "ignored\n");
  EXPECT_EQ(changed(), Names{});  // ignored by git

  testing::write_file(tree / "modules/shared/main.tf", "output \"x\" { value = 2 }\n");
  EXPECT_EQ(changed(), (Names{"app"}));  // a child module outside the tree, via its caller
  fs::remove(tree / "modules/shared/main.tf");
  EXPECT_EQ(changed(), (Names{"app"}));  // deleted
}

TEST_F(TfrunGitTest, NotARepositoryOrAnUnknownRevisionIsBadUsage) {
  EXPECT_EQ(tfrun("-C live --progress lines --changed-since no-such-ref plan"), 64);
  EXPECT_NE(errors.find("\"no-such-ref\" is not a known revision"), std::string::npos) << errors;
  EXPECT_EQ(output, "");
  testing::TempDir outside;
  testing::write_file(outside / "m/main.tf", step());
  EXPECT_EQ(tfrun("-C " + outside.path().string() + " --progress lines --changed-since base plan"),
            64);
  EXPECT_NE(errors.find("is not in a git work tree"), std::string::npos) << errors;
}

TEST_F(TfrunSelectionTest, OffATerminalAQuietRunSaysWhatRunsEveryHeartbeat) {
  testing::write_file(tree / "slow/main.tf", step(4));
  testing::write_file(tree / "quick/main.tf", step());
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  ASSERT_EQ(tfrun("--progress lines -y --heartbeat 1s apply"), 0) << output << errors;
  const std::regex heartbeat(R"(tfrun: nothing printed for \ds; running: slow \(\ds\)\n)");
  EXPECT_TRUE(std::regex_search(errors, heartbeat)) << errors;
  for (const auto& line : lines_of(output)) {
    if (line.empty()) break;  // the summary follows
    EXPECT_EQ(line[0], '[') << line;
  }
  // The default, 30 s, stays silent on a run this short.
  ASSERT_EQ(tfrun("--progress lines -y destroy"), 0) << output << errors;
  EXPECT_EQ(errors.find("nothing printed"), std::string::npos) << errors;
}

// OpenTofu's stand-in (tests/data/tofu/tofu, see opentofu_test.cpp) over a tree of
// *.tofu modules, picked by --binary.
TEST_F(TfrunSelectionTest, TfrunRunsTheBinaryItIsGivenOverTofuModules) {
  const fs::path tofu = fs::path(LIBTERRAFORM_TEST_DATA) / "tofu/tofu";
  testing::write_file(tree / "network/main.tofu", "resource \"terraform_data\" \"a\" {}\n");
  const fs::path calls = dir / "calls.log";
  ASSERT_EQ(tfrun("--binary " + tofu.string() + " --progress lines" + report_flag() + "plan",
                  "export FAKE_TOFU_LOG=" + calls.string()),
            0)
      << output << errors;
  EXPECT_EQ(testing::read_file(calls).rfind("plan ", 0), 0u) << testing::read_file(calls);
  EXPECT_NE(output.find("[network] Plan: 2 to add"), std::string::npos) << output;
  EXPECT_EQ(report()["modules"][0]["changes"]["add"], 2);
}

TEST_F(TfrunSelectionTest, TheBinaryIsTheFlagsTheEnvironmentsTerraformOrElseTofu) {
  // A PATH holding no terraform but a tofu (here the real terraform under that name).
  const std::string terraform =
      TerraformCommand(".", testing::terraform_options()).version().argv.front();
  testing::TempDir bin;
  fs::create_symlink(terraform, bin / "tofu");
  const std::string only_tofu = "PATH=" + bin.path().string() + ":/usr/bin:/bin";
  ASSERT_EQ(tfrun("--version", only_tofu + " && export PATH"), 0) << errors;
  EXPECT_NE(output.find("\ntofu 1."), std::string::npos) << output;  // named as it runs
  EXPECT_NE(output.find("(" + (bin / "tofu").string() + ")"), std::string::npos) << output;
  ASSERT_EQ(tfrun("--version", "export TFRUN_BINARY=" + (bin / "tofu").string()), 0);
  EXPECT_NE(output.find("(" + (bin / "tofu").string() + ")"), std::string::npos) << output;
  EXPECT_EQ(tfrun("--binary " + (bin / "none").string() + " --version"), 1);
  EXPECT_NE(errors.find("terraform cannot be run"), std::string::npos) << errors;
}

}  // namespace
}  // namespace libterraform
