// Loading municipality profiles (profiles/*.toml) with a schema check.
//
// The five seed municipalities are built into the binary (the TOML files are embedded at build
// time); `Registry::Load(extra_dir)` adds every *.toml of a folder, so a sixth municipality is a
// new file, not code. Every problem — an unknown key, a wrong type, a bad value such as "25:00",
// a missing key, a duplicate counter — is an Error whose field reads
// "<file>:<line> <key.path>", e.g. "profiles/yokohama.toml:42 counters[3].weekdays".
// docs/profiles.md documents every key.
//
// Thread-safety: a loaded Registry is immutable and may be shared between threads.
#ifndef MYNACERT_PROFILES_LOADER_H_
#define MYNACERT_PROFILES_LOADER_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "profiles/model.h"

namespace mynacert::profiles {

// Parses one profile. `source_name` is used in errors and must end in "<id>.toml": the file's
// stem must equal the profile's `id`.
Result<Municipality> ParseProfile(std::string_view toml_text, std::string_view source_name);
Result<Municipality> LoadProfileFile(const std::string& path);

class Registry {
 public:
  // The built-in profiles, then every *.toml in `extra_dir` (skipped when empty). An extra
  // profile whose id clashes with another is an error, as is a missing folder.
  static Result<Registry> Load(const std::string& extra_dir);
  // Only the built-in profiles.
  static Result<Registry> Builtin() { return Load(""); }

  // NotFound naming the known ids when `id` is unknown.
  Result<const Municipality*> Find(std::string_view id) const;
  const std::vector<Municipality>& all() const { return all_; }

 private:
  std::vector<Municipality> all_;
};

}  // namespace mynacert::profiles

#endif  // MYNACERT_PROFILES_LOADER_H_
