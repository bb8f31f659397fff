#include "graph/git.hpp"

#include "libterraform/errors.hpp"
#include "process/environment.hpp"
#include "process/launch.hpp"
#include "process/wait_blocking.hpp"

namespace libterraform::graph {
namespace {

namespace fs = std::filesystem;

struct GitOutput {
  int retcode = 0;
  std::string out, err;
};

GitOutput run_git(const fs::path& directory, const std::vector<std::string>& arguments) {
  const auto environment = process::shared_environment({}, false);
  process::LaunchSpec spec;
  try {
    spec.executable = process::find_executable("git", *environment);
  } catch (const Error&) {
    throw Error(errc::git_failed, "git is needed to tell what changed, and none is on PATH");
  }
  spec.argv = {"git", "-C", directory.string()};
  spec.argv.insert(spec.argv.end(), arguments.begin(), arguments.end());
  spec.environment = environment;
  process::Child child = process::launch(spec);
  GitOutput output;
  process::BlockingWait how;
  how.on_output = [&output](process::OutputStream stream, std::string_view data) {
    (stream == process::OutputStream::out ? output.out : output.err).append(data);
  };
  output.retcode = process::wait_blocking(child, how).retcode;
  return output;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

// git's standard output; Error(git_failed) with `what` and git's own words otherwise.
std::string git(const fs::path& directory, const std::vector<std::string>& arguments,
                const std::string& what) {
  GitOutput output = run_git(directory, arguments);
  if (output.retcode != 0) {
    const std::string said = trimmed(std::move(output.err));
    throw Error(errc::git_failed, what + (said.empty() ? "" : " (git: " + said + ")"));
  }
  return output.out;
}

// The NUL-separated paths git printed (-z), relative to `top`, made absolute.
void append_paths(const fs::path& top, const std::string& listed, std::vector<fs::path>& paths) {
  std::size_t begin = 0;
  for (std::size_t end; (end = listed.find('\0', begin)) != std::string::npos; begin = end + 1)
    if (end > begin) paths.push_back(top / listed.substr(begin, end - begin));
}

}  // namespace

std::vector<fs::path> changed_files(const fs::path& directory, std::string_view ref) {
  const fs::path top = trimmed(git(directory, {"rev-parse", "--show-toplevel"},
                                   directory.string() + " is not in a git work tree"));
  // The revision resolved once, then passed as a hash: a ref cannot pass for an option.
  // Built with append: g++ 12's -Wrestrict misreads `"literal" + std::string` at -O2.
  std::string unknown = "\"";
  unknown.append(ref).append("\" is not a known revision in ").append(top.string());
  const std::string commit = trimmed(git(
      top, {"rev-parse", "--verify", "--quiet", "--end-of-options", std::string(ref) + "^{commit}"},
      unknown));
  std::vector<fs::path> paths;
  append_paths(top,
               git(top, {"diff", "--name-only", "--no-renames", "-z", commit, "--"},
                   "git diff against " + std::string(ref) + " failed"),
               paths);
  append_paths(top,
               git(top, {"ls-files", "--others", "--exclude-standard", "-z", "--full-name"},
                   "listing the untracked files failed"),
               paths);
  return paths;
}

}  // namespace libterraform::graph
