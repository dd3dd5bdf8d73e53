#include "service/assets.h"

namespace mynacert::service {
namespace {

constexpr Asset kAssets[] = {
#include "ui_assets.inc"
};

}  // namespace

const Asset* FindAsset(std::string_view path) {
  for (const Asset& a : kAssets)
    if (a.path == path) return &a;
  return nullptr;
}

std::span<const Asset> AllAssets() { return kAssets; }

}  // namespace mynacert::service
