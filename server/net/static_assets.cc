#include "server/net/static_assets.h"

#include <array>
#include <fstream>
#include <sstream>
#include <utility>

namespace haven::net {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kContentTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".wasm", "application/wasm"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
    {".sig", "application/octet-stream"},
}};

// FNV-1a: a validator for caches, not a security property.
std::string EtagFor(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  std::ostringstream out;
  out << '"' << std::hex << hash << std::dec << '-' << bytes.size() << '"';
  return out.str();
}

}  // namespace

std::string_view StaticAssets::ContentTypeFor(std::string_view file_name) {
  auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "";
  auto extension = file_name.substr(dot);
  for (const auto& [known, type] : kContentTypes) {
    if (extension == known) return type;
  }
  return "";
}

std::expected<StaticAssets, std::string> StaticAssets::LoadDirectory(const std::filesystem::path& root,
                                                                     StaticAssetLimits limits) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return std::unexpected("static directory " + root.string() + " does not exist");
  StaticAssets result;
  std::uint64_t total = 0;
  for (fs::recursive_directory_iterator it(root, ec), end; it != end; it.increment(ec)) {
    if (ec) return std::unexpected("cannot list " + root.string() + ": " + ec.message());
    if (!it->is_regular_file(ec)) continue;
    std::string relative = fs::relative(it->path(), root, ec).generic_string();
    std::string_view type = ContentTypeFor(relative);
    if (ec || type.empty()) continue;
    if (result.assets_.size() >= limits.max_files) return std::unexpected("more than " + std::to_string(limits.max_files) + " static files");
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) return std::unexpected("cannot read static file " + relative);
    total += bytes.str().size();
    if (total > limits.max_total_bytes) return std::unexpected("static files exceed " + std::to_string(limits.max_total_bytes) + " bytes");
    StaticAsset asset;
    asset.etag = EtagFor(bytes.str());
    asset.body = std::make_shared<const std::string>(std::move(bytes).str());
    asset.content_type = std::string(type);
    asset.immutable = relative.starts_with("assets/");
    result.assets_.emplace("/" + relative, std::move(asset));
  }
  return result;
}

const StaticAsset* StaticAssets::Find(std::string_view url_path) const {
  if (url_path.empty() || url_path.front() != '/') return nullptr;
  if (url_path.back() == '/') {
    std::string index = std::string(url_path) + "index.html";
    auto it = assets_.find(index);
    return it == assets_.end() ? nullptr : &it->second;
  }
  auto it = assets_.find(url_path);
  return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace haven::net
