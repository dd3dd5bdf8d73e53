// The profiles embedded in the binary at build time (generated builtin_profiles.cc).
#ifndef MYNACERT_PROFILES_BUILTIN_H_
#define MYNACERT_PROFILES_BUILTIN_H_

#include <string_view>
#include <vector>

namespace mynacert::profiles {

struct BuiltinProfile {
  std::string_view source_name;  // "profiles/yokohama.toml"
  std::string_view text;
};
const std::vector<BuiltinProfile>& BuiltinProfiles();

}  // namespace mynacert::profiles

#endif  // MYNACERT_PROFILES_BUILTIN_H_
