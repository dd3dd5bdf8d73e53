// `mynacert card new | serve`: the virtual My Number Card (issue 4) made and put into vpcd, so
// that pcscd and OpenSC see it in "Virtual PCD 00 00".
// `mynacert card keygen | write-cert | set-pin | unlock-pin`: the issuer side (what the counter
// terminal does to a card, R-WIN-6, R-PIN-1) through the issuer channel (card/secure_channel.h)
// to any card — a card file in-process or a card in a PC/SC reader.
// Secrets (the card secret, the issuer key, PINs) come from env:NAME or file:PATH only.
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>
#include <thread>

#include "card/card.h"
#include "card/host.h"
#include "card/vpcd.h"
#include "cli/card_access.h"
#include "cli/commands.h"
#include "pki/key_file.h"

namespace mynacert::cli {
namespace {

struct CardFlags {
  std::string card, secret, issuer_key;
  std::string auth_pin, sign_pin, text_pin, juki_pin, my_number, pin_b;
  std::string slot, cert, out, pin_kind, pin;
  std::string vpcd = "127.0.0.1:35963";
  int spin_us = 200;
  CardAccess access;
};

Result<std::unique_ptr<card::Card>> OpenCard(const CardFlags& f) {
  MYNACERT_ASSIGN_OR_RETURN(std::string secret, pki::ReadPassphrase(f.secret, "--secret"));
  return card::Card::Open(f.card, secret);
}

// The card (wherever it is) and an open issuer session on it.
struct Issuer {
  std::unique_ptr<CardConnection> connection;
  std::unique_ptr<card::IssuerSession> session;
};
Result<Issuer> OpenIssuer(const CardFlags& f) {
  MYNACERT_ASSIGN_OR_RETURN(std::string master, pki::ReadSecret(f.issuer_key, "--issuer-key", 16));
  Issuer i;
  MYNACERT_ASSIGN_OR_RETURN(i.connection, ConnectCard(f.access));
  auto session = card::IssuerSession::Open(i.connection->transport(), master);
  OPENSSL_cleanse(master.data(), master.size());
  if (!session.ok()) return session.error();
  i.session = std::move(session).value();
  return i;
}

Status RunNew(const CardFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(std::string secret, pki::ReadPassphrase(f.secret, "--secret"));
  card::CardInit init;
  const std::pair<const std::string*, std::pair<std::string*, const char*>> pins[] = {
      {&f.auth_pin, {&init.auth_pin, "--auth-pin"}},
      {&f.sign_pin, {&init.sign_pin, "--sign-pin"}},
      {&f.text_pin, {&init.text_pin, "--text-pin"}},
      {&f.juki_pin, {&init.juki_pin, "--juki-pin"}},
      {&f.my_number, {&init.my_number, "--my-number"}},
      {&f.pin_b, {&init.pin_b, "--pin-b"}}};
  for (const auto& [source, target] : pins) {
    MYNACERT_ASSIGN_OR_RETURN(*target.first, pki::ReadSecret(*source, target.second, 4));
  }
  MYNACERT_ASSIGN_OR_RETURN(init.issuer_master, pki::ReadSecret(f.issuer_key, "--issuer-key", 16));
  MYNACERT_ASSIGN_OR_RETURN(auto made, card::Card::Create(f.card, secret, init));
  ctx.out << "カードを作りました (card created): " << f.card << " id " << made->card_id() << "\n";
  return {};
}

Result<card::KeySlot> KeySlotOf(const std::string& s) {
  if (s == "auth") return card::KeySlot::kAuth;
  if (s == "sign") return card::KeySlot::kSign;
  return InvalidArgument("--slot", "auth か sign (expected auth or sign)");
}

Status RunKeygen(const CardFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(card::KeySlot slot, KeySlotOf(f.slot));
  MYNACERT_ASSIGN_OR_RETURN(Issuer issuer, OpenIssuer(f));
  MYNACERT_ASSIGN_OR_RETURN(std::string spki, issuer.session->GenerateKeyPair(slot));
  const auto* p = reinterpret_cast<const unsigned char*>(spki.data());
  pki::EvpPkeyPtr pub(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!pub) {
    pki::TakeOpenSslErrors();
    return Error{ErrorCode::kInternal, "card", "カードの公開鍵が読めません (bad public key)", ""};
  }
  const std::string pem = pki::PublicKeyPem(pub.get());
  if (f.out.empty()) {
    ctx.out << pem;
  } else {
    MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(f.out, pem, 0644));
  }
  return {};
}

Status RunWriteCert(const CardFlags& f, CliContext& ctx) {
  card::CertSlot slot;
  if (f.slot == "auth")
    slot = card::CertSlot::kAuth;
  else if (f.slot == "sign")
    slot = card::CertSlot::kSign;
  else if (f.slot == "auth-ca")
    slot = card::CertSlot::kAuthCa;
  else if (f.slot == "sign-ca")
    slot = card::CertSlot::kSignCa;
  else
    return InvalidArgument("--slot", "auth, sign, auth-ca, sign-ca のいずれか");
  pki::BioPtr bio(BIO_new_file(f.cert.c_str(), "r"));
  pki::X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    pki::TakeOpenSslErrors();
    return InvalidArgument("--cert", "PEM の証明書が読めません (cannot read a PEM certificate)");
  }
  MYNACERT_ASSIGN_OR_RETURN(Issuer issuer, OpenIssuer(f));
  MYNACERT_RETURN_IF_ERROR(issuer.session->WriteCertificate(slot, pki::CertificateDer(cert.get())));
  ctx.out << "書き込みました (written): " << f.slot << "\n";
  return {};
}

