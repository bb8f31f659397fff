#include "pool/plugin_cache.hpp"

#include "libterraform/errors.hpp"
#include "process/environment.hpp"

#include <sys/file.h>
#include <sys/utsname.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace libterraform::pool {
namespace {

constexpr std::string_view kStateDir = ".libterraform";  // locks, staging, configurations
constexpr auto kLockRetry = std::chrono::milliseconds{50};

[[noreturn]] void fail(const std::string& what, const std::error_code& ec = {}) {
  throw Error(errc::plugin_cache_failed, ec ? what + ": " + ec.message() : what);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// An HCL string literal: quotes and backslashes escaped, "${" and "%{" kept literal.
std::string hcl_string(const std::string& value) {
  std::string out = "\"";
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '"' || c == '\\') out += '\\';
    out += c;
    if ((c == '$' || c == '%') && i + 1 < value.size() && value[i + 1] == '{') out += c;
  }
  return out + '"';
}

// The user's CLI configuration file, as terraform finds it: TF_CLI_CONFIG_FILE, else
// ~/.terraformrc. Empty when there is none.
std::string user_cli_config(const std::vector<std::string>& environment) {
  std::string file = process::lookup(environment, "TF_CLI_CONFIG_FILE");
  if (file.empty()) {
    std::string home = process::lookup(environment, "HOME");
    if (home.empty()) return {};
    file = home + "/.terraformrc";
  }
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return {};
  return read_file(file);
}

// Waits for an exclusive flock on `path`, polling so that `keep_waiting` is asked.
process::UniqueFd lock_file(const fs::path& path, const std::function<bool()>& keep_waiting) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) fail("cannot create " + path.parent_path().string(), ec);
  process::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) fail("cannot open " + path.string(), {errno, std::generic_category()});
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      fail("cannot lock " + path.string(), {errno, std::generic_category()});
    }
    if (keep_waiting && !keep_waiting()) fail("stopped waiting for " + path.string());
    std::this_thread::sleep_for(kLockRetry);
  }
  return fd;
}

// A name unique among the processes sharing the mirror: this process, and a counter.
std::string unique_name(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  return std::string(prefix) + std::to_string(::getpid()) + '-' + std::to_string(++counter);
}

}  // namespace

std::vector<LockedProvider> locked_providers(std::string_view lock_file) {
  static const std::regex block(R"re(provider\s+"([^"]+)"\s*\{([^}]*)\})re");
  static const std::regex version(R"re(\bversion\s*=\s*"([^"]+)")re");
  std::vector<LockedProvider> providers;
  std::string text(lock_file);
  for (std::sregex_iterator it(text.begin(), text.end(), block), end; it != end; ++it) {
    std::string body = (*it)[2];
    std::smatch found;
    if (std::regex_search(body, found, version)) providers.push_back({(*it)[1], found[1]});
  }
  return providers;
}

std::string host_platform() {
  utsname name{};
  ::uname(&name);
  std::string machine = name.machine;
  if (machine == "x86_64")
    machine = "amd64";
  else if (machine == "aarch64" || machine == "arm64")
    machine = "arm64";
  else if (machine.size() == 4 && machine[0] == 'i' && machine.ends_with("86"))
    machine = "386";
  else if (machine.starts_with("arm"))
    machine = "arm";
  std::string system = name.sysname;
  for (char& c : system)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return system + '_' + machine;
}

fs::path package_path(const LockedProvider& provider, std::string_view platform) {
  return fs::path(provider.address) / provider.version / platform;
}

std::string cli_config_with_mirror(std::string_view user_config, const fs::path& mirror) {
  static const std::regex cache_setting(R"re((^|\n)[ \t]*plugin_cache_dir[ \t]*=[^\n]*)re");
  static const std::regex installation(R"re((^|\n)[ \t]*provider_installation[ \t]*\{)re");
  std::string config = std::regex_replace(std::string(user_config), cache_setting, "$1");
  std::string method =
      "\n  filesystem_mirror {\n    path = " + hcl_string(mirror.string()) + "\n  }\n";
  std::smatch found;
  if (std::regex_search(config, found, installation)) {
    config.insert(static_cast<std::size_t>(found.position(0) + found.length(0)), method);
    return config;
  }
  if (!config.empty() && config.back() != '\n') config += '\n';
  return config + "provider_installation {" + method + "  direct {}\n}\n";
}

int publish_installed(const fs::path& module_dir, const fs::path& mirror) {
  // .terraform/providers/HOST/NAMESPACE/TYPE/VERSION/PLATFORM: five levels down.
  fs::path installed = module_dir / ".terraform" / "providers";
  std::error_code ec;
  if (!fs::is_directory(installed, ec)) return 0;
  int published = 0;
  for (auto it = fs::recursive_directory_iterator(installed, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() < 4) continue;
    it.disable_recursion_pending();
    if (it->is_symlink(ec) || !it->is_directory(ec)) continue;
    fs::path target = mirror / fs::relative(it->path(), installed, ec);
    if (ec || fs::exists(target, ec)) continue;
    // Copied whole, then renamed: the package appears in the mirror complete or not at all.
    fs::path staging = mirror / kStateDir / unique_name("staging-");
    fs::create_directories(staging.parent_path(), ec);
    fs::copy(it->path(), staging, fs::copy_options::recursive, ec);
    if (!ec) fs::create_directories(target.parent_path(), ec);
    if (!ec && ::rename(staging.c_str(), target.c_str()) == 0) ++published;
    std::error_code ignored;
    fs::remove_all(staging, ignored);  // what is left when another init published it first
    ec.clear();
  }
  return published;
}

PluginCacheSession::PluginCacheSession(fs::path mirror, fs::path module_dir,
                                       const std::vector<std::string>& environment,
                                       const std::function<bool()>& keep_waiting)
    : mirror_(std::move(mirror)), module_dir_(std::move(module_dir)) {
  std::error_code ec;
  fs::create_directories(mirror_ / kStateDir, ec);
  if (ec) fail("cannot create the plugin cache " + mirror_.string(), ec);

  // Locks are taken in one order, whoever takes them, so that two inits never wait for
  // each other.
  std::vector<fs::path> missing;
  for (const auto& provider : locked_providers(read_file(module_dir_ / ".terraform.lock.hcl"))) {
    fs::path package = package_path(provider, host_platform());
    if (!fs::exists(mirror_ / package, ec)) missing.push_back(package);
  }
  std::sort(missing.begin(), missing.end());
  for (const auto& package : missing) {
    fs::path lock = mirror_ / kStateDir / "locks" / package;
    locks_.push_back(lock_file(lock.concat(".lock"), keep_waiting));
  }

  config_file_ = mirror_ / kStateDir / (unique_name("cli-") + ".tfrc");
  {
    std::ofstream out(config_file_, std::ios::binary | std::ios::trunc);
    out << cli_config_with_mirror(user_cli_config(environment), mirror_);
    if (!out.flush()) fail("cannot write " + config_file_.string());
  }
  for (const auto& entry : environment) {
    if (entry.starts_with("TF_CLI_CONFIG_FILE=") || entry.starts_with("TF_PLUGIN_CACHE_DIR=")) {
      continue;
    }
    environment_.push_back(entry);
  }
  environment_.push_back("TF_CLI_CONFIG_FILE=" + config_file_.string());
}

PluginCacheSession::~PluginCacheSession() {
  std::error_code ignored;
  fs::remove(config_file_, ignored);
}

std::vector<std::string> PluginCacheSession::environment() const {
  return environment_;
}

int PluginCacheSession::publish() const {
  return publish_installed(module_dir_, mirror_);
}

}  // namespace libterraform::pool
