// The pool's shared plugin cache against the real terraform, installing a fake provider
// from an offline packed mirror (scripts/fake-provider-mirror): one copy for many inits,
// each linking to it, the user's own installation methods kept, a cancel while waiting
// for the package lock, and a cache that cannot be used.

#include "pool/plugin_cache.hpp"
#include "libterraform/libterraform.hpp"
#include "test_support.hpp"

#include <sys/file.h>

#include <atomic>
#include <thread>

namespace libterraform {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
namespace fs = std::filesystem;

const fs::path kPackage = "registry.terraform.io/example/fake/1.0.0";
const char* const kBinary = "terraform-provider-fake_v1.0.0";

class PluginCacheTest : public testing::LeakCheck {
 protected:
  void SetUp() override {
    LeakCheck::SetUp();
    std::string command =
        std::string(LIBTERRAFORM_FAKE_PROVIDER_MIRROR) + " " + (tmp_ / "registry").string() + " 1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    platform_ = pool::host_platform();
  }

  // `count` modules requiring the fake provider, with the lock file or without.
  std::vector<fs::path> modules(int count, bool lock_file, const std::string& prefix = "m") {
    std::vector<fs::path> dirs;
    for (int i = 0; i < count; ++i) {
      fs::path dir = tmp_ / (prefix + std::to_string(i));
      fs::create_directories(dir);
      fs::copy_file(tmp_ / "registry/module/main.tf", dir / "main.tf");
      if (lock_file) {
        fs::copy_file(tmp_ / "registry/module/.terraform.lock.hcl", dir / ".terraform.lock.hcl");
      }
      dirs.push_back(dir);
    }
    return dirs;
  }

  PoolOptions pool_options(unsigned workers) {
    PoolOptions options;
    options.max_workers = workers;
    options.terraform = testing::terraform_options();
    // The user's own configuration: installation from the offline "registry".
    options.terraform.env["TF_CLI_CONFIG_FILE"] = (tmp_ / "registry/cli.tfrc").string();
    options.plugin_cache_dir = cache_;
    return options;
  }

  fs::path installed(const fs::path& module) const {
    return module / ".terraform/providers" / kPackage / platform_;
  }

