#include "display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace tfrun {

using libterraform::ModuleReport;
using libterraform::ModuleResult;

namespace {

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;  // a closed terminal: nothing more to show
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string seconds(std::chrono::steady_clock::duration d) {
  char text[32];
  (void)std::snprintf(text, sizeof text, "%.1fs", std::chrono::duration<double>(d).count());
  return text;
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

// The first `width` columns of `text`, never cutting a UTF-8 sequence.
std::string cut(std::string text, int width) {
  if (width <= 0) return text;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((text[i] & 0xC0) == 0x80) continue;  // inside a code point
    if (kept++ == static_cast<std::size_t>(width)) {
      text.resize(i);
      break;
    }
  }
  return text;
}

// Moves the cursor `rows` up (nothing for 0).
std::string cursor_up(std::size_t rows) {
  return rows == 0 ? std::string() : "\x1b[" + std::to_string(rows) + "A";
}

}  // namespace

std::string ending_line(const ModuleReport& m) {
  std::string line;
  switch (m.result) {
    case ModuleResult::succeeded:
      line = "ok        ";
      break;
    case ModuleResult::failed:
      line = "FAILED    ";
      break;
    case ModuleResult::skipped:
      line = "skipped   ";
      break;
    case ModuleResult::cancelled:
      line = "cancelled ";
      break;
    default:
      line = std::string(libterraform::to_string(m.result)) + " ";
  }
  line += m.module;
  if (m.started && m.ended) line += "  " + seconds(*m.ended - *m.started);
  if (m.summary) line += "  " + change_counts(m.summary->add, m.summary->change, m.summary->remove);
  if (m.changes) line += "  (changes present)";
  if (!m.reason.empty()) line += "  " + m.reason;
  return line;
}

// --- lines ---

std::string prefixed_lines(const std::string& module, std::string_view text) {
  std::string lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    lines.append("[").append(module).append("] ").append(line).push_back('\n');
  }
  return lines;
}

std::string heartbeat_line(std::chrono::steady_clock::duration silence,
                           const std::vector<RunningFor>& running) {
  auto whole = [](std::chrono::steady_clock::duration d) {
    const auto total = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    return total < 60 ? std::to_string(total) + "s"
                      : std::to_string(total / 60) + "m" + (total % 60 < 10 ? "0" : "") +
                            std::to_string(total % 60) + "s";
  };
  std::string line = "tfrun: nothing printed for " + whole(silence) + "; running:";
  for (std::size_t i = 0; i < running.size(); ++i)
    line += (i ? ", " : " ") + running[i].module + " (" + whole(running[i].elapsed) + ")";
  return line;
}

void LineDisplay::write_locked(int fd, std::string_view text) {
  write_all(fd, text);  // one write, under the lock: lines never interleave
  last_write_ = Clock::now();
}

void LineDisplay::write_lines(const std::string& module, std::string_view text) {
  const std::string lines = prefixed_lines(module, text);
  if (lines.empty()) return;
  std::lock_guard lock(mutex_);
  write_locked(fd_, lines);
}

void LineDisplay::changed(const ModuleReport& m) {
  {
    std::lock_guard lock(mutex_);
    if (m.result == ModuleResult::running) {
      running_.emplace(m.module, Clock::now());
    } else {
      running_.erase(m.module);
    }
  }
  if (m.result == ModuleResult::running) {
    write_lines(m.module, "started");
  } else if (m.result != ModuleResult::pending && m.result != ModuleResult::queued &&
             m.result != ModuleResult::excluded) {
    write_lines(m.module, ending_line(m));
  }
}

void LineDisplay::event(const std::string& module, const libterraform::Event& event) {
  if (event.type != libterraform::EventType::version) write_lines(module, event.message);
}

void LineDisplay::output(const std::string& module, std::string_view line) {
  write_lines(module, line);
}

void LineDisplay::message(std::string_view text) {
  std::lock_guard lock(mutex_);
  write_locked(message_fd_, std::string(text) + "\n");
}

void LineDisplay::tick() {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (heartbeat_ <= Clock::duration::zero() || running_.empty() || now - last_write_ < heartbeat_) {
    return;
  }
  std::vector<RunningFor> running;
  for (const auto& [module, since] : running_)
    running.push_back({module, now - since});
  std::sort(running.begin(), running.end(),
            [](const RunningFor& a, const RunningFor& b) { return a.elapsed > b.elapsed; });
  write_locked(message_fd_, heartbeat_line(now - last_write_, running) + "\n");
}

// --- live ---

