#pragma once

#include "process/unique_fd.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform::pool {

// A provider cache that many `terraform init`s share at once (PoolOptions::plugin_cache_dir).
//
// terraform's own plugin cache is not safe for that: each init that installs a package
// unpacks it into the shared directory in place, over files other modules already link
// to or run (docs/plugin-cache.md has the measurements). Here the shared directory is
// instead a filesystem mirror in terraform's unpacked layout, which terraform only
// reads: an init runs with a CLI configuration that puts the mirror first among the
// installation methods, so a package already there is linked from it, and anything else
// is installed from the usual sources into the module's own .terraform. After the init,
// each package it installed that way is published: copied whole into a staging
// directory inside the mirror, then renamed into place, so a package directory appears
// complete or not at all and is never written again.
//
// So that one package is fetched once, not by every init that starts before it is
// published, an init first takes a per-package file lock for each package its
// .terraform.lock.hcl selects that the mirror lacks, and holds it until it has
// published. Locks are flock(2) locks: they hold across pools and processes, and die
// with their holder.

// A provider package a lock file selects: "registry.terraform.io/hashicorp/null", "3.2.1".
struct LockedProvider {
  std::string address;
  std::string version;
  friend bool operator==(const LockedProvider&, const LockedProvider&) = default;
};

// The providers of a .terraform.lock.hcl, in file order.
std::vector<LockedProvider> locked_providers(std::string_view lock_file);

// This machine's terraform platform: "linux_amd64", "linux_arm64"...
std::string host_platform();

// A package's directory in a mirror (or in .terraform/providers): the unpacked layout,
// HOST/NAMESPACE/TYPE/VERSION/PLATFORM.
std::filesystem::path package_path(const LockedProvider& provider, std::string_view platform);

// The CLI configuration an init runs with: `user_config` (the text of the user's own
// file, possibly empty) with the mirror put first in its provider_installation block, or
// a block of the mirror then `direct {}` added when it has none. Its plugin_cache_dir
// settings are dropped: the mirror replaces that cache.
std::string cli_config_with_mirror(std::string_view user_config,
                                   const std::filesystem::path& mirror);

// Publishes the packages `module_dir`'s last init installed itself (real directories
// under .terraform/providers, not links into a mirror) that `mirror` lacks. Returns how
// many it published; one that another init published first is left alone.
int publish_installed(const std::filesystem::path& module_dir, const std::filesystem::path& mirror);

// What one init holds while it runs against the mirror: its package locks and its CLI
// configuration file. The constructor takes the locks (calling `keep_waiting` between
// tries; false stops waiting) and writes the configuration; the destructor removes the
// file, then drops the locks.
class PluginCacheSession {
 public:
  PluginCacheSession(std::filesystem::path mirror, std::filesystem::path module_dir,
                     const std::vector<std::string>& environment,
                     const std::function<bool()>& keep_waiting);
  ~PluginCacheSession();
  PluginCacheSession(const PluginCacheSession&) = delete;
  PluginCacheSession& operator=(const PluginCacheSession&) = delete;

  // `environment` for terraform: TF_CLI_CONFIG_FILE names this session's configuration,
  // TF_PLUGIN_CACHE_DIR is unset.
  std::vector<std::string> environment() const;
  // After terraform has exited: publish_installed for the module.
  int publish() const;

 private:
  std::filesystem::path mirror_;
  std::filesystem::path module_dir_;
  std::filesystem::path config_file_;
  std::vector<std::string> environment_;
  std::vector<process::UniqueFd> locks_;
};

}  // namespace libterraform::pool