  TempDir tmp_;
  fs::path cache_ = tmp_ / "cache";
  std::string platform_;
};

TEST_F(PluginCacheTest, ManyInitsAtOnceShareOnePublishedCopy) {
  auto dirs = modules(6, true);
  TerraformPool pool(pool_options(3));
  std::vector<Future<CommandResult>> inits;
  for (const auto& dir : dirs)
    inits.push_back(pool.command(dir).init({.input = false}));
  for (auto& init : inits)
    EXPECT_EQ(init.get().retcode, 0);

  fs::path published = cache_ / kPackage / platform_;
  ASSERT_TRUE(fs::is_directory(published));
  EXPECT_EQ(testing::read_file(published / kBinary),
            testing::read_file(tmp_ / "registry/package" / kBinary));
  EXPECT_NE(fs::status(published / kBinary).permissions() & fs::perms::owner_exec, fs::perms::none);
  // The package was fetched once: the first init installed it and published it; every
  // other one waited for its lock and linked to the published copy.
  int linked = 0, own_copies = 0;
  for (const auto& dir : dirs) {
    if (fs::is_symlink(installed(dir))) {
      ++linked;
      EXPECT_EQ(fs::read_symlink(installed(dir)), published);
    } else if (fs::is_directory(installed(dir))) {
      ++own_copies;
    }
  }
  EXPECT_EQ(own_copies, 1);
  EXPECT_EQ(linked, 5);
  // Nothing left behind but the locks: no staging copy, no configuration file.
  for (const auto& entry : fs::directory_iterator(cache_ / ".libterraform"))
    EXPECT_EQ(entry.path().filename(), "locks");
}

TEST_F(PluginCacheTest, InitsWithoutALockFileAreSafeAndRecordTheSameHashes) {
  auto dirs = modules(4, false);
  TerraformPool pool(pool_options(4));
  std::vector<Future<CommandResult>> inits;
  for (const auto& dir : dirs)
    inits.push_back(pool.command(dir).init({.input = false}));
  for (auto& init : inits)
    EXPECT_EQ(init.get().retcode, 0);
  EXPECT_EQ(testing::read_file(cache_ / kPackage / platform_ / kBinary),
            testing::read_file(tmp_ / "registry/package" / kBinary));
  auto expected =
      pool::locked_providers(testing::read_file(tmp_ / "registry/module/.terraform.lock.hcl"));
  std::string hashes = testing::read_file(tmp_ / "registry/module/.terraform.lock.hcl");
  hashes = hashes.substr(hashes.find("hashes"));
  for (const auto& dir : dirs) {
    std::string lock = testing::read_file(dir / ".terraform.lock.hcl");
    EXPECT_EQ(pool::locked_providers(lock), expected);
    EXPECT_NE(lock.find(hashes), std::string::npos) << lock;
  }
  // A second round links every module to the cache.
  auto late = modules(1, true, "late");
  EXPECT_EQ(pool.command(late[0]).init({.input = false}).get().retcode, 0);
  EXPECT_TRUE(fs::is_symlink(installed(late[0])));
}

TEST_F(PluginCacheTest, ACancelWhileWaitingForThePackageLockNeverStartsTerraform) {
  auto dirs = modules(1, true);
  fs::path lock = cache_ / ".libterraform/locks" / kPackage / (platform_ + ".lock");
  fs::create_directories(lock.parent_path());
  process::UniqueFd held(::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  ASSERT_EQ(::flock(held.get(), LOCK_EX), 0);  // another init is fetching the package

  TerraformPool pool(pool_options(1));
  auto init = pool.command(dirs[0]).init({.input = false});
  // Its worker holds it (waiting for the lock); terraform has not started.
  ASSERT_TRUE(testing::eventually([&] {
    return detail::Access::state(init)->status() == detail::FutureStateBase::Status::running;
  }));
  EXPECT_FALSE(init.running());
  EXPECT_EQ(init.wait_for(300ms), std::future_status::timeout);
  init.cancel();
  testing::expect_error(errc::cancelled, "", [&] { init.get(); });
  EXPECT_TRUE(init.cancelled());  // never started: cancelled, as a task still queued is
  EXPECT_FALSE(init.started_at());
  EXPECT_FALSE(fs::exists(dirs[0] / ".terraform"));

  // In a run over a graph, such a module ends cancelled too.
  ModuleGraph graph;
  graph.add("module", dirs[0]);
  std::atomic<bool> queued{false};
  auto run = run_graph(pool, graph, "init", {.on_change = [&](const ModuleReport& m) {
                         if (m.result == ModuleResult::queued) queued = true;
                       }});
  ASSERT_TRUE(testing::eventually([&] { return queued.load(); }));
  std::this_thread::sleep_for(1s);  // its worker has taken it, and waits for the lock
  run.cancel();
  const GraphRunReport report = run.get();
  const auto& cancelled = report.modules[0];
  EXPECT_EQ(cancelled.result, ModuleResult::cancelled) << cancelled.reason;
  EXPECT_EQ(cancelled.error, errc::cancelled);
  EXPECT_FALSE(cancelled.started);

  // Its timeout covers the wait: terraform never starts, the wait ends typed.
  const auto begun = std::chrono::steady_clock::now();
  auto timed = pool.command(dirs[0]).init({.input = false, .timeout = 1s});
  testing::expect_error(errc::timed_out, "waiting for the plugin cache's lock",
                        [&] { timed.get(); });
  EXPECT_LT(std::chrono::steady_clock::now() - begun, 10s);
  EXPECT_FALSE(fs::exists(dirs[0] / ".terraform"));

  // The worker is free again.
  held.reset();
  EXPECT_EQ(pool.command(dirs[0]).init({.input = false}).get().retcode, 0);
}

TEST_F(PluginCacheTest, ACacheThatCannotBeCreatedFailsTheInitWithATypedError) {
  auto dirs = modules(1, true);
  testing::write_file(tmp_ / "file", "not a directory");
  PoolOptions options = pool_options(1);
  options.plugin_cache_dir = tmp_ / "file/cache";
  TerraformPool pool(options);
  testing::expect_error(errc::plugin_cache_failed, "",
                        [&] { pool.command(dirs[0]).init({.input = false}).get(); });
  EXPECT_FALSE(fs::exists(dirs[0] / ".terraform"));
  // Other commands do not use the cache.
  EXPECT_EQ(pool.command(dirs[0]).version().get().retcode, 0);
}

}  // namespace
}  // namespace libterraform