// PIN 再設定 / 初期化 at the counter (R-PIN-1): a new PIN and a fresh counter.
Status RunSetPin(const CardFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(card::PinId id, PinIdOf(f.pin_kind, "--pin-kind"));
  MYNACERT_ASSIGN_OR_RETURN(std::string pin, pki::ReadSecret(f.pin, "--pin", 4));
  MYNACERT_ASSIGN_OR_RETURN(pin, rules::NormalizePin(card::PinEfOf(id).kind, pin, "--pin"));
  MYNACERT_ASSIGN_OR_RETURN(Issuer issuer, OpenIssuer(f));
  Status set = issuer.session->SetPin(id, pin);
  OPENSSL_cleanse(pin.data(), pin.size());
  if (!set.ok()) return set;
  ctx.out << "PIN を設定しました (PIN set): " << f.pin_kind << "\n";
  return {};
}

// ロック解除 at the counter (R-CERT-6, R-PIN-1): the counter back to full, the PIN unchanged.
Status RunUnlockPin(const CardFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(card::PinId id, PinIdOf(f.pin_kind, "--pin-kind"));
  MYNACERT_ASSIGN_OR_RETURN(Issuer issuer, OpenIssuer(f));
  MYNACERT_RETURN_IF_ERROR(issuer.session->ResetPinCounter(id));
  ctx.out << "ロックを解除しました (unlocked): " << f.pin_kind << "\n";
  return {};
}

std::atomic<bool> g_stop{false};
extern "C" void OnStop(int) { g_stop.store(true); }

Status RunServe(const CardFlags& f, CliContext& ctx) {
  card::VpcdOptions options;
  const size_t colon = f.vpcd.rfind(':');
  if (colon == std::string::npos) return InvalidArgument("--vpcd", "host:port");
  options.host = f.vpcd.substr(0, colon);
  try {
    const int port = std::stoi(f.vpcd.substr(colon + 1));
    if (port < 1 || port > 65535) throw std::out_of_range("port");
    options.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    return InvalidArgument("--vpcd", "ポート番号が不正です (bad port)");
  }
  if (f.spin_us < 0 || f.spin_us > 100000) {
    return InvalidArgument("--spin-us", "0〜100000 (µs)");
  }
  options.spin = std::chrono::microseconds(f.spin_us);
  MYNACERT_ASSIGN_OR_RETURN(auto c, OpenCard(f));
  struct sigaction sa {};
  sa.sa_handler = OnStop;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  ctx.out << "カードを vpcd に接続します (serving the card to vpcd at " << f.vpcd << ")"
          << std::endl;
  card::VpcdStats stats;
  MYNACERT_RETURN_IF_ERROR(card::ServeVpcd(*c, options, g_stop, &stats));
  ctx.out << "停止 (stopped): " << stats.apdus << " APDUs, " << stats.connections << " connections"
          << std::endl;
  return {};
}

}  // namespace

