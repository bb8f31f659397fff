// Measures the pool against baselines in one run (the machine is shared and noisy:
// only ratios from the same run mean anything). See docs/benchmarks.md.
//
//   pool_benchmark [--workers N] [--modules 64] [--tasks 5000] [--cancels 200]
//   (a count of 0 skips that part)
//
// 1. fan-out: `validate` over generated modules with the pool at N workers, against
//    sequential TerraformCommand and a raw baseline that posix_spawns terraform N at
//    a time with no library.
// 2. dispatch: trivial tasks (the binary is /bin/true) through the pool, against the
//    same raw baseline.
// 3. cancel latency: from cancel() to SIGINT received by the running command.

#include <libterraform/libterraform.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

struct Settings {
  unsigned workers = std::max(2u, std::thread::hardware_concurrency());
  int modules = 64;
  int tasks = 5000;
  int cancels = 200;
};

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--workers") s.workers = static_cast<unsigned>(value);
    if (flag == "--modules") s.modules = value;
    if (flag == "--tasks") s.tasks = value;
    if (flag == "--cancels") s.cancels = value;
  }
  return s;
}

libterraform::TerraformOptions options(const fs::path& config) {
  libterraform::TerraformOptions o;
  o.env = {{"CHECKPOINT_DISABLE", "1"}, {"TF_CLI_CONFIG_FILE", config.string()}};
  return o;
}

// Runs each argv in its directory, `parallel` at a time, with posix_spawn and nothing
// else: output to /dev/null. The floor the pool is compared with.
double raw_baseline(const std::vector<std::vector<std::string>>& commands,
                    const std::vector<fs::path>& dirs, unsigned parallel,
                    const std::vector<std::string>& env) {
  std::vector<char*> envp;
  for (const auto& e : env)
    envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  auto start = Clock::now();
  std::size_t next = 0, running = 0;
  while (next < commands.size() || running > 0) {
    while (running < parallel && next < commands.size()) {
      posix_spawn_file_actions_t actions;
      posix_spawn_file_actions_init(&actions);
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
      posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
      if (!dirs[next].empty()) posix_spawn_file_actions_addchdir_np(&actions, dirs[next].c_str());
      std::vector<char*> argv;
      for (const auto& a : commands[next])
        argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      pid_t pid;
      if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) {
        std::perror("posix_spawn");
        std::exit(1);
      }
      posix_spawn_file_actions_destroy(&actions);
      ++next;
      ++running;
    }
    ::wait(nullptr);
    --running;
  }
  return Seconds(Clock::now() - start).count();
}

std::vector<std::string> environment_with(const libterraform::TerraformOptions& o) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    env.emplace_back(*e);
  for (const auto& [key, value] : o.env)
    env.push_back(key + "=" + value);
  return env;
}

template <class F>
double timed(F&& f) {
  auto start = Clock::now();
  f();
  return Seconds(Clock::now() - start).count();
}

void fan_out(const Settings& s, const fs::path& root, const fs::path& config) {
  std::vector<fs::path> modules;
  for (int i = 0; i < s.modules; ++i) {
    fs::path dir = root / ("module" + std::to_string(i));
    fs::create_directories(dir);
    std::ofstream(dir / "main.tf")
        << "resource \"terraform_data\" \"r\" {\n  input = \"" << i << "\"\n}\n";
    modules.push_back(dir);
  }
  auto o = options(config);
  {
    libterraform::TerraformPool pool({.max_workers = s.workers, .terraform = o});
    for (const auto& r : pool.map("init", modules, {.check = true}))
      (void)r;
  }
  std::string terraform = libterraform::TerraformCommand({}, o).executable();
  std::vector<std::vector<std::string>> commands(modules.size(),
                                                 {terraform, "validate", "-no-color", "-json"});
  auto env = environment_with(o);

  double sequential = timed([&] {
    for (const auto& m : modules)
      libterraform::TerraformCommand(m, o).validate({.check = true});
  });
  // Rounds alternate the baseline and the pool; the median of their ratios is the
  // figure. The pool is built in the first round: its start-up is counted once.
  constexpr int kRounds = 3;
  std::vector<double> ratios;
  double raw_total = 0, pool_total = 0;
  std::optional<libterraform::TerraformPool> pool;
  for (int round = 0; round < kRounds; ++round) {
    double raw = raw_baseline(commands, modules, s.workers, env);
    double pooled = timed([&] {
      if (!pool) pool.emplace(libterraform::PoolOptions{.max_workers = s.workers, .terraform = o});
      for (const auto& r : pool->map("validate", modules, {.check = true}))
        (void)r;
    });
    ratios.push_back(pooled / raw);
    raw_total += raw;
    pool_total += pooled;
  }
  std::sort(ratios.begin(), ratios.end());
  std::printf("fan-out: validate x %d modules, %u workers, %d rounds\n", s.modules, s.workers,
              kRounds);
  std::printf("  sequential TerraformCommand  %7.3f s\n", sequential);
  std::printf("  raw posix_spawn, %u at once   %7.3f s per round\n", s.workers,
              raw_total / kRounds);
  std::printf("  TerraformPool                %7.3f s per round (start-up in the first)\n",
              pool_total / kRounds);
  std::printf("  pool / raw = %.3f median of rounds (%.3f to %.3f)   (target <= 1.03)\n",
              ratios[kRounds / 2], ratios.front(), ratios.back());
  std::printf("  sequential / pool = %.2fx speed-up\n\n", sequential / (pool_total / kRounds));
}

