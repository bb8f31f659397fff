// The pool's launchers without processes: checks, argv, path mapping, and where workers
// come from (WorkerSlots).

#include "pool/launchers.hpp"
#include "libterraform/errors.hpp"
#include "pool/worker_slots.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace libterraform::pool {
namespace {

using namespace std::chrono_literals;

WorkerLauncher ssh_launcher() {
  return {.argv = {"ssh", "-T", "host1"},
          .workers = 2,
          .path_map = {{"/home/me/infra", "/srv/infra"}, {"/opt/tf", "/usr/local"}}};
}

TEST(Launchers, ArgvIsTheLaunchersThenTheWorkerProgram) {
  WorkerLauncher custom = ssh_launcher();
  custom.worker_program = "/opt/lt/bin/libterraform-worker";
  auto argvs = launcher_argvs({ssh_launcher(), custom});
  ASSERT_EQ(argvs.size(), 2u);
  EXPECT_EQ(argvs[0], (std::vector<std::string>{"ssh", "-T", "host1", "libterraform-worker"}));
  EXPECT_EQ(argvs[1].back(), "/opt/lt/bin/libterraform-worker");
  EXPECT_EQ(launcher_name(ssh_launcher()), "ssh -T host1");
}

TEST(Launchers, BadLaunchersAreInvalidOptions) {
  auto with = [](auto change) {
    WorkerLauncher launcher = ssh_launcher();
    change(launcher);
    return std::vector<WorkerLauncher>{launcher};
  };
  EXPECT_NO_THROW(check_launchers(with([](WorkerLauncher&) {})));
  const std::vector<std::function<void(WorkerLauncher&)>> bad{
      [](WorkerLauncher& l) { l.argv.clear(); },
      [](WorkerLauncher& l) { l.argv.push_back(""); },
      [](WorkerLauncher& l) { l.argv.push_back(std::string("a\0b", 3)); },
      [](WorkerLauncher& l) { l.worker_program.clear(); },
      [](WorkerLauncher& l) { l.workers = 0; },
      [](WorkerLauncher& l) { l.start_timeout = 0ms; },
      [](WorkerLauncher& l) { l.path_map.emplace_back("relative", "/srv"); },
  };
  for (const auto& change : bad) {
    testing::expect_error<Error>(errc::invalid_option, "worker launcher",
                                 [&] { check_launchers(with(change)); });
  }
}

TEST(Launchers, PathsMapByWholeComponentsFirstMatchWins) {
  const WorkerLauncher launcher = ssh_launcher();
  EXPECT_EQ(map_path("/home/me/infra", launcher), "/srv/infra");
  EXPECT_EQ(map_path("/home/me/infra/net/vpc", launcher), "/srv/infra/net/vpc");
  EXPECT_EQ(map_path("/home/me/infrastructure", launcher), "/home/me/infrastructure");
  EXPECT_EQ(map_path("/elsewhere/x", launcher), "/elsewhere/x");
  WorkerLauncher trailing{.argv = {"ssh"}, .path_map = {{"/a/", "/b/"}}};
  EXPECT_EQ(map_path("/a/x", trailing), "/b/x");
}

TEST(Launchers, ARequestHasItsDirectoryCacheAndBinaryMapped) {
  RunRequest request;
  request.invocation.launch.executable = "/opt/tf/bin/terraform";
  request.invocation.launch.argv = {"/opt/tf/bin/terraform", "plan", "-var=dir=/home/me/infra"};
  request.invocation.launch.working_dir = "/home/me/infra/app";
  request.plugin_cache_dir = "/home/me/infra/.cache";
  RunRequest mapped = for_launcher(request, ssh_launcher());
  EXPECT_EQ(mapped.invocation.launch.working_dir, "/srv/infra/app");
  EXPECT_EQ(mapped.invocation.launch.executable, "/usr/local/bin/terraform");
  EXPECT_EQ(mapped.invocation.launch.argv,
            (std::vector<std::string>{"/usr/local/bin/terraform", "plan",
                                      "-var=dir=/home/me/infra"}));  // arguments stay as given
  EXPECT_EQ(mapped.plugin_cache_dir, "/srv/infra/.cache");
  RunRequest unmapped = for_launcher(request, {.argv = {"ssh", "h"}});
  EXPECT_EQ(unmapped.invocation.launch.working_dir, "/home/me/infra/app");
}

TEST(Launchers, LocalWorkersDefaultToNoneBesideLaunchers) {
  EXPECT_GE(local_workers({}), 1u);
  EXPECT_EQ(local_workers({.launchers = {ssh_launcher()}}), 0u);
  EXPECT_EQ(local_workers({.max_workers = 3, .launchers = {ssh_launcher()}}), 3u);
}

TEST(WorkerSlots, LocalFirstThenLaunchersInOrderWhileTheyHaveRoom) {
  WorkerSlots slots({1, 2, 1}, {"local", "a", "b"});
  const auto now = WorkerSlots::Clock::now();
  EXPECT_EQ(slots.capacity(), 4u);
  std::vector<std::size_t> picked;
  while (auto slot = slots.pick(now)) {
    slots.started(*slot);
    picked.push_back(*slot);
  }
  EXPECT_EQ(picked, (std::vector<std::size_t>{0, 1, 1, 2}));
  slots.ended(1);
  EXPECT_EQ(slots.pick(now), 1u);
}

TEST(WorkerSlots, AFailingLauncherRestsLongerEachTimeThenLeavesTheRotation) {
  WorkerSlots slots({0, 1}, {"local", "ssh -T h"});
  auto now = WorkerSlots::Clock::now();
  slots.started(1);
  slots.ended(1);
  EXPECT_FALSE(slots.failed(1, "exit 255", now));
  EXPECT_FALSE(slots.pick(now));
  EXPECT_EQ(slots.next_start(now), now + WorkerSlots::kFirstRest);
  now += WorkerSlots::kFirstRest;
  EXPECT_EQ(slots.pick(now), 1u);
  EXPECT_FALSE(slots.failed(1, "exit 255", now));
  EXPECT_EQ(slots.next_start(now), now + 2 * WorkerSlots::kFirstRest);
  now += 2 * WorkerSlots::kFirstRest;
  EXPECT_TRUE(slots.failed(1, "Connection refused", now));  // the third in a row
  EXPECT_TRUE(slots.exhausted());
  EXPECT_FALSE(slots.pick(now + 1h));
  EXPECT_FALSE(slots.next_start(now));
  EXPECT_EQ(slots.failures(), "ssh -T h (out of rotation): Connection refused");
}

TEST(WorkerSlots, AReadyWorkerClearsItsLaunchersFailures) {
  WorkerSlots slots({0, 1}, {"local", "srun"});
  auto now = WorkerSlots::Clock::now();
  for (int round = 0; round < 5; ++round) {
    slots.started(1);
    slots.ended(1);
    EXPECT_FALSE(slots.failed(1, "busy", now));
    now += 1h;
    slots.started(1);
    slots.ready(1);
    slots.ended(1);
  }
  EXPECT_EQ(slots.capacity(), 1u);
  EXPECT_EQ(slots.failures(), "srun: busy");
}

}  // namespace
}  // namespace libterraform::pool
