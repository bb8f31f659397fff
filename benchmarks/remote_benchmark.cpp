// Measures remote workers against local ones in one run (the machine is shared and
// noisy: only ratios from the same run mean anything). See docs/benchmarks.md.
//
//   remote_benchmark [--workers 2] [--modules 64] [--tasks 1000] [--cancels 100]
//   (a count of 0 skips that part)
//
// It starts a private sshd on 127.0.0.1 and a one-node Slurm cluster with the tests'
// scripts (tests/remote/), then, for local workers, SSH-loopback workers and Slurm
// workers, N of each:
// 1. fan-out: `validate` over generated modules, rounds alternating the three;
// 2. dispatch: trivial tasks (the binary is /bin/true);
// 3. cancel latency: from cancel() to SIGINT received by the running command.

#include <libterraform/libterraform.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

struct Settings {
  unsigned workers = 2;
  int modules = 64;
  int tasks = 1000;
  int cancels = 100;
};

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--workers") s.workers = static_cast<unsigned>(value);
    if (flag == "--modules") s.modules = value;
    if (flag == "--tasks") s.tasks = value;
    if (flag == "--cancels") s.cancels = value;
  }
  return s;
}

// The private services, started for the run and stopped after it.
class Services {
 public:
  explicit Services(const fs::path& dir) : dir_(dir) {
    for (const char* service : {"sshd", "slurm"}) {
      if (std::system(
              (script(service) + " start " + (dir_ / service).string() + " >/dev/null").c_str()) !=
          0) {
        std::fprintf(stderr, "could not start %s\n", service);
        std::exit(1);
      }
    }
  }
  ~Services() {
    for (const char* service : {"sshd", "slurm"})
      (void)std::system((script(service) + " stop " + (dir_ / service).string()).c_str());
  }
  Services(const Services&) = delete;
  Services& operator=(const Services&) = delete;

  std::vector<std::string> prefix(const std::string& service, const std::string& file) const {
    std::ifstream in(dir_ / service / file);
    std::vector<std::string> argv;
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) argv.push_back(line);
    return argv;
  }

 private:
  static std::string script(const std::string& service) {
    return std::string(LIBTERRAFORM_SOURCE_DIR) + "/tests/remote/" + service + ".sh";
  }
  fs::path dir_;
};

// The pool options of each kind of worker, N of them.
std::map<std::string, libterraform::PoolOptions> engines(const Services& services,
                                                         const Settings& s,
                                                         const libterraform::TerraformOptions& o) {
  auto launcher = [&](std::vector<std::string> argv) {
    return libterraform::WorkerLauncher{.argv = std::move(argv),
                                        .workers = s.workers,
                                        .worker_program = LIBTERRAFORM_WORKER_PROGRAM};
  };
  return {
      {"local", {.max_workers = s.workers, .terraform = o}},
      {"ssh", {.terraform = o, .launchers = {launcher(services.prefix("sshd", "ssh-prefix"))}}},
      {"slurm", {.terraform = o, .launchers = {launcher(services.prefix("slurm", "srun-prefix"))}}},
  };
}