void dispatch(const Settings& s, const fs::path& root) {
  constexpr int kRounds = 5;
  const int per_round = std::max(1, s.tasks / kRounds);
  auto o = options(root / "empty.tfrc");
  o.terraform = "/bin/true";
  std::vector<std::vector<std::string>> commands(per_round, {"/bin/true", "version"});
  // A task owns its working directory as a module (two never run in one at once), so
  // the tasks take turns over 4 directories per worker; the baseline runs in the same.
  std::vector<fs::path> spread;
  for (unsigned d = 0; d < 4 * s.workers; ++d) {
    spread.push_back(root / ("dispatch-" + std::to_string(d)));
    fs::create_directories(spread.back());
  }
  std::vector<fs::path> dirs;
  for (int i = 0; i < per_round; ++i)
    dirs.push_back(spread[i % spread.size()]);
  auto env = environment_with(o);

  libterraform::TerraformPool pool({.max_workers = s.workers, .terraform = o});
  pool.run("version").get();  // workers started: measure dispatch, not fork
  std::vector<double> ratios;
  double raw_total = 0, pool_total = 0;
  for (int round = 0; round < kRounds; ++round) {
    double raw = raw_baseline(commands, dirs, s.workers, env);
    double pooled = timed([&] {
      std::vector<libterraform::Future<libterraform::RunResult>> futures;
      futures.reserve(per_round);
      for (int i = 0; i < per_round; ++i)
        futures.push_back(pool.run({"version"}, {.cwd = dirs[i]}));
      for (const auto& f : futures)
        f.get();
    });
    ratios.push_back(raw / pooled);
    raw_total += raw;
    pool_total += pooled;
  }
  std::sort(ratios.begin(), ratios.end());
  const int tasks = per_round * kRounds;
  std::printf("dispatch: %d tasks of /bin/true, %u workers, %d rounds\n", tasks, s.workers,
              kRounds);
  std::printf("  raw posix_spawn   %8.0f tasks/s\n", tasks / raw_total);
  std::printf("  TerraformPool     %8.0f tasks/s\n", tasks / pool_total);
  std::printf(
      "  pool rate / raw rate = %.3f median of rounds (%.3f to %.3f)   (target >= 0.90)\n\n",
      ratios[kRounds / 2], ratios.front(), ratios.back());
}

void cancel_latency(const Settings& s, const fs::path& root, const char* probe) {
  auto o = options(root / "empty.tfrc");
  o.terraform = probe;
  libterraform::TerraformPool pool({.max_workers = s.workers, .terraform = o});
  std::vector<double> latencies;
  for (int i = 0; i < s.cancels; ++i) {
    std::atomic<bool> ready{false};
    auto future = pool.run("probe", {.on_output = [&](std::string_view line) {
                             if (line == "ready") ready = true;
                           }});
    while (!ready)
      std::this_thread::yield();
    auto cancelled_at = Clock::now();
    future.cancel();
    const auto& result = future.get();
    long long received = std::atoll(result.output.substr(result.output.find('\n') + 1).c_str());
    auto sent =
        std::chrono::duration_cast<std::chrono::nanoseconds>(cancelled_at.time_since_epoch())
            .count();
    latencies.push_back((received - sent) / 1e6);
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    return latencies[static_cast<std::size_t>(q * (latencies.size() - 1))];
  };
  std::printf("cancel latency: cancel() to SIGINT received, %d runs\n", s.cancels);
  std::printf("  median %.3f ms   p99 %.3f ms   max %.3f ms\n", at(0.5), at(0.99),
              latencies.back());
}

}  // namespace

int main(int argc, char** argv) {
  Settings s = parse(argc, argv);
  fs::path root = fs::temp_directory_path() / ("libterraform-bench-" + std::to_string(::getpid()));
  fs::create_directories(root);
  fs::path config = root / "empty.tfrc";
  std::ofstream(config).close();
  fs::path probe = fs::canonical("/proc/self/exe").parent_path() / "sigint_probe";

  if (s.modules > 0) fan_out(s, root / "modules", config);
  if (s.tasks > 0) dispatch(s, root);
  if (s.cancels > 0) cancel_latency(s, root, probe.c_str());
  fs::remove_all(root);
  return 0;
}
