#include "counter/card_files.h"

#include <optional>
#include <utility>
#include <vector>

#include "card/card.h"
#include "counter/schema.h"

namespace mynacert::counter {

namespace {
class FileCardLink final : public CardLink {
 public:
  explicit FileCardLink(std::unique_ptr<card::Card> c) : card_(std::move(c)), t_(*card_) {}
  card::Transport& transport() override { return t_; }

 private:
  std::unique_ptr<card::Card> card_;
  card::LocalTransport t_;
};
}  // namespace

namespace {
Error CardPrecondition(std::string message) {
  return Error{ErrorCode::kFailedPrecondition, "card", std::move(message), ""};
}

// `path` relative to `home`, both weakly canonical (symbolic links resolved); nullopt when
// it is not strictly inside.
std::optional<std::filesystem::path> InsideHome(const std::filesystem::path& home,
                                                const std::filesystem::path& path) {
  std::error_code ec;
  const std::filesystem::path h =
      std::filesystem::weakly_canonical(std::filesystem::absolute(home), ec);
  if (ec) return std::nullopt;
  const std::filesystem::path p =
      std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  if (ec) return std::nullopt;
  const std::filesystem::path rel = p.lexically_relative(h);
  if (rel.empty() || rel == "." || *rel.begin() == "..") return std::nullopt;
  return rel;
}
}  // namespace

Result<std::filesystem::path> CardFilePath(const std::filesystem::path& home,
                                           std::string_view location) {
  if (location.rfind("file:", 0) != 0) {
    return NotFound("card", "カード " + std::string(location) +
                                " はこの端末のカードファイルではありません (not a card file; a "
                                "reader card needs the reader)");
  }
  const std::filesystem::path rel(location.substr(5));
  if (rel.empty())
    return CardPrecondition("カードファイルの場所が空です (the card location is empty)");
  if (rel.is_absolute()) {
    return CardPrecondition(
        "カードファイルの場所 " + std::string(location) +
        " はホームフォルダの外です (the card location is an absolute path outside the home "
        "folder " +
        home.string() +
        "; card files are recorded relative to the home, and a copied or restored home must not "
        "write into another home's cards)");
  }
  if (home.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "home",
                 "カードファイルの場所を解決するホームフォルダがありません (no home folder to "
                 "resolve the card location against)",
                 ""};
  }
  const std::filesystem::path full = home / rel;
  if (!InsideHome(home, full)) {
    return CardPrecondition(
        "カードファイルの場所 " + std::string(location) +
        " はホームフォルダの外を指しています (the card location escapes the home folder " +
        home.string() + " through .. or a symbolic link)");
  }
  return full;
}

Result<std::string> CardFileLocation(const std::filesystem::path& home,
                                     const std::filesystem::path& path) {
  if (home.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "home",
                 "カードファイルを置くホームフォルダがありません (no home folder for card files)",
                 ""};
  }
  if (path.empty())
    return CardPrecondition("カードファイルの場所が空です (the card file path is empty)");
  const std::filesystem::path full = path.is_absolute() ? path : home / path;
  auto rel = InsideHome(home, full);
  if (!rel) {
    return CardPrecondition("カードファイル " + path.string() + " はホームフォルダ " +
                            home.string() + " の外です (the card file is outside the home folder)");
  }
  return "file:" + rel->generic_string();
}

Status RelocateCardFiles(CounterStore& store, const std::filesystem::path& home) {
  std::vector<std::pair<int64_t, std::string>> moves;
  {
    MYNACERT_ASSIGN_OR_RETURN(auto s, Query(store.db(), "SELECT id, location FROM cards", {}));
    for (;;) {
      MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      const std::string location = ColumnString(*s, 1);
      if (location.rfind("file:", 0) != 0) continue;
      const std::filesystem::path p(location.substr(5));
      std::error_code ec;
      std::filesystem::path file = p;
      if (!p.is_absolute()) {
        // Relative to the home (normalised), or (before) to the working directory of a
        // relative --home such as ./mynacert-home: the file that exists decides.
        auto in_home = CardFilePath(home, location);
        if (in_home.ok() && std::filesystem::exists(*in_home, ec)) {
          file = *in_home;
        } else if (std::filesystem::exists(p, ec)) {
          file = std::filesystem::absolute(p, ec);
        } else {
          continue;
        }
      }
      auto relocated = CardFileLocation(home, file);
      if (relocated.ok() && *relocated == location) continue;
      if (relocated.ok())
        moves.emplace_back(s->ColumnInt(0), *relocated);  // else refused when used
    }
  }
  if (moves.empty()) return {};
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  for (const auto& [id, location] : moves) {
    MYNACERT_RETURN_IF_ERROR(
        Run(store.db(), "UPDATE cards SET location = $1 WHERE id = $2", {Text(location), id}));
  }
  return tx.Commit();
}

Result<std::unique_ptr<CardLink>> OpenCardFile(const CardRecord& record, const std::string& secret,
                                               const std::filesystem::path& home) {
  MYNACERT_ASSIGN_OR_RETURN(const std::filesystem::path path, CardFilePath(home, record.location));
  MYNACERT_ASSIGN_OR_RETURN(auto c, card::Card::Open(path.string(), secret));
  return std::unique_ptr<CardLink>(std::make_unique<FileCardLink>(std::move(c)));
}

}  // namespace mynacert::counter
