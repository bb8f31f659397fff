// A run over a graph against the naive way, in one run (only ratios from the same run
// mean anything on a shared machine). See docs/benchmarks.md.
//
//   graph_benchmark [--workers N] [--levels 5] [--width 20] [--rounds 3] [--heavy 150]
//                   [--tfrun PATH]
//
// A tree of levels x width modules; each module depends on two of the level before
// and plans a different number of resources (1 to 40; every seventh plans --heavy),
// so that plans take unequal times, as in a tree with a few large modules. The
// same `plan` work runs three ways, alternating, each round:
//   graph   run_graph over the ModuleGraph (a module starts when its
//           dependencies are done and a worker is free)
//   levels  pool.map level by level: a level starts when the whole previous one is done
//   tfrun   the tfrun binary over the tree (its own pool, start-up included), if given,
//           against level by level on a pool started for the round

#include <libterraform/libterraform.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace libterraform;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

struct Settings {
  unsigned workers = std::max(2u, std::thread::hardware_concurrency());
  int levels = 5;
  int width = 20;
  int rounds = 3;
  int heavy = 150;  // resources in every seventh module
  std::string tfrun;
};

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--workers") s.workers = static_cast<unsigned>(std::stoi(value));
    if (flag == "--levels") s.levels = std::stoi(value);
    if (flag == "--width") s.width = std::stoi(value);
    if (flag == "--rounds") s.rounds = std::stoi(value);
    if (flag == "--heavy") s.heavy = std::stoi(value);
    if (flag == "--tfrun") s.tfrun = value;
  }
  return s;
}

// "l3": built by appending (g++ 12 -O2 warns, wrongly, about "l" + std::to_string(n)).
std::string numbered(char prefix, int n) {
  std::string text(1, prefix);
  text += std::to_string(n);
  return text;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

template <class Work>
double timed(Work&& work) {
  const auto start = Clock::now();
  work();
  return Seconds(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const Settings s = parse(argc, argv);
  const fs::path root =
      fs::temp_directory_path() / ("graph-benchmark-" + std::to_string(::getpid()));
  const fs::path config = root / "empty.tfrc";
  fs::create_directories(root);
  std::ofstream(config).flush();
  ::setenv("TF_CLI_CONFIG_FILE", config.c_str(), 1);
  ::setenv("CHECKPOINT_DISABLE", "1", 1);

  // The tree: level L module I depends on modules I and I+1 (mod width) of level L-1.
  std::vector<std::vector<fs::path>> levels(s.levels);
  for (int level = 0; level < s.levels; ++level) {
    for (int i = 0; i < s.width; ++i) {
      const fs::path dir = root / numbered('l', level) / numbered('m', i);
      fs::create_directories(dir);
      const int index = level * s.width + i;  // every 7th module plans much more
      const int resources = index % 7 == 0 ? s.heavy : 1 + index * 37 % 40;
      std::ofstream(dir / "main.tf")
          << "resource \"terraform_data\" \"r\" {\n  count = " << resources
          << "\n  input = count.index\n}\n";
      if (level > 0) {
        std::ofstream deps(dir / "tfrun.deps");
        deps << "../../l" << level - 1 << "/m" << i << "\n";
        deps << "../../l" << level - 1 << "/m" << (i + 1) % s.width << "\n";
      }
      levels[level].push_back(dir);
    }
  }
  const ModuleGraph graph = ModuleGraph::discover(root);  // the edges, as tfrun reads them

  TerraformPool pool({.max_workers = s.workers});
  if (run_graph(pool, graph, "init").get().exit_code != 0) {
    std::cerr << "init failed\n";
    return 1;
  }
  auto level_by_level = [&](const TerraformPool& on) {
    for (const auto& level : levels)
      for (const auto& result : on.map("plan", level, {.check = true}))
        (void)result;
  };
  std::vector<double> graph_times, level_times, fresh_level_times, tfrun_times;
  const std::string tfrun_command = s.tfrun + " -C " + root.string() + " -p " +
                                    std::to_string(s.workers) +
                                    " --progress lines plan > /dev/null";
  std::vector<std::function<void()>> ways = {
      [&] { level_times.push_back(timed([&] { level_by_level(pool); })); },
      [&] {
        graph_times.push_back(timed([&] {
          if (run_graph(pool, graph, "plan").get().exit_code != 0)
            std::cerr << "graph plan failed\n";
        }));
      }};
  if (!s.tfrun.empty()) {
    // tfrun starts a pool of its own: against level by level with a pool of its own.
    ways.push_back([&] {
      fresh_level_times.push_back(timed([&] {
        TerraformPool own({.max_workers = s.workers});
        level_by_level(own);
      }));
    });
    ways.push_back([&] {
      tfrun_times.push_back(timed([&] {
        if (std::system(tfrun_command.c_str()) != 0) std::cerr << "tfrun plan failed\n";
      }));
    });
  }
  for (int round = 0; round < s.rounds; ++round) {
    // Every other round in reverse order, so that neither side of a ratio always goes
    // first on a machine whose speed drifts.
    if (round % 2 == 0) {
      for (auto& way : ways)
        way();
    } else {
      for (auto way = ways.rbegin(); way != ways.rend(); ++way)
        (*way)();
    }
  }
  std::vector<double> ratios;
  for (int r = 0; r < s.rounds; ++r)
    ratios.push_back(graph_times[r] / level_times[r]);
  std::printf(
      "graph: plan x %d modules (%d levels of %d, every 7th %d resources), %u workers, "
      "%d rounds\n",
      s.levels * s.width, s.levels, s.width, s.heavy, s.workers, s.rounds);
  std::printf("  level by level (pool.map)   %.3f s median\n", median(level_times));
  std::printf("  graph (run_graph)          %.3f s median\n", median(graph_times));
  std::printf("  graph / levels = %.3f median of rounds (%.3f to %.3f)   (target <= 1.0)\n",
              median(ratios), *std::min_element(ratios.begin(), ratios.end()),
              *std::max_element(ratios.begin(), ratios.end()));
  if (!tfrun_times.empty()) {
    std::vector<double> tfrun_ratios;
    for (int r = 0; r < s.rounds; ++r)
      tfrun_ratios.push_back(tfrun_times[r] / fresh_level_times[r]);
    std::printf("  level by level, pool started each round  %.3f s median\n",
                median(fresh_level_times));
    std::printf("  tfrun plan (its own pool and discovery)  %.3f s median\n", median(tfrun_times));
    std::printf("  tfrun / levels = %.3f median of rounds (%.3f to %.3f)   (target <= 1.0)\n",
                median(tfrun_ratios), *std::min_element(tfrun_ratios.begin(), tfrun_ratios.end()),
                *std::max_element(tfrun_ratios.begin(), tfrun_ratios.end()));
  }
  fs::remove_all(root);
  return 0;
}
