// A child program with one behaviour per mode, for the process-layer tests.
//
//   child_helper echo-stdin            copy stdin to stdout
//   child_helper env NAME              print $NAME, or "<unset>"
//   child_helper pwd                   print the working directory
//   child_helper fds                   print how many descriptors above 2 are open
//   child_helper pgid                  print "<pid> <pgid>"
//   child_helper signals               print "<SIGINT ignored> <SIGINT blocked>" as 0/1
//   child_helper interleave N          N lines on stdout and N on stderr, alternating
//   child_helper exit CODE             exit with CODE
//   child_helper trap-int MS CODE      on SIGINT print "interrupted", wait MS, exit CODE;
//                                      a second SIGINT prints "again" and exits 99
//   child_helper trap-int-family       like `trap-int 0 0`, with a child of its own that
//                                      prints "child interrupted" if SIGINT reaches it
//   child_helper ignore-int            ignore SIGINT, wait for anything else
//   child_helper leave-grandchild S    start a `sleep S` sharing stdout, then exit 0
//   child_helper sleep S               sleep S seconds

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace {

std::atomic<int> interrupts{0};

void on_interrupt(int) {
  interrupts.fetch_add(1);
}

int count_fds() {
  int count = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  int own = ::dirfd(dir);
  while (dirent* entry = ::readdir(dir)) {
    int fd = std::atoi(entry->d_name);
    if (entry->d_name[0] != '.' && fd > 2 && fd != own) ++count;
  }
  ::closedir(dir);
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string mode = argv[1];
  auto arg = [&](int i) { return i < argc ? std::string(argv[i]) : std::string(); };

  if (mode == "echo-stdin") {
    std::cout << std::cin.rdbuf();
    return 0;
  }
  if (mode == "env") {
    const char* value = std::getenv(arg(2).c_str());
    std::cout << (value ? value : "<unset>") << "\n";
    return 0;
  }
  if (mode == "pwd") {
    char buffer[4096];
    std::cout << ::getcwd(buffer, sizeof buffer) << "\n";
    return 0;
  }
  if (mode == "fds") {
    std::cout << count_fds() << "\n";
    return 0;
  }
  if (mode == "pgid") {
    std::cout << ::getpid() << " " << ::getpgrp() << "\n";
    return 0;
  }
  if (mode == "signals") {
    struct sigaction current {};
    ::sigaction(SIGINT, nullptr, &current);
    sigset_t mask;
    ::sigprocmask(SIG_BLOCK, nullptr, &mask);
    std::cout << (current.sa_handler == SIG_IGN) << " " << ::sigismember(&mask, SIGINT) << "\n";
    return 0;
  }
  if (mode == "interleave") {
    int lines = std::atoi(arg(2).c_str());
    for (int i = 0; i < lines; ++i) {
      std::printf("out %d %s\n", i, std::string(100, 'o').c_str());
      std::fflush(stdout);
      std::fprintf(stderr, "err %d %s\n", i, std::string(100, 'e').c_str());
    }
    return 0;
  }
  if (mode == "exit") return std::atoi(arg(2).c_str());
  if (mode == "trap-int") {
    std::signal(SIGINT, on_interrupt);
    std::cout << "ready" << std::endl;
    while (interrupts.load() == 0)
      ::pause();
    std::cout << "interrupted" << std::endl;
    int waited = 0, delay = std::atoi(arg(2).c_str());
    while (waited < delay) {
      ::usleep(10000);
      waited += 10;
      if (interrupts.load() > 1) {
        std::cout << "again" << std::endl;
        return 99;
      }
    }
    return std::atoi(arg(3).c_str());
  }
  if (mode == "trap-int-family") {
    std::signal(SIGINT, on_interrupt);  // the child inherits the handler
    if (::fork() == 0) {
      while (interrupts.load() == 0)
        ::pause();
      std::cout << "child interrupted" << std::endl;
      ::_exit(0);
    }
    std::cout << "ready" << std::endl;
    while (interrupts.load() == 0)
      ::pause();
    std::cout << "interrupted" << std::endl;
    return 0;
  }
  if (mode == "ignore-int") {
    std::signal(SIGINT, SIG_IGN);
    std::cout << "ready" << std::endl;
    while (true)
      ::pause();
  }
  if (mode == "leave-grandchild") {
    if (::fork() == 0) {
      ::execlp("sleep", "sleep", arg(2).c_str(), nullptr);
      ::_exit(127);
    }
    std::cout << "parent exits" << std::endl;
    return 0;
  }
  if (mode == "sleep") {
    ::sleep(static_cast<unsigned>(std::atoi(arg(2).c_str())));
    return 0;
  }
  return 2;
}
