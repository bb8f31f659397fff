#include "libterraform/module_graph.hpp"

#include "libterraform/errors.hpp"

#include <algorithm>

namespace libterraform {
namespace {

// The indexes marked, in order, but `except`.
std::vector<std::size_t> marked(const std::vector<bool>& marks, std::size_t except) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < marks.size(); ++i)
    if (marks[i] && i != except) found.push_back(i);
  return found;
}

// "the module dependencies form a cycle: a -> b -> a"
std::string cycle_message(const std::vector<std::string>& cycle) {
  std::string path;
  for (const auto& module : cycle)
    path += (path.empty() ? "" : " -> ") + module;
  return "the module dependencies form a cycle: " + path;
}

}  // namespace

DependencyCycleError::DependencyCycleError(std::vector<std::string> cycle)
    : Error(errc::dependency_cycle, cycle_message(cycle)), cycle_(std::move(cycle)) {}

ModuleGraph& ModuleGraph::add(std::string name, std::filesystem::path directory) {
  if (name.empty()) throw Error(errc::invalid_option, "a module's name must not be empty");
  if (find(name)) {
    throw Error(errc::invalid_option, "the graph already holds a module named \"" + name + "\"");
  }
  modules_.push_back({std::move(name), std::move(directory), {}});
  return *this;
}

ModuleGraph& ModuleGraph::add_dependency(std::string_view module, std::string_view dependency) {
  auto index = [this](std::string_view name) {
    auto found = find(name);
    if (!found) {
      throw Error(errc::unknown_module,
                  "the graph holds no module named \"" + std::string(name) + "\"");
    }
    return *found;
  };
  const std::size_t from = index(module);
  const std::size_t to = index(dependency);
  if (from == to) throw DependencyCycleError({std::string(module), std::string(module)});
  auto& after = modules_[from].after;
  if (std::find(after.begin(), after.end(), to) == after.end()) after.push_back(to);
  return *this;
}

std::optional<std::size_t> ModuleGraph::find(std::string_view name) const {
  for (std::size_t i = 0; i < modules_.size(); ++i)
    if (modules_[i].name == name) return i;
  return std::nullopt;
}

std::vector<std::size_t> ModuleGraph::dependencies(std::size_t module, Reach reach) const {
  if (reach == Reach::direct) return modules_.at(module).after;
  // Every module reachable along "runs after" edges, marked, then listed in order.
  std::vector<bool> reached(modules_.size(), false);
  std::vector<std::size_t> frontier{module};
  while (!frontier.empty()) {
    const std::size_t next = frontier.back();
    frontier.pop_back();
    for (std::size_t before : modules_[next].after) {
      if (!reached[before]) {
        reached[before] = true;
        frontier.push_back(before);
      }
    }
  }
  return marked(reached, module);
}

std::vector<std::size_t> ModuleGraph::dependents(std::size_t module, Reach reach) const {
  (void)modules_.at(module);  // out of range throws, as dependencies() does
  std::vector<bool> reached(modules_.size(), false);
  reached[module] = true;
  // In the order added, a dependent may come before the module it depends on: repeat
  // until a pass reaches nothing new (at most as many passes as the graph is deep).
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t i = 0; i < modules_.size(); ++i) {
      const auto& after = modules_[i].after;
      if (!reached[i] && std::any_of(after.begin(), after.end(), [&](std::size_t d) {
            return reach == Reach::transitive ? reached[d] : d == module;
          })) {
        reached[i] = true;
        grew = reach == Reach::transitive;
      }
    }
  }
  return marked(reached, module);
}

void ModuleGraph::check_acyclic() const {
  // Depth-first search; a module met again while still on the path closes a cycle.
  enum class Mark { unseen, on_path, done };
  std::vector<Mark> marks(modules_.size(), Mark::unseen);
  std::vector<std::size_t> path;
  auto visit = [&](auto&& self, std::size_t module) -> void {
    marks[module] = Mark::on_path;
    path.push_back(module);
    for (std::size_t next : modules_[module].after) {
      if (marks[next] == Mark::on_path) {
        std::vector<std::string> cycle;
        auto start = std::find(path.begin(), path.end(), next);
        for (auto it = start; it != path.end(); ++it)
          cycle.push_back(modules_[*it].name);
        cycle.push_back(modules_[next].name);
        throw DependencyCycleError(std::move(cycle));
      }
      if (marks[next] == Mark::unseen) self(self, next);
    }
    path.pop_back();
    marks[module] = Mark::done;
  };
  for (std::size_t i = 0; i < modules_.size(); ++i)
    if (marks[i] == Mark::unseen) visit(visit, i);
}

std::vector<std::vector<std::string>> ModuleGraph::levels(bool reverse) const {
  check_acyclic();
  // A module's level: one more than the deepest module it must wait for.
  std::vector<std::optional<std::size_t>> level(modules_.size());
  std::vector<std::vector<std::size_t>> waits_for(modules_.size());
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    waits_for[i] = reverse ? dependents(i) : modules_[i].after;
  }
  auto depth = [&](auto&& self, std::size_t module) -> std::size_t {
    if (level[module]) return *level[module];
    std::size_t deepest = 0;
    for (std::size_t before : waits_for[module])
      deepest = std::max(deepest, self(self, before) + 1);
    level[module] = deepest;
    return deepest;
  };
  std::vector<std::vector<std::string>> levels;
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    const std::size_t l = depth(depth, i);
    if (levels.size() <= l) levels.resize(l + 1);
    levels[l].push_back(modules_[i].name);
  }
  return levels;
}

}  // namespace libterraform
