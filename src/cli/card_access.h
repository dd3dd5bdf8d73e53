// Where a `mynacert card …` command finds its card: a card file opened in-process (--card and
// --secret) or the card in a PC/SC reader (--reader, or the first reader with a card). Either
// way the command speaks APDUs to it through a card::Transport.
#ifndef MYNACERT_CLI_CARD_ACCESS_H_
#define MYNACERT_CLI_CARD_ACCESS_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "card/card.h"
#include "card/host.h"
#include "card/pcsc.h"
#include "core/result.h"

namespace mynacert::cli {

struct CardAccess {
  std::string card;    // a card file
  std::string secret;  // env:NAME | file:PATH, with --card
  std::string reader;  // a PC/SC reader name
};

void AddCardAccessFlags(CLI::App* command, CardAccess& access);

class CardConnection {
 public:
  card::Transport& transport() { return *transport_; }
  const std::string& where() const { return where_; }

 private:
  friend Result<std::unique_ptr<CardConnection>> ConnectCard(const CardAccess& access);
  std::unique_ptr<card::Card> card_;
  std::unique_ptr<card::PcscContext> pcsc_;
  std::unique_ptr<card::Transport> transport_;
  std::string where_;
};

Result<std::unique_ptr<CardConnection>> ConnectCard(const CardAccess& access);

// "auth" | "sign" | "text" | "juki": the four PINs a holder has (R-CERT-2).
Result<card::PinId> PinIdOf(const std::string& name, const std::string& field);

// A PIN from env:/file:, upper-cased and checked against R-CERT-2 here, so that a PIN that
// cannot be right never costs a try on the card. Errors name `field`.
Result<std::string> ReadPin(const std::string& source, const std::string& field, card::PinId id);

}  // namespace mynacert::cli

#endif  // MYNACERT_CLI_CARD_ACCESS_H_