std::vector<std::string> live_block(const std::vector<LiveModule>& running, const Counters& c,
                                    int width) {
  std::size_t name_width = 0;
  for (const auto& m : running)
    name_width = std::max(name_width, m.name.size());
  std::vector<std::string> lines;
  for (const auto& m : running) {
    std::string line = "  " + pad(m.name, name_width) + "  " + pad(m.progress.phase, 12) + " " +
                       pad(seconds(m.elapsed), 7) + " " +
                       change_counts(m.progress.add, m.progress.change, m.progress.destroy);
    if (!m.progress.resource.empty()) line += "  " + m.progress.resource;
    lines.push_back(cut(std::move(line), width));
  }
  lines.push_back(cut("done " + std::to_string(c.done) + "  failed " + std::to_string(c.failed) +
                          "  skipped " + std::to_string(c.skipped) + "  cancelled " +
                          std::to_string(c.cancelled) + "  running " + std::to_string(c.running) +
                          "  queued " + std::to_string(c.queued) + "  waiting " +
                          std::to_string(c.waiting),
                      width));
  return lines;
}

LiveView::LiveView(int fd, int message_fd, const std::vector<ModuleReport>& modules)
    : fd_(fd), message_fd_(message_fd) {
  for (const auto& m : modules) {
    if (m.result == ModuleResult::excluded) continue;
    order_.push_back(m.module);
    states_[m.module] = {};
  }
  write_all(fd_, "\x1b[?25l");  // no blinking cursor in the block
}

std::size_t columns_of(std::string_view line) {
  return static_cast<std::size_t>(
      std::count_if(line.begin(), line.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::size_t rows_on_screen(const std::vector<std::size_t>& line_widths, int columns) {
  const std::size_t width = static_cast<std::size_t>(std::max(columns, 1));
  std::size_t rows = 0;
  for (std::size_t w : line_widths)
    rows += std::max<std::size_t>(1, (w + width - 1) / width);
  return rows;
}

int LiveView::columns() const {
  winsize size{};
  if (::ioctl(fd_, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

std::string LiveView::erase_locked(int columns) {
  // Up to the block's top (as many rows as its lines take now, should the terminal
  // have been made narrower and reflowed them), then the block is erased row by row:
  // that also drops the "wrapped" mark a longer line left on a row, which a terminal
  // widened later (tmux) would use to join it to the next one. One erase of all below
  // the top instead would make tmux push the screen into its scrollback whenever the
  // block starts at the top of the screen: a copy per frame.
  std::string erase;
  const std::size_t old_rows = rows_on_screen(drawn_, columns);
  if (old_rows > 0) {
    erase += '\r';
    erase += cursor_up(old_rows);
    for (std::size_t row = 0; row < old_rows; ++row)
      erase += row + 1 < old_rows ? "\x1b[2K\x1b[B" : "\x1b[2K";
    erase += cursor_up(old_rows - 1);
  }
  drawn_.clear();
  return erase;
}

std::string LiveView::block_locked(int columns) {
  if (closed_) return {};
  std::vector<LiveModule> running;
  Counters counters;
  const auto now = std::chrono::steady_clock::now();
  for (const auto& name : order_) {
    const State& s = states_[name];
    switch (s.result) {
      case ModuleResult::running:
        ++counters.running;
        running.push_back({name, s.progress, now - s.started});
        break;
      case ModuleResult::queued:
        ++counters.queued;
        break;
      case ModuleResult::succeeded:
        ++counters.done;
        break;
      case ModuleResult::failed:
        ++counters.failed;
        break;
      case ModuleResult::skipped:
        ++counters.skipped;
        break;
      case ModuleResult::cancelled:
        ++counters.cancelled;
        break;
      default:
        ++counters.waiting;
    }
  }
  // One column short of the edge: a line never wraps, nor leaves a wrap pending.
  std::string block;
  for (const auto& line : live_block(running, counters, std::max(columns - 1, 1))) {
    block += line + "\n";
    drawn_.push_back(columns_of(line));
  }
  return block;
}

void LiveView::redraw_locked(const std::string& above) {
  const int columns = this->columns();
  std::string frame = erase_locked(columns);
  frame += above;
  frame += block_locked(columns);
  write_all(fd_, frame);  // the whole frame in one write: no flicker
}

void LiveView::changed(const ModuleReport& m) {
  std::lock_guard lock(mutex_);
  auto found = states_.find(m.module);
  if (found == states_.end()) return;
  found->second.result = m.result;
  switch (m.result) {
    case ModuleResult::running:
      found->second.started = std::chrono::steady_clock::now();
      [[fallthrough]];
    case ModuleResult::pending:
    case ModuleResult::queued:
      return redraw_locked("");
    default:
      return redraw_locked(ending_line(m) + "\n");
  }
}

void LiveView::event(const std::string& module, const libterraform::Event& event) {
  std::lock_guard lock(mutex_);
  auto found = states_.find(module);
  if (found != states_.end()) found->second.progress.on_event(event);
}

void LiveView::message(std::string_view text) {
  // Above the block, on stderr: on the same terminal it reads as if printed there.
  std::lock_guard lock(mutex_);
  const int columns = this->columns();
  write_all(fd_, erase_locked(columns));
  write_all(message_fd_, std::string(text) + "\n");
  write_all(fd_, block_locked(columns));
}

void LiveView::tick() {
  std::lock_guard lock(mutex_);
  if (!closed_) redraw_locked("");
}

void LiveView::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  redraw_locked("");
  write_all(fd_, "\x1b[?25h");
}

}  // namespace tfrun
