// Checks every C++ code block of README.md and docs/*.md: each one is either an excerpt
// of a program under examples/ (which the build compiles and the tests run), or it is
// compiled here.
//
//   doc_snippets <source dir> <compiler> <compiler arguments...>
//
// Excerpts: the block's text, white space aside, stands in one example file; "..."
// (a line of its own, or inside a line) stands for any code there.
//
// Compiled blocks go into one translation unit, each in a function of its own (a
// coroutine when it uses co_await), after a prelude that declares the names the docs
// use without defining them (cli, pool, modules, executor...). `#include` lines move
// to the top; a block's `using namespace` lines hold for the later blocks of its doc. #line
// directives make the compiler's messages point into the markdown. Compiling is -fsyntax-only:
// nothing runs.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Block {
  fs::path file;
  int first_line = 0;  // of the code, 1-based
  std::vector<std::string> lines;
};

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::vector<Block> blocks_of(const fs::path& file) {
  std::vector<Block> blocks;
  auto lines = read_lines(file);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trim(lines[i]) != "```cpp") continue;
    Block block{file, static_cast<int>(i + 2), {}};
    for (++i; i < lines.size() && trim(lines[i]) != "```"; ++i)
      block.lines.push_back(lines[i]);
    blocks.push_back(std::move(block));
  }
  return blocks;
}

// The text without white space: excerpts are compared so, since a doc may wrap a line
// where clang-format wrapped it differently in the example.
std::string squeezed(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) {
    for (char c : line) {
      if (c != ' ' && c != '\t') text += c;
    }
  }
  return text;
}

// The block's text, cut at each "...", appears piece by piece, in order, in `source`.
bool is_excerpt_of(const Block& block, const std::string& source) {
  const std::string text = squeezed(block.lines);
  std::size_t from = 0, at = 0;
  while (true) {
    std::size_t cut = text.find("...", from);
    std::string piece = text.substr(from, cut == std::string::npos ? cut : cut - from);
    if (!piece.empty()) {
      at = source.find(piece, at);
      if (at == std::string::npos) return false;
      at += piece.size();
    }
    if (cut == std::string::npos) return true;
    from = cut + 3;
  }
}

bool uses(const Block& block, const std::string& word) {
  return std::any_of(block.lines.begin(), block.lines.end(),
                     [&](const std::string& line) { return line.find(word) != std::string::npos; });
}

const char* kPrelude = R"(#include <libterraform/libterraform.hpp>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <vector>

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

// What the docs refer to without defining it; each snippet's function binds these names
// locally (a namespace-scope `pool` would clash with the library's namespace of that
// name under `using namespace libterraform`).
namespace snippet_context {
extern libterraform::TerraformCommand cli;
extern libterraform::AsyncTerraformCommand async_cli;
extern libterraform::TerraformPool pool;
extern std::vector<std::filesystem::path> modules;
extern std::filesystem::path module, first, second, dir;
extern asio::any_io_executor executor;
extern asio::io_context io;
extern libterraform::Future<libterraform::CommandResult> future;
extern std::mutex print;
void show(const libterraform::Event&);
}  // namespace snippet_context
)";

const char* kLocals = R"(  [[maybe_unused]] auto& pool = snippet_context::pool;
  [[maybe_unused]] auto& modules = snippet_context::modules;
  [[maybe_unused]] auto& module = snippet_context::module;
  [[maybe_unused]] auto& first = snippet_context::first;
  [[maybe_unused]] auto& second = snippet_context::second;
  [[maybe_unused]] auto& dir = snippet_context::dir;
  [[maybe_unused]] auto& executor = snippet_context::executor;
  [[maybe_unused]] auto& io = snippet_context::io;
  [[maybe_unused]] auto& future = snippet_context::future;
  [[maybe_unused]] auto& print = snippet_context::print;
  using snippet_context::show;
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: doc_snippets <source dir> <compiler> <arguments...>\n";
    return 2;
  }
  const fs::path root = argv[1];
  std::vector<fs::path> docs{root / "README.md"};
  for (const auto& entry : fs::directory_iterator(root / "docs")) {
    if (entry.path().extension() == ".md") docs.push_back(entry.path());
  }
  std::sort(docs.begin(), docs.end());
  std::vector<std::string> examples;
  for (const auto& entry : fs::directory_iterator(root / "examples")) {
    auto extension = entry.path().extension();
    if (extension == ".cpp" || extension == ".hpp") {
      examples.push_back(squeezed(read_lines(entry.path())));
    }
  }

  std::string head = kPrelude, bodies;
  int excerpts = 0, compiled = 0;
  for (const auto& doc : docs) {
    std::string directives;  // a doc's `using namespace` lines hold for its later blocks
    for (const auto& block : blocks_of(doc)) {
      if (std::any_of(examples.begin(), examples.end(),
                      [&](const auto& source) { return is_excerpt_of(block, source); })) {
        ++excerpts;
        continue;
      }
      const bool coroutine = uses(block, "co_await");
      const std::string name = "snippet_" + std::to_string(++compiled);
      bodies += coroutine ? "asio::awaitable<void> " + name + "() {\n" +
                                "  [[maybe_unused]] auto& cli = snippet_context::async_cli;\n"
                          : "void " + name + "() {\n" +
                                "  [[maybe_unused]] auto& cli = snippet_context::cli;\n";
      bodies += std::string(kLocals) + directives + "  {\n";
      for (std::size_t i = 0; i < block.lines.size(); ++i) {
        const std::string& line = block.lines[i];
        const std::string trimmed = trim(line);
        const std::string where = "#line " + std::to_string(block.first_line + i) + " \"" +
                                  fs::relative(doc, root).string() + "\"\n";
        if (trimmed.starts_with("#include")) {
          head += where + line + "\n";
        } else if (trimmed.starts_with("using namespace")) {
          directives += line + "\n";
          bodies += where + line + "\n";
        } else {
          bodies += where + line + "\n";
        }
      }
      bodies += coroutine ? "  }\n  co_return;\n}\n" : "  }\n}\n";
    }
  }

  const fs::path unit = fs::current_path() / "doc_snippets_generated.cpp";
  std::ofstream(unit) << head << "\n" << bodies;
  // Arguments are split at ';' too: CMake hands over a list of include directories
  // as one argument.
  std::string command;
  for (int i = 2; i < argc; ++i) {
    std::stringstream items(argv[i]);
    for (std::string item; std::getline(items, item, ';');)
      if (!item.empty()) command += "'" + item + "' ";
  }
  command += "'" + unit.string() + "' 2>&1";
  std::cout << excerpts << " blocks are excerpts of examples/; compiling the other " << compiled
            << ":\n"
            << command << "\n";
  std::fflush(stdout);
  int status = std::system(command.c_str());
  if (status != 0) {
    std::cout << "FAILED: a code block in the docs does not compile\n";
    return 1;
  }
  std::cout << "every code block compiles\n";
  return 0;
}
