// Card files (the card model) live in the home folder and are recorded relative to it,
// "file:cards/<name>", so that a copied or restored home writes its own cards, never the
// original's. A location that is absolute or escapes the home (`..`, a symbolic link to
// outside: weakly canonical paths compared) is refused (field card).
//
// Thread-safety: free functions; a CardLink is used by one thread at a time.
#ifndef MYNACERT_COUNTER_CARD_FILES_H_
#define MYNACERT_COUNTER_CARD_FILES_H_

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "card/host.h"
#include "core/result.h"
#include "counter/store.h"

namespace mynacert::counter {

// A connection to a card: the card model in-process or a card in a PC/SC reader.
class CardLink {
 public:
  virtual ~CardLink() = default;
  virtual card::Transport& transport() = 0;
};
using CardOpener = std::function<Result<std::unique_ptr<CardLink>>(const CardRecord& card)>;

// The card file a location names, resolved against `home`.
Result<std::filesystem::path> CardFilePath(const std::filesystem::path& home,
                                           std::string_view location);
// The location ("file:<relative path>") of the card file `path`: relative to `home`, or
// absolute inside it.
Result<std::string> CardFileLocation(const std::filesystem::path& home,
                                     const std::filesystem::path& path);
// Rewrites the cards' absolute locations inside `home` (homes from before relative
// locations) as relative ones; absolute locations outside it are left, and refused when used.
Status RelocateCardFiles(CounterStore& store, const std::filesystem::path& home);
// The card model's file, opened in-process with its secret.
Result<std::unique_ptr<CardLink>> OpenCardFile(const CardRecord& record, const std::string& secret,
                                               const std::filesystem::path& home);

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_CARD_FILES_H_
