#include "cli/card_access.h"

#include "card/layout.h"
#include "pki/key_file.h"
#include "rules/pins.h"

#include <openssl/crypto.h>

namespace mynacert::cli {

void AddCardAccessFlags(CLI::App* command, CardAccess& access) {
  command->add_option("--card", access.card,
                      "カードファイル (プロセス内で開く) / a card file, opened in-process");
  command->add_option("--secret", access.secret,
                      "--card の秘密の場所: env:変数名 | file:パス / where the card secret is");
  command->add_option("--reader", access.reader,
                      "PC/SC リーダー名 (既定: カードの入った最初のリーダー) / a PC/SC reader");
}

Result<std::unique_ptr<CardConnection>> ConnectCard(const CardAccess& access) {
  std::unique_ptr<CardConnection> c(new CardConnection());
  if (!access.card.empty()) {
    if (!access.reader.empty()) {
      return InvalidArgument("--reader", "--card と --reader は同時に使えません (use one of them)");
    }
    if (access.secret.empty()) {
      return InvalidArgument("--secret", "--card には --secret が必要です (--card needs --secret)");
    }
    MYNACERT_ASSIGN_OR_RETURN(std::string secret, pki::ReadPassphrase(access.secret, "--secret"));
    MYNACERT_ASSIGN_OR_RETURN(c->card_, card::Card::Open(access.card, secret));
    c->transport_ = std::make_unique<card::LocalTransport>(*c->card_);
    c->where_ = access.card;
    return c;
  }
  if (!access.secret.empty()) {
    return InvalidArgument("--secret", "--secret は --card と使います (only with --card)");
  }
  MYNACERT_ASSIGN_OR_RETURN(c->pcsc_, card::PcscContext::Establish());
  MYNACERT_ASSIGN_OR_RETURN(c->transport_, c->pcsc_->Connect(access.reader, &c->where_));
  return c;
}

Result<std::string> ReadPin(const std::string& source, const std::string& field, card::PinId id) {
  MYNACERT_ASSIGN_OR_RETURN(std::string pin, pki::ReadSecret(source, field, 1));
  auto normalized = rules::NormalizePin(card::PinEfOf(id).kind, pin, field);
  OPENSSL_cleanse(pin.data(), pin.size());
  return normalized;
}

Result<card::PinId> PinIdOf(const std::string& name, const std::string& field) {
  for (card::PinId id : {card::PinId::kAuth, card::PinId::kSign, card::PinId::kText, card::PinId::kJuki}) {
    if (name == card::PinEfOf(id).name) return id;  // the names of card/layout.h
  }
  return InvalidArgument(field, "auth, sign, text, juki のいずれか (one of auth, sign, text, juki)",
                         "R-CERT-2");
}

}  // namespace mynacert::cli