template <class F>
double timed(F&& f) {
  auto start = Clock::now();
  f();
  return Seconds(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Runs one trivial command per worker at once, so that every worker has started and
// connected before anything is timed.
void warm_up(libterraform::TerraformPool& pool, const std::vector<fs::path>& dirs) {
  std::vector<libterraform::Future<libterraform::RunResult>> futures;
  for (const auto& dir : dirs)
    futures.push_back(pool.run({"version"}, {.cwd = dir}));
  for (const auto& f : futures)
    f.get();
}

void fan_out(const Services& services, const Settings& s, const fs::path& root,
             const libterraform::TerraformOptions& o) {
  std::vector<fs::path> modules;
  for (int i = 0; i < s.modules; ++i) {
    fs::path dir = root / ("module" + std::to_string(i));
    fs::create_directories(dir);
    std::ofstream(dir / "main.tf")
        << "resource \"terraform_data\" \"r\" {\n  input = \"" << i << "\"\n}\n";
    modules.push_back(dir);
  }
  auto options = engines(services, s, o);
  std::map<std::string, std::unique_ptr<libterraform::TerraformPool>> pools;
  for (auto& [name, pool_options] : options) {
    pools[name] = std::make_unique<libterraform::TerraformPool>(pool_options);
    warm_up(*pools[name], modules);
  }
  for (const auto& r : pools["local"]->map("init", modules, {.check = true}))
    (void)r;
  constexpr int kRounds = 5;
  std::map<std::string, std::vector<double>> times;
  for (int round = 0; round < kRounds; ++round) {
    for (auto& [name, pool] : pools) {
      times[name].push_back(timed([&] {
        for (const auto& r : pool->map("validate", modules, {.check = true}))
          (void)r;
      }));
    }
  }
  std::printf("fan-out: validate x %d modules, %u workers of each kind, %d rounds\n", s.modules,
              s.workers, kRounds);
  for (const char* name : {"local", "ssh", "slurm"}) {
    std::vector<double> ratios;
    for (int round = 0; round < kRounds; ++round)
      ratios.push_back(times[name][round] / times["local"][round]);
    std::printf("  %-6s %7.3f s per round (median)   / local = %.3f (%.3f to %.3f)\n", name,
                median(times[name]), median(ratios),
                *std::min_element(ratios.begin(), ratios.end()),
                *std::max_element(ratios.begin(), ratios.end()));
  }
  std::printf("  (goal: ssh and slurm within 5%% of local)\n\n");
}

void dispatch(const Services& services, const Settings& s, const fs::path& root,
              libterraform::TerraformOptions o) {
  o.terraform = "/bin/true";
  std::vector<fs::path> dirs;
  for (unsigned d = 0; d < 4 * s.workers; ++d) {
    dirs.push_back(root / ("dispatch-" + std::to_string(d)));
    fs::create_directories(dirs.back());
  }
  constexpr int kRounds = 5;
  const int per_round = std::max(1, s.tasks / kRounds);
  auto options = engines(services, s, o);
  std::map<std::string, std::unique_ptr<libterraform::TerraformPool>> pools;
  for (auto& [name, pool_options] : options) {
    pools[name] = std::make_unique<libterraform::TerraformPool>(pool_options);
    warm_up(*pools[name], dirs);
  }
  std::map<std::string, std::vector<double>> rates;
  for (int round = 0; round < kRounds; ++round) {
    for (auto& [name, pool] : pools) {
      const double seconds = timed([&] {
        std::vector<libterraform::Future<libterraform::RunResult>> futures;
        for (int i = 0; i < per_round; ++i)
          futures.push_back(pool->run({"version"}, {.cwd = dirs[i % dirs.size()]}));
        for (const auto& f : futures)
          f.get();
      });
      rates[name].push_back(per_round / seconds);
    }
  }
  std::printf("dispatch: %d tasks of /bin/true per kind, %u workers of each, %d rounds\n",
              per_round * kRounds, s.workers, kRounds);
  for (const char* name : {"local", "ssh", "slurm"}) {
    std::vector<double> ratios;
    for (int round = 0; round < kRounds; ++round)
      ratios.push_back(rates[name][round] / rates["local"][round]);
    std::printf("  %-6s %8.0f tasks/s (median)   / local = %.3f\n", name, median(rates[name]),
                median(ratios));
  }
  std::printf("\n");
}

void cancel_latency(const Services& services, const Settings& s, libterraform::TerraformOptions o,
                    const fs::path& probe) {
  o.terraform = probe.string();
  auto options = engines(services, s, o);
  std::printf("cancel latency: cancel() to SIGINT received, %d runs per kind\n", s.cancels);
  for (const char* name : {"local", "ssh", "slurm"}) {
    libterraform::TerraformPool pool(options[name]);
    std::vector<double> latencies;
    for (int i = 0; i < s.cancels; ++i) {
      std::atomic<bool> ready{false};
      auto future = pool.run("probe", {.on_output = [&](std::string_view line) {
                               if (line == "ready") ready = true;
                             }});
      while (!ready)
        std::this_thread::yield();
      const auto cancelled_at = Clock::now();
      future.cancel();
      const auto& result = future.get();
      const long long received =
          std::atoll(result.output.substr(result.output.find('\n') + 1).c_str());
      const auto sent =
          std::chrono::duration_cast<std::chrono::nanoseconds>(cancelled_at.time_since_epoch())
              .count();
      latencies.push_back(static_cast<double>(received - sent) / 1e6);
    }
    std::sort(latencies.begin(), latencies.end());
    auto at = [&](double q) {
      return latencies[static_cast<std::size_t>(q * static_cast<double>(latencies.size() - 1))];
    };
    std::printf("  %-6s median %.3f ms   p99 %.3f ms   max %.3f ms\n", name, at(0.5), at(0.99),
                latencies.back());
  }
  std::printf("  (goal: p99 under 50 ms over loopback)\n");
}

}  // namespace

int main(int argc, char** argv) {
  const Settings s = parse(argc, argv);
  const fs::path root =
      fs::temp_directory_path() / ("libterraform-remote-bench-" + std::to_string(::getpid()));
  fs::create_directories(root);
  // The cluster's munged wants every directory above its socket searchable.
  fs::permissions(root, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  const fs::path config = root / "empty.tfrc";
  std::ofstream(config).close();
  libterraform::TerraformOptions o;
  o.env = {{"CHECKPOINT_DISABLE", "1"}, {"TF_CLI_CONFIG_FILE", config.string()}};
  const fs::path probe = fs::canonical("/proc/self/exe").parent_path() / "sigint_probe";
  {
    Services services(root / "services");
    if (s.modules > 0) fan_out(services, s, root / "modules", o);
    if (s.tasks > 0) dispatch(services, s, root, o);
    if (s.cancels > 0) cancel_latency(services, s, o, probe);
  }
  fs::remove_all(root);
  return 0;
}
