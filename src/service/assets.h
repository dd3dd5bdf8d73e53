// The UI's files (ui/ in the source tree), compiled into the binary by CMake so that
// `mynacert serve` needs no data files.
#ifndef MYNACERT_SERVICE_ASSETS_H_
#define MYNACERT_SERVICE_ASSETS_H_

#include <span>
#include <string_view>

namespace mynacert::service {

struct Asset {
  std::string_view path;  // "/index.html", "/app.js"
  std::string_view type;  // Content-Type
  std::string_view body;
};

const Asset* FindAsset(std::string_view path);
std::span<const Asset> AllAssets();

}  // namespace mynacert::service

#endif  // MYNACERT_SERVICE_ASSETS_H_
