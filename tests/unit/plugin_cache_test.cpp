// The shared plugin cache's pure parts: lock file parsing, the CLI configuration an init
// runs with, and publishing a module's installed packages into the mirror.

#include "pool/plugin_cache.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

namespace libterraform::pool {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

TEST(PluginCacheLockFile, ReadsEveryProviderAndItsVersion) {
  auto providers = locked_providers(R"(# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/hashicorp/null" {
  version     = "3.2.1"
  constraints = "~> 3.0"
  hashes = [
    "h1:abc=",
    "zh:def",
  ]
}

provider "registry.example.com/acme/thing" {
  version = "0.1.0-beta"
}
)");
  ASSERT_EQ(providers.size(), 2u);
  EXPECT_EQ(providers[0], (LockedProvider{"registry.terraform.io/hashicorp/null", "3.2.1"}));
  EXPECT_EQ(providers[1], (LockedProvider{"registry.example.com/acme/thing", "0.1.0-beta"}));
  EXPECT_TRUE(locked_providers("").empty());
  EXPECT_TRUE(locked_providers("provider \"x/y/z\" {\n}\n").empty());  // no version
}

TEST(PluginCacheLayout, PackagesLiveWhereTerraformLooksForThem) {
  EXPECT_EQ(package_path({"registry.terraform.io/hashicorp/null", "3.2.1"}, "linux_amd64"),
            fs::path("registry.terraform.io/hashicorp/null/3.2.1/linux_amd64"));
  std::string platform = host_platform();
  EXPECT_TRUE(platform.starts_with("linux_")) << platform;
}

TEST(PluginCacheConfig, WithoutAUserConfigurationTheMirrorComesBeforeDirect) {
  EXPECT_EQ(cli_config_with_mirror("", "/var/cache/tf"),
            "provider_installation {\n"
            "  filesystem_mirror {\n"
            "    path = \"/var/cache/tf\"\n"
            "  }\n"
            "  direct {}\n"
            "}\n");
}

TEST(PluginCacheConfig, TheUsersMethodsComeAfterTheMirrorAndTheirCacheIsDropped) {
  std::string user =
      "plugin_cache_dir = \"/home/me/.terraform.d/plugin-cache\"\n"
      "credentials \"app.terraform.io\" { token = \"t\" }\n"
      "provider_installation {\n"
      "  network_mirror { url = \"https://mirror.example/\" }\n"
      "}\n";
  std::string config = cli_config_with_mirror(user, "/c");
  EXPECT_EQ(config,
            "\n"
            "credentials \"app.terraform.io\" { token = \"t\" }\n"
            "provider_installation {\n"
            "  filesystem_mirror {\n"
            "    path = \"/c\"\n"
            "  }\n"
            "\n"
            "  network_mirror { url = \"https://mirror.example/\" }\n"
            "}\n");
}

TEST(PluginCacheConfig, APathIsAnHclStringLiteral) {
  std::string config = cli_config_with_mirror("", "/a \"b\"/${c}/d\\e");
  EXPECT_NE(config.find(R"(path = "/a \"b\"/$${c}/d\\e")"), std::string::npos) << config;
}

class PluginCachePublish : public ::testing::Test {
 protected:
  fs::path package(const fs::path& root, std::string_view version) {
    return root / "registry.terraform.io/example/fake" / version / "linux_amd64";
  }
  TempDir tmp_;
  fs::path module_ = tmp_ / "module";
  fs::path installed_ = module_ / ".terraform/providers";
  fs::path mirror_ = tmp_ / "mirror";
};

TEST_F(PluginCachePublish, CopiesInstalledPackagesWholeAndLeavesLinksAndKnownOnes) {
  fs::create_directories(package(installed_, "1.0.0"));
  testing::write_file(package(installed_, "1.0.0") / "terraform-provider-fake_v1.0.0", "new");
  fs::create_directories(package(installed_, "2.0.0"));  // already in the mirror
  testing::write_file(package(installed_, "2.0.0") / "terraform-provider-fake_v2.0.0", "mine");
  fs::create_directories(package(mirror_, "2.0.0"));
  testing::write_file(package(mirror_, "2.0.0") / "terraform-provider-fake_v2.0.0", "theirs");
  fs::create_directories(package(tmp_ / "elsewhere", "3.0.0"));  // linked from a mirror
  fs::create_directories(package(installed_, "3.0.0").parent_path());
  fs::create_directory_symlink(package(tmp_ / "elsewhere", "3.0.0"), package(installed_, "3.0.0"));

  EXPECT_EQ(publish_installed(module_, mirror_), 1);
  EXPECT_EQ(testing::read_file(package(mirror_, "1.0.0") / "terraform-provider-fake_v1.0.0"),
            "new");
  EXPECT_EQ(testing::read_file(package(mirror_, "2.0.0") / "terraform-provider-fake_v2.0.0"),
            "theirs");
  EXPECT_FALSE(fs::exists(package(mirror_, "3.0.0")));
  // No staging copy is left behind.
  for (const auto& entry : fs::directory_iterator(mirror_ / ".libterraform"))
    ADD_FAILURE() << entry.path();
  EXPECT_EQ(publish_installed(module_, mirror_), 0);  // once
  EXPECT_EQ(publish_installed(tmp_ / "no-module", mirror_), 0);
}

}  // namespace
}  // namespace libterraform::pool
