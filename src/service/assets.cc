#include "service/assets.h"

namespace mynacert::service {
namespace {

// Each file is one raw string literal. The standard only promises literals of 65536 characters
// and clang's -Wpedantic says so (-Woverlength-strings); GCC and clang, the two compilers the
// project builds with, take far longer ones, and staff.js passed that size.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
constexpr Asset kAssets[] = {
#include "ui_assets.inc"
};
#pragma GCC diagnostic pop

}  // namespace

const Asset* FindAsset(std::string_view path) {
  for (const Asset& a : kAssets)
    if (a.path == path) return &a;
  return nullptr;
}

std::span<const Asset> AllAssets() { return kAssets; }

}  // namespace mynacert::service
