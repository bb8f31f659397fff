#pragma once

// Where tfrun shows a run: a live view redrawn in place on a terminal, or whole
// prefixed lines elsewhere (CI logs). Called from the pool's threads: each display
// serializes its own writes. tfrun's own messages go to stderr.

#include "progress.hpp"

#include <libterraform/graph_run.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tfrun {

class Display {
 public:
  virtual ~Display() = default;
  virtual void changed(const libterraform::ModuleReport& module) = 0;
  virtual void event(const std::string& module, const libterraform::Event& event) = 0;
  // A line terraform printed that no event carries (stderr, or a text command's stdout).
  virtual void output(const std::string& module, std::string_view line) = 0;
  virtual void message(std::string_view text) = 0;
  // Redraws (the live view); called a few times a second.
  virtual void tick() {}
  // The run is over: leaves the screen with only permanent lines.
  virtual void close() {}
};

// How a module's end reads: "ok     network  3.2s  +1 ~0 -0" and the like.
std::string ending_line(const libterraform::ModuleReport& module);

// `text` as "[module] line" lines, one per line of it, empty ones dropped: a message
// of several lines ("\nInterrupt received.\nPlease wait...\n") keeps its prefix on each.
// Pure: unit-tested.
std::string prefixed_lines(const std::string& module, std::string_view text);

// The heartbeat: "tfrun: nothing printed for 30s; running: network (1m02s), app (12s)".
// Pure: unit-tested.
struct RunningFor {
  std::string module;
  std::chrono::steady_clock::duration elapsed;
};
std::string heartbeat_line(std::chrono::steady_clock::duration silence,
                           const std::vector<RunningFor>& running);

// "[network] Plan: 1 to add, 0 to change, 0 to destroy."
class LineDisplay final : public Display {
 public:
  using Clock = std::chrono::steady_clock;
  // `heartbeat`: after this long with nothing written while modules run, a line on
  // `message_fd` naming them (a CI job that prints nothing for long is killed); zero
  // for none.
  LineDisplay(int fd, int message_fd, Clock::duration heartbeat = {})
      : fd_(fd), message_fd_(message_fd), heartbeat_(heartbeat) {}
  void changed(const libterraform::ModuleReport& module) override;
  void event(const std::string& module, const libterraform::Event& event) override;
  void output(const std::string& module, std::string_view line) override;
  void message(std::string_view text) override;
  void tick() override;  // writes the heartbeat when it is due

 private:
  void write_lines(const std::string& module, std::string_view text);
  void write_locked(int fd, std::string_view text);
  int fd_, message_fd_;
  Clock::duration heartbeat_;
  std::mutex mutex_;
  Clock::time_point last_write_ = Clock::now();
  std::map<std::string, Clock::time_point> running_;  // by name: since when
};

// One line per running module and a counter line, redrawn in place.
struct LiveModule {
  std::string name;
  ModuleProgress progress;
  std::chrono::steady_clock::duration elapsed{};
};
// running: terraform runs; queued: handed to the pool, waiting for a worker; waiting:
// for the modules it depends on.
struct Counters {
  int done = 0, failed = 0, skipped = 0, cancelled = 0, running = 0, queued = 0, waiting = 0;
};
// The block's lines, each cut to `width` columns. Pure: unit-tested.
std::vector<std::string> live_block(const std::vector<LiveModule>& running,
                                    const Counters& counters, int width);
// The rows that lines of these widths (in columns) take on a terminal `columns` wide:
// a terminal made narrower reflows each line over as many rows as it needs (tmux,
// VTE, iTerm2, kitty and Windows Terminal do). Pure: unit-tested.
std::size_t rows_on_screen(const std::vector<std::size_t>& line_widths, int columns);
// A line's width in columns: its UTF-8 code points.
std::size_t columns_of(std::string_view line);

class LiveView final : public Display {
 public:
  // `modules`: every module of the run, in order; those excluded are not counted.
  // The view goes to `fd`, messages to `message_fd`.
  LiveView(int fd, int message_fd, const std::vector<libterraform::ModuleReport>& modules);
  void changed(const libterraform::ModuleReport& module) override;
  void event(const std::string& module, const libterraform::Event& event) override;
  void output(const std::string& /*module*/, std::string_view /*text*/) override {}
  void message(std::string_view text) override;
  void tick() override;
  void close() override;

 private:
  struct State {
    libterraform::ModuleResult result = libterraform::ModuleResult::pending;
    ModuleProgress progress;
    std::chrono::steady_clock::time_point started;
  };
  // Erases the block, prints `above` (permanent lines), draws the block again.
  void redraw_locked(const std::string& above);
  std::string erase_locked(int columns);
  std::string block_locked(int columns);
  int columns() const;

  int fd_, message_fd_;
  std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, State> states_;
  std::vector<std::size_t> drawn_;  // the widths of the block's lines on screen
  bool closed_ = false;
};

}  // namespace tfrun
