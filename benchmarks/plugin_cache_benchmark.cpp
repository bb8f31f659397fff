// Parallel inits sharing one provider cache: terraform's own plugin_cache_dir against the
// pool's plugin_cache_dir, offline, in one run. See docs/plugin-cache.md.
//
//   plugin_cache_benchmark [--inits 16] [--rounds 20] [--size-mb 100] [--stagger-ms 100]
//
// Each round starts from an empty cache and `inits` new modules (with their lock file)
// that require one provider package of `size-mb` from a packed offline mirror
// (scripts/fake-provider-mirror), and inits them all at once on a pool of as many
// workers, submitted `stagger-ms` apart (as a dependency-ordered run starts them). As each init
// returns, the module's provider is checked byte for byte against the package, then run for a
// second, as the plan that would follow runs it. A failure is an init that failed, or one that
// succeeded with a provider that is not the package.

#include <libterraform/libterraform.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace libterraform;
using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;

struct Settings {
  int inits = 16;
  int rounds = 20;
  int size_mb = 100;
  int stagger_ms = 100;
};

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--inits") s.inits = std::stoi(value);
    if (flag == "--rounds") s.rounds = std::stoi(value);
    if (flag == "--size-mb") s.size_mb = std::stoi(value);
    if (flag == "--stagger-ms") s.stagger_ms = std::stoi(value);
  }
  return s;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the provider as the plan after init would: it is a padded sleep(1).
void run_provider(const fs::path& binary) {
  std::string path = binary.string(), seconds = "1";
  char* args[] = {path.data(), seconds.data(), nullptr};
  pid_t pid;
  if (::posix_spawn(&pid, path.c_str(), nullptr, nullptr, args, environ) == 0) {
    int status;
    ::waitpid(pid, &status, 0);
  }
}

struct Tally {
  int failed = 0;   // the init failed
  int corrupt = 0;  // it succeeded, and its provider was not the package
  std::map<std::string, int> reasons;
  double seconds = 0;
};

void round(TerraformPool& pool, const fs::path& registry, const fs::path& work, int inits,
           std::chrono::milliseconds stagger, const std::string& package, Tally& tally) {
  fs::remove_all(work);
  const fs::path binary = fs::path(
      ".terraform/providers/registry.terraform.io/example/fake/"
      "1.0.0/linux_amd64/terraform-provider-fake_v1.0.0");
  std::vector<fs::path> dirs;
  for (int i = 0; i < inits; ++i) {
    fs::path dir = work / "modules" / std::to_string(i);
    fs::create_directories(dir);
    fs::copy_file(registry / "module/main.tf", dir / "main.tf");
    fs::copy_file(registry / "module/.terraform.lock.hcl", dir / ".terraform.lock.hcl");
    dirs.push_back(dir);
  }
  fs::create_directories(work / "cache");
  std::mutex mutex;
  auto start = Clock::now();
  std::vector<Future<CommandResult>> futures;
  for (const auto& dir : dirs) {
    futures.push_back(pool.command(dir).init({.input = false}));
    std::this_thread::sleep_for(stagger);
  }
  std::vector<std::thread> checks;
  for (int i = 0; i < inits; ++i) {
    checks.emplace_back([&, i] {
      std::string reason;
      bool failed = false;
      try {
        auto result = futures[i].get();
        if (result.retcode != 0) {
          failed = true;
          auto at = result.error.find("Error");
          reason = at == std::string::npos ? "exit " + std::to_string(result.retcode)
                                           : result.error.substr(at, 160);
        } else if (read_file(dirs[i] / binary) != package) {
          reason = "provider differs from the package";
        }
      } catch (const std::exception& e) {
        failed = true;
        reason = e.what();
      }
      if (!failed && reason.empty()) run_provider(dirs[i] / binary);
      std::lock_guard lock(mutex);
      if (reason.empty()) return;
      ++(failed ? tally.failed : tally.corrupt);
      for (char& c : reason)
        if (c == '\n') c = ' ';
      ++tally.reasons[reason];
    });
  }
  for (auto& check : checks)
    check.join();
  tally.seconds += Seconds(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings = parse(argc, argv);
  fs::path base =
      fs::temp_directory_path() / ("plugin-cache-benchmark-" + std::to_string(::getpid()));
  fs::path registry = base / "registry";
  std::string make = std::string(LIBTERRAFORM_FAKE_PROVIDER_MIRROR) + " " + registry.string() +
                     " " + std::to_string(settings.size_mb);
  if (std::system(make.c_str()) != 0) return 1;
  const std::string package = read_file(registry / "package/terraform-provider-fake_v1.0.0");

  auto options = [&](bool ours) {
    PoolOptions o;
    o.max_workers = static_cast<unsigned>(settings.inits);
    o.terraform.env = {{"TF_CLI_CONFIG_FILE", (registry / "cli.tfrc").string()},
                       {"CHECKPOINT_DISABLE", "1"}};
    fs::path cache = base / (ours ? "ours" : "terraform") / "cache";
    if (ours)
      o.plugin_cache_dir = cache;
    else
      o.terraform.env["TF_PLUGIN_CACHE_DIR"] = cache.string();
    return o;
  };
  TerraformPool terraforms(options(false));
  TerraformPool ours(options(true));
  Tally terraform_cache, pool_cache;
  for (int r = 0; r < settings.rounds; ++r) {
    const std::chrono::milliseconds stagger{settings.stagger_ms};
    round(terraforms, registry, base / "terraform", settings.inits, stagger, package,
          terraform_cache);
    round(ours, registry, base / "ours", settings.inits, stagger, package, pool_cache);
    std::cerr << "round " << r + 1 << ": terraform's cache " << terraform_cache.failed << " + "
              << terraform_cache.corrupt << ", pool cache " << pool_cache.failed << " + "
              << pool_cache.corrupt << "\n";
  }
  int total = settings.inits * settings.rounds;
  auto report = [&](const char* name, const Tally& t) {
    std::cout << name << ": " << t.failed + t.corrupt << " failures in " << total << " inits ("
              << t.failed << " failed, " << t.corrupt
              << " succeeded with a provider that is not the package), " << t.seconds << " s\n";
    for (const auto& [reason, count] : t.reasons)
      std::cout << "  " << count << " x " << reason << "\n";
  };
  std::cout << settings.inits << " inits at once x " << settings.rounds << " rounds, a "
            << settings.size_mb << " MiB provider, cold cache each round\n";
  report("terraform plugin_cache_dir", terraform_cache);
  report("pool plugin_cache_dir     ", pool_cache);
  std::cout << "time pool/terraform: " << pool_cache.seconds / terraform_cache.seconds << "\n";
  fs::remove_all(base);
  return pool_cache.failed + pool_cache.corrupt == 0 ? 0 : 1;
}
