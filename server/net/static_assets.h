// The built browser apps, read into memory once at start-up and served from there.
//
// Serving from memory keeps file I/O off the event loop and makes path traversal
// impossible: a URL either names a file that was in the directory at start-up or is 404.
// Files under `assets/` are content-addressed by the build (their names carry a hash), so
// they are cached forever; every other file is a "shell" that browsers must revalidate.
//
// Immutable after loading; safe to share between threads.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace haven::net {

struct StaticAsset {
  std::shared_ptr<const std::string> body;
  std::string content_type;
  std::string etag;        // strong validator: quoted hash of the body
  bool immutable = false;  // content-addressed: cache for a year
};

struct StaticAssetLimits {
  std::size_t max_files = 2000;
  std::uint64_t max_total_bytes = 64ull << 20;
};

class StaticAssets {
 public:
  // Reads every regular file below `root` whose extension has a known content type; files of
  // other types are skipped. Fails when a limit is exceeded or a file cannot be read.
  static std::expected<StaticAssets, std::string> LoadDirectory(const std::filesystem::path& root,
                                                                StaticAssetLimits limits = {});

  // The asset for a URL path such as "/assets/app.3F2A.js"; "/" and "/x/" map to index.html.
  const StaticAsset* Find(std::string_view url_path) const;
  std::size_t size() const { return assets_.size(); }

  // The content type for a file name, or "" when Haven does not serve that type.
  static std::string_view ContentTypeFor(std::string_view file_name);

 private:
  std::map<std::string, StaticAsset, std::less<>> assets_;  // key: URL path
};

}  // namespace haven::net
