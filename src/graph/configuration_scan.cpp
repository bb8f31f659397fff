#include "graph/configuration_scan.hpp"

#include <regex>

namespace libterraform::graph {
namespace {

// The text with every comment (#, //, /* */) blanked out, strings kept as they are, so
// that offsets still match and nothing in a comment is taken for configuration.
std::string without_comments(std::string_view text) {
  std::string code(text);
  std::size_t i = 0;
  auto blank_until = [&](std::size_t end) {
    for (; i < end && i < code.size(); ++i)
      if (code[i] != '\n') code[i] = ' ';
  };
  while (i < code.size()) {
    const char c = code[i];
    if (c == '"') {  // a string: skip it, escapes included
      for (++i; i < code.size() && code[i] != '"'; ++i)
        if (code[i] == '\\') ++i;
      ++i;
    } else if (c == '#' || (c == '/' && i + 1 < code.size() && code[i + 1] == '/')) {
      blank_until(code.find('\n', i));
    } else if (c == '/' && i + 1 < code.size() && code[i + 1] == '*') {
      const std::size_t end = code.find("*/", i + 2);
      blank_until(end == std::string::npos ? code.size() : end + 2);
    } else {
      ++i;
    }
  }
  return code;
}

// The offset just past the brace that closes the one at `open`, or npos.
std::size_t block_end(const std::string& code, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < code.size(); ++i) {
    if (code[i] == '"') {
      for (++i; i < code.size() && code[i] != '"'; ++i)
        if (code[i] == '\\') ++i;
    } else if (code[i] == '{') {
      ++depth;
    } else if (code[i] == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string::npos;
}

// Each block opening with `header` (its regex ends at the opening brace), as text from
// that brace to the one that closes it.
std::vector<std::string> blocks(const std::string& code, const std::regex& header) {
  std::vector<std::string> found;
  for (std::sregex_iterator it(code.begin(), code.end(), header), end; it != end; ++it) {
    const std::size_t open = it->position() + it->length() - 1;
    const std::size_t close = block_end(code, open);
    if (close == std::string::npos) break;
    found.push_back(code.substr(open, close - open));
  }
  return found;
}

}  // namespace

std::vector<std::string> local_remote_state_paths(std::string_view configuration) {
  static const std::regex header(R"re(\bdata\s+"terraform_remote_state"\s+"[^"]*"\s*\{)re");
  static const std::regex local_backend(R"re(\bbackend\s*=\s*"local")re");
  static const std::regex path_value(R"re(\bpath\s*=\s*"((?:[^"\\]|\\.)*)")re");
  std::vector<std::string> paths;
  for (const auto& block : blocks(without_comments(configuration), header)) {
    std::smatch path;
    if (!std::regex_search(block, local_backend) || !std::regex_search(block, path, path_value)) {
      continue;
    }
    std::string value = path[1];
    const std::string module_prefix = "${path.module}/";
    if (value.starts_with(module_prefix)) value.erase(0, module_prefix.size());
    if (value.find("${") != std::string::npos || value.empty()) continue;
    paths.push_back(std::move(value));
  }
  return paths;
}

std::vector<std::string> local_module_sources(std::string_view configuration) {
  static const std::regex header(R"re(\bmodule\s+"[^"]*"\s*\{)re");
  // A local source starts with ./ or ../ (terraform's rule); it holds no interpolation.
  static const std::regex source_value(R"re(\bsource\s*=\s*"(\.\.?/[^"$]*)")re");
  std::vector<std::string> sources;
  for (const auto& block : blocks(without_comments(configuration), header)) {
    std::smatch source;
    if (std::regex_search(block, source, source_value)) sources.push_back(source[1]);
  }
  return sources;
}

}  // namespace libterraform::graph