void AddCardCommand(CLI::App& app, CliContext& ctx) {
  CLI::App* card =
      app.add_subcommand("card", "仮想マイナンバーカード / the virtual My Number Card");
  card->require_subcommand(1);
  auto common = [](CLI::App* c, CardFlags& f) {
    c->add_option("--card", f.card, "カードファイル / the card file")->required();
    c->add_option("--secret", f.secret,
                  "カードの鍵を守る秘密の場所: env:変数名 | file:パス / where the card secret is")
        ->required();
  };

  auto issuer = [](CLI::App* c, CardFlags& f) {
    AddCardAccessFlags(c, f.access);
    c->add_option("--issuer-key", f.issuer_key,
                  "発行者鍵の場所: env:変数名 | file:パス / where the issuer key is")
        ->required();
  };

  auto nf = std::make_shared<CardFlags>();
  CLI::App* n = card->add_subcommand("new", "新しいカード (発行者側) / a new card (issuer side)");
  common(n, *nf);
  n->add_option("--issuer-key", nf->issuer_key,
                "発行者鍵 (16バイト以上) の場所: env:変数名 | file:パス / the issuer key")
      ->required();
  n->add_option("--auth-pin", nf->auth_pin, "利用者証明用 4桁 (env:/file:)")->required();
  n->add_option("--sign-pin", nf->sign_pin, "署名用 6〜16桁 英大文字・数字 (env:/file:)")
      ->required();
  n->add_option("--text-pin", nf->text_pin, "券面事項入力補助用 4桁 (env:/file:)")->required();
  n->add_option("--juki-pin", nf->juki_pin, "住民基本台帳用 4桁 (env:/file:)")->required();
  n->add_option("--my-number", nf->my_number, "個人番号 12桁 = 照合番号A (env:/file:)")->required();
  n->add_option("--pin-b", nf->pin_b, "照合番号B 14桁 (env:/file:)")->required();
  n->callback([nf, &ctx] { RunCommand(ctx, [&] { return RunNew(*nf, ctx); }); });

  auto kf = std::make_shared<CardFlags>();
  CLI::App* k = card->add_subcommand(
      "keygen",
      "カード内で鍵ペアを生成し公開鍵を出力 (発行者側) / generate a key pair on the card");
  issuer(k, *kf);
  k->add_option("--slot", kf->slot, "auth | sign")->required();
  k->add_option("--out", kf->out, "公開鍵 (PEM) の出力先 / write the public key here");
  k->callback([kf, &ctx] { RunCommand(ctx, [&] { return RunKeygen(*kf, ctx); }); });

  auto wf = std::make_shared<CardFlags>();
  CLI::App* w = card->add_subcommand(
      "write-cert", "証明書をカードに書き込む (発行者側) / write a certificate onto the card");
  issuer(w, *wf);
  w->add_option("--slot", wf->slot, "auth | sign | auth-ca | sign-ca")->required();
  w->add_option("--cert", wf->cert, "証明書 (PEM) / the certificate")->required();
  w->callback([wf, &ctx] { RunCommand(ctx, [&] { return RunWriteCert(*wf, ctx); }); });

  auto pf = std::make_shared<CardFlags>();
  CLI::App* p = card->add_subcommand(
      "set-pin", "PIN の再設定・初期化 (発行者側) / set a PIN and reset its counter");
  issuer(p, *pf);
  p->add_option("--pin-kind", pf->pin_kind, "auth | sign | text | juki")->required();
  p->add_option("--pin", pf->pin, "新しい PIN の場所 (env:/file:) / the new PIN")->required();
  p->callback([pf, &ctx] { RunCommand(ctx, [&] { return RunSetPin(*pf, ctx); }); });

  auto uf = std::make_shared<CardFlags>();
  CLI::App* u =
      card->add_subcommand("unlock-pin", "PIN ロック解除 (発行者側) / reset a PIN's retry counter");
  issuer(u, *uf);
  u->add_option("--pin-kind", uf->pin_kind, "auth | sign | text | juki")->required();
  u->callback([uf, &ctx] { RunCommand(ctx, [&] { return RunUnlockPin(*uf, ctx); }); });

  AddCardClientCommands(*card, ctx);
  AddCardIssueCommand(*card, ctx);

  auto sf = std::make_shared<CardFlags>();
  CLI::App* s = card->add_subcommand(
      "serve", "カードを vpcd (pcscd) に接続 / put the card into the virtual reader");
  common(s, *sf);
  s->add_option("--vpcd", sf->vpcd, "vpcd の host:port (既定 127.0.0.1:35963 = Virtual PCD 00 00)");
  s->add_option("--spin-us", sf->spin_us,
                "応答後に次のコマンドを待つ busy-poll の時間 µs (既定 200, 0 で無効) / poll this long "
                "for the next APDU before sleeping");
  s->callback([sf, &ctx] { RunCommand(ctx, [&] { return RunServe(*sf, ctx); }); });
}

}  // namespace mynacert::cli
