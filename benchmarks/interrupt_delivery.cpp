// Where an interrupt should go: to terraform alone, or to its whole process group.
// See docs/benchmarks.md.
//
//   interrupt_delivery [--trials 300] [--parallel 2]
//
// Each trial starts `terraform apply -json` on a module whose only resource runs a
// local-exec provisioner, waits for the provision_start event, sends one SIGINT (to
// terraform's pid, or to its process group as a terminal's Ctrl-C does) and checks
// the outcome: terraform should stop gracefully and write its state. `--parallel`
// trials run at once, alternating the two deliveries, so both see the same load.
// No library code is involved in the runs: plain posix_spawn, a pipe and kill().

#include <libterraform/libterraform.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct Settings {
  int trials = 300;  // per delivery
  int parallel = 2;
};

Settings parse(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    int value = std::atoi(argv[i + 1]);
    if (flag == "--trials") s.trials = value;
    if (flag == "--parallel") s.parallel = value;
  }
  return s;
}

enum class Delivery { terraform_alone, whole_group };

struct Outcome {
  bool state_written = false;
  bool two_interrupts = false;  // terraform's "Two interrupts received. Exiting immediately."
};

// One interrupted apply in `module`, terraform started as the leader of its own group.
Outcome interrupted_apply(const std::string& terraform, const fs::path& module, Delivery delivery) {
  fs::remove(module / "terraform.tfstate");
  fs::remove(module / "terraform.tfstate.backup");
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) std::exit(1);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&actions, module.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  std::vector<std::string> args{terraform,       "apply",        "-json",
                                "-auto-approve", "-input=false", "-no-color"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, terraform.c_str(), &actions, &attributes, argv.data(), environ) != 0) {
    std::perror("posix_spawn");
    std::exit(1);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(out[1]);

  Outcome outcome;
  FILE* stream = ::fdopen(out[0], "r");
  char* line = nullptr;
  size_t capacity = 0;
  bool sent = false;
  while (::getline(&line, &capacity, stream) > 0) {
    std::string_view text(line);
    if (!sent && text.find("\"type\":\"provision_start\"") != std::string_view::npos) {
      ::kill(delivery == Delivery::whole_group ? -pid : pid, SIGINT);
      sent = true;
    }
    if (text.find("Two interrupts received") != std::string_view::npos) {
      outcome.two_interrupts = true;
    }
  }
  std::free(line);
  std::fclose(stream);
  siginfo_t info{};
  ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);
  ::kill(-pid, SIGKILL);  // a provisioner left behind; the zombie still holds the group
  ::waitpid(pid, nullptr, 0);
  outcome.state_written = fs::exists(module / "terraform.tfstate");
  return outcome;
}

struct Tally {
  std::atomic<int> runs{0}, state_lost{0}, two_interrupts{0};
};

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse(argc, argv);
  const fs::path root =
      fs::temp_directory_path() / ("interrupt-delivery-" + std::to_string(::getpid()));
  fs::create_directories(root);
  std::ofstream(root / "empty.tfrc").close();
  ::setenv("TF_CLI_CONFIG_FILE", (root / "empty.tfrc").c_str(), 1);
  ::setenv("CHECKPOINT_DISABLE", "1", 1);
  ::setenv("TF_IN_AUTOMATION", "1", 1);

  std::vector<fs::path> modules;
  std::string terraform;
  for (int i = 0; i < settings.parallel; ++i) {
    modules.push_back(root / ("module" + std::to_string(i)));
    fs::create_directories(modules.back());
    std::ofstream(modules.back() / "main.tf") << R"(resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 30"
  }
}
)";
    libterraform::TerraformCommand cli{modules.back()};
    cli.init({.check = true});
    terraform = cli.executable();
  }

  Tally alone, group;
  std::vector<std::thread> threads;
  for (int t = 0; t < settings.parallel; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2 * settings.trials / settings.parallel; ++i) {
        // Alternate, offset per thread, so the two deliveries run side by side.
        bool to_group = (i + t) % 2 == 1;
        auto outcome = interrupted_apply(
            terraform, modules[t], to_group ? Delivery::whole_group : Delivery::terraform_alone);
        Tally& tally = to_group ? group : alone;
        ++tally.runs;
        if (!outcome.state_written) ++tally.state_lost;
        if (outcome.two_interrupts) ++tally.two_interrupts;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  fs::remove_all(root);

  std::printf("interrupt delivery: one SIGINT at provision_start, %d applies at once\n",
              settings.parallel);
  for (auto [name, tally] :
       {std::pair{"to terraform alone   ", &alone}, std::pair{"to its process group ", &group}}) {
    std::printf("  %s %3d runs: %3d counted two interrupts, %3d without state written\n", name,
                tally->runs.load(), tally->two_interrupts.load(), tally->state_lost.load());
  }
  return 0;
}
