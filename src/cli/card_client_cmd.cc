// `mynacert card readers | show | verify-pin | sign`: the holder's client (like J-LIS's 利用者
// クライアントソフト, seeds 002 and 004) for any card — ours in vpcd, a real My Number Card in a
// real reader, or a card file in-process. Only holder-side APDUs (card/host.h JpkiClient).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "card/host.h"
#include "card/pcsc.h"
#include "cli/card_access.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "core/hex.h"
#include "pki/certificate.h"
#include "pki/key_file.h"
#include "pki/openssl.h"
#include "rules/dates.h"

namespace mynacert::cli {
namespace {

struct ClientFlags {
  CardAccess access;
  std::string sign_pin, pin_kind, pin, slot, in, out;
  std::optional<std::string> today;
  bool json = false;
};

const char* PinLabel(card::PinId id) {
  switch (id) {
    case card::PinId::kAuth:
      return "利用者証明用電子証明書 PIN (auth, 4桁)";
    case card::PinId::kSign:
      return "署名用電子証明書 パスワード (sign, 6〜16桁)";
    case card::PinId::kText:
      return "券面事項入力補助用 PIN (text, 4桁)";
    case card::PinId::kJuki:
      return "住民基本台帳用 PIN (juki, 4桁)";
    default:
      return "";
  }
}

// A PIN from env:/file:, upper-cased and checked against R-CERT-2 here, so that a PIN that
// cannot be right never costs a try on the card.
Result<std::string> ReadPin(const std::string& source, const std::string& field, card::PinId id) {
  MYNACERT_ASSIGN_OR_RETURN(std::string pin, pki::ReadSecret(source, field, 1));
  auto normalized = rules::NormalizePin(card::PinEfOf(id).kind, pin, field);
  OPENSSL_cleanse(pin.data(), pin.size());
  return normalized;
}

Result<Date> TodayOf(const ClientFlags& f) {
  if (f.today) return Date::Parse(*f.today, "--today");
  return RealClock().TodayJst();
}

// What a holder wants to know about one certificate on the card.
nlohmann::json DescribeCertificate(const std::string& der, Date today, bool personal) {
  nlohmann::json j;
  auto cert = pki::ParseCertificateDer(der);
  if (!cert.ok()) {
    j["error"] = cert.error().message;
    return j;
  }
  X509* x = cert->get();
  j["subject"] = pki::NameText(X509_get_subject_name(x));
  j["issuer"] = pki::NameText(X509_get_issuer_name(x));
  j["serial"] = pki::SerialHex(X509_get0_serialNumber(x));
  const std::optional<Date> from = pki::JstDate(X509_get0_notBefore(x));
  const std::optional<Date> until = pki::JstDate(X509_get0_notAfter(x));
  if (from) j["valid_from"] = from->ToString();
  if (until) {
    j["valid_until"] = until->ToString();  // the last valid day (R-VAL-1)
    j["expired"] = today > *until;         // R-WIN-5
    j["days_left"] = *until - today;
    // R-WIN-1 with the default reading; a municipality's profile may read month ends otherwise.
    j["renewal_from"] =
        rules::RenewalWindowStart(*until, 3, profiles::WindowReading::kCorrespondingDayPlusOne)
            .ToString();
  }
  if (personal) {  // R-CERT-3: the sign certificate's personal data, from its otherNames
    const pki::CertifiedPersonalData data = pki::ReadPersonalData(x);
    const std::pair<const char*, const std::optional<std::string>*> fields[] = {
        {"name", &data.name},       {"name_substitute", &data.name_substitution},
        {"sex", &data.sex},         {"birth_date", &data.birth_date},
        {"address", &data.address}, {"address_substitute", &data.address_substitution}};
    for (const auto& [key, value] : fields) {
      if (*value) j[key] = **value;
    }
  }
  return j;
}

void PrintCertificate(std::ostream& o, const char* title, const nlohmann::json& j) {
  o << title << "\n";
  if (j.contains("error")) {
    o << "  読めません (unreadable): " << j["error"].get<std::string>() << "\n";
    return;
  }
  const std::pair<const char*, const char*> rows[] = {{"name", "氏名 (name)"},
                                                      {"birth_date", "生年月日 (birth date)"},
                                                      {"sex", "性別 (sex)"},
                                                      {"address", "住所 (address)"},
                                                      {"subject", "主体者 (subject)"},
                                                      {"issuer", "発行者 (issuer)"},
                                                      {"serial", "シリアル番号 (serial)"}};
  for (const auto& [key, label] : rows) {
    if (!j.contains(key)) continue;
    std::string value = j[key].get<std::string>();
    if (std::string_view(key) == "birth_date" && value.size() == 9) {
      // E YYYY MM DD: the era digit (1 明治 … 5 令和) before the Gregorian date.
      static const char* kEras[] = {"", "明治", "大正", "昭和", "平成", "令和"};
      const int era = value[0] - '0';
      value = value.substr(1, 4) + "-" + value.substr(5, 2) + "-" + value.substr(7, 2) +
              (era >= 1 && era <= 5 ? std::string(" (") + kEras[era] + ")" : "");
    } else if (std::string_view(key) == "sex") {
      value = value == "1" ? "男 (1)" : value == "2" ? "女 (2)" : value;
    }
    o << "  " << label << ": " << value << "\n";
  }
  if (j.contains("valid_until")) {
    o << "  有効期間 (valid): " << j.value("valid_from", std::string("?")) << " 〜 "
      << j["valid_until"].get<std::string>();
    if (j["expired"].get<bool>()) {
      o << "  期限切れ (expired; R-WIN-5: 新しい証明書の発行はカードが有効な間いつでも可)\n";
    } else {
      o << "  あと " << j["days_left"].get<int>() << " 日 (days left)\n";
    }
    o << "  更新できる期間 (renewal window, R-WIN-1): " << j["renewal_from"].get<std::string>()
      << " 〜 " << j["valid_until"].get<std::string>() << "\n";
  }
}

Status RunReaders(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto pcsc, card::PcscContext::Establish());
  MYNACERT_ASSIGN_OR_RETURN(auto readers, pcsc->Readers());
  if (f.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : readers) {
      j.push_back(
          {{"name", r.name}, {"card_present", r.card_present}, {"atr", HexUpper(r.atr)}});
    }
    ctx.out << j.dump(2) << "\n";
    return {};
  }
  if (readers.empty()) ctx.out << "リーダーがありません (no readers)\n";
  for (const auto& r : readers) {
    ctx.out << r.name << ": ";
    if (r.card_present) {
      ctx.out << "カードあり (card) ATR " << HexUpper(r.atr) << "\n";
    } else {
      ctx.out << "カードなし (empty)\n";
    }
  }
  return {};
}

Status RunShow(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(Date today, TodayOf(f));
  std::string sign_pin;
  if (!f.sign_pin.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(sign_pin, ReadPin(f.sign_pin, "--sign-pin", card::PinId::kSign));
  }
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  nlohmann::json j;
  j["reader"] = connection->where();
  j["today"] = today.ToString();
  MYNACERT_RETURN_IF_ERROR(client.Select(card::App::kJpki));  // not a JPKI card: stop here
  auto auth = client.ReadCertificate(card::CertSlot::kAuth);
  if (auth.ok()) {
    j["auth_certificate"] = DescribeCertificate(*auth, today, false);
    const auto& a = j["auth_certificate"];
    if (a.contains("valid_until")) {
      // R-WIN-7: the health-insurance use outlives the auth certificate.
      j["health_insurance_until"] =
          rules::HealthInsuranceUsableUntil(*Date::Parse(a["valid_until"].get<std::string>()))
              .ToString();
    }
  } else if (auth.error().code != ErrorCode::kNotFound) {
    return auth.error();
  }
  nlohmann::json tries = nlohmann::json::object();
  for (card::PinId id :
       {card::PinId::kAuth, card::PinId::kSign, card::PinId::kText, card::PinId::kJuki}) {
    auto left = client.TriesLeft(id);
    tries[card::PinEfOf(id).name] = left.ok() ? nlohmann::json(*left) : nlohmann::json(nullptr);
  }
  j["pin_tries_left"] = tries;
  std::optional<card::PinCheck> check;
  if (!sign_pin.empty()) {
    auto verified = client.Verify(card::PinId::kSign, sign_pin);
    OPENSSL_cleanse(sign_pin.data(), sign_pin.size());
    if (!verified.ok()) return verified.error();
    check = *verified;
    j["pin_tries_left"]["sign"] = check->tries_left;
    if (check->verified) {
      auto sign = client.ReadCertificate(card::CertSlot::kSign);
      if (sign.ok()) {
        j["sign_certificate"] = DescribeCertificate(*sign, today, true);
      } else if (sign.error().code != ErrorCode::kNotFound) {
        return sign.error();
      }
    }
  }
  if (f.json) {
    ctx.out << j.dump(2) << "\n";
  } else {
    std::ostream& o = ctx.out;
    o << "リーダー (reader): " << connection->where()
      << "   基準日 (as of): " << today.ToStringWithWeekday() << "\n\n";
    if (j.contains("auth_certificate")) {
      PrintCertificate(o, "利用者証明用電子証明書 (auth certificate)", j["auth_certificate"]);
      if (j.contains("health_insurance_until")) {
        o << "  マイナ保険証として使える最終日 (health insurance use until, R-WIN-7): "
          << j["health_insurance_until"].get<std::string>() << "\n";
      }
    } else {
      o << "利用者証明用電子証明書 (auth certificate): 書き込まれていません (none on the card)\n";
    }
    o << "\nPIN の残り回数 (tries left, R-CERT-6)\n";
    for (card::PinId id :
         {card::PinId::kAuth, card::PinId::kSign, card::PinId::kText, card::PinId::kJuki}) {
      const auto& v = j["pin_tries_left"][card::PinEfOf(id).name];
      o << "  " << PinLabel(id) << ": ";
      if (v.is_null()) {
        o << "不明 (unknown)\n";
      } else if (v.get<int>() == 0) {
        o << "0 — ロック中。窓口で解除 (locked; unlock at a counter, R-PIN-1)\n";
      } else {
        o << v.get<int>() << " / " << rules::PinRetryState(card::PinEfOf(id).kind).tries_left()
          << "\n";
      }
    }
    o << "\n";
    if (j.contains("sign_certificate")) {
      PrintCertificate(o, "署名用電子証明書 (sign certificate)", j["sign_certificate"]);
    } else if (!check) {
      o << "署名用電子証明書 (sign certificate): --sign-pin で表示します (shown after the sign "
           "PIN)\n";
    } else if (check->verified) {
      o << "署名用電子証明書 (sign certificate): 書き込まれていません (none on the card)\n";
    }
  }
  if (check && !check->verified) {
    return InvalidArgument(
        "--sign-pin",
        check->locked ? "署名用パスワードはロックされています。窓口で初期化してください "
                        "(sign PIN locked; reset at a counter, R-PIN-1)"
                      : "署名用パスワードが違います。残り " + std::to_string(check->tries_left) +
                            " 回 (wrong sign PIN; tries left)",
        "R-CERT-6");
  }
  return {};
}

Status RunVerifyPin(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(card::PinId id, PinIdOf(f.pin_kind, "--pin-kind"));
  MYNACERT_ASSIGN_OR_RETURN(std::string pin, ReadPin(f.pin, "--pin", id));
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  auto check = client.Verify(id, pin);
  OPENSSL_cleanse(pin.data(), pin.size());
  if (!check.ok()) return check.error();
  if (check->verified) {
    ctx.out << "PIN は正しいです (PIN correct): " << f.pin_kind << "\n";
    return {};
  }
  if (check->locked) {
    return InvalidArgument("--pin",
                           "ロックされています。窓口で解除してください (locked; unlock at a "
                           "counter, R-PIN-1)",
                           "R-CERT-6");
  }
  return InvalidArgument(
      "--pin",
      "PIN が違います。残り " + std::to_string(check->tries_left) + " 回 (wrong PIN; tries left)",
      "R-CERT-6");
}

// SHA-256 DigestInfo (RFC 8017 §9.2 note 1) of a file, signed on the card with PKCS#1 v1.5.
Status RunSign(const ClientFlags& f, CliContext& ctx) {
  card::KeySlot slot;
  if (f.slot == "auth") {
    slot = card::KeySlot::kAuth;
  } else if (f.slot == "sign") {
    slot = card::KeySlot::kSign;
  } else {
    return InvalidArgument("--slot", "auth か sign (expected auth or sign)");
  }
  std::ifstream in(f.in, std::ios::binary);
  if (!in) return NotFound("--in", "ファイルが読めません (cannot read " + f.in + ")");
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  std::string digest_info;
  mynacert::Unhex("3031300d060960864801650304020105000420", &digest_info);
  digest_info.append(reinterpret_cast<const char*>(md), sizeof md);

  const card::PinId pin_id = slot == card::KeySlot::kAuth ? card::PinId::kAuth : card::PinId::kSign;
  MYNACERT_ASSIGN_OR_RETURN(std::string pin, ReadPin(f.pin, "--pin", pin_id));
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  auto check = client.Verify(pin_id, pin);
  OPENSSL_cleanse(pin.data(), pin.size());
  if (!check.ok()) return check.error();
  if (!check->verified) {
    return InvalidArgument(
        "--pin",
        check->locked ? "ロックされています (locked; R-PIN-1)"
                      : "PIN が違います。残り " + std::to_string(check->tries_left) + " 回",
        "R-CERT-6");
  }
  MYNACERT_ASSIGN_OR_RETURN(std::string signature, client.Sign(slot, digest_info));
  // Check the signature against the certificate on the same card before handing it out.
  MYNACERT_ASSIGN_OR_RETURN(std::string der, client.ReadCertificate(slot == card::KeySlot::kAuth
                                                                        ? card::CertSlot::kAuth
                                                                        : card::CertSlot::kSign));
  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(der));
  pki::OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free> verify(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(verify.get(), nullptr, EVP_sha256(), nullptr,
                           X509_get0_pubkey(cert.get())) != 1 ||
      EVP_DigestVerify(verify.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1) {
    pki::TakeOpenSslErrors();
    return Error{ErrorCode::kFailedPrecondition, "card",
                 "署名がカードの証明書で検証できません (the signature does not verify with the "
                 "card's certificate)",
                 ""};
  }
  MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(f.out, signature, 0644));
  ctx.out << "署名しました (signed, SHA-256 PKCS#1 v1.5, verified with the card's " << f.slot
          << " certificate): " << f.out << "\n";
  return {};
}

}  // namespace

void AddCardClientCommands(CLI::App& card, CliContext& ctx) {
  auto rf = std::make_shared<ClientFlags>();
  CLI::App* r = card.add_subcommand("readers", "PC/SC リーダーの一覧 / list the PC/SC readers");
  r->add_flag("--json", rf->json, "JSON で出力 / print JSON");
  r->callback([rf, &ctx] { RunCommand(ctx, [&] { return RunReaders(*rf, ctx); }); });

  auto sf = std::make_shared<ClientFlags>();
  CLI::App* s = card.add_subcommand(
      "show", "カードの証明書と PIN 残り回数 / the card's certificates and PIN tries left");
  AddCardAccessFlags(s, sf->access);
  s->add_option("--sign-pin", sf->sign_pin,
                "署名用パスワードの場所 (env:/file:): 署名用電子証明書も表示 / also show the "
                "sign certificate (a wrong one costs a try)");
  s->add_option("--today", sf->today, "基準日 YYYY-MM-DD (既定: 今日 JST)");
  s->add_flag("--json", sf->json, "JSON で出力 / print JSON");
  s->callback([sf, &ctx] { RunCommand(ctx, [&] { return RunShow(*sf, ctx); }); });

  auto vf = std::make_shared<ClientFlags>();
  CLI::App* v =
      card.add_subcommand("verify-pin", "PIN の確認 / check a PIN (a wrong one costs a try)");
  AddCardAccessFlags(v, vf->access);
  v->add_option("--pin-kind", vf->pin_kind, "auth | sign | text | juki")->required();
  v->add_option("--pin", vf->pin, "PIN の場所 (env:/file:)")->required();
  v->callback([vf, &ctx] { RunCommand(ctx, [&] { return RunVerifyPin(*vf, ctx); }); });

  auto gf = std::make_shared<ClientFlags>();
  CLI::App* g = card.add_subcommand(
      "sign", "ファイルにカードで署名 (SHA-256) / sign a file with a key on the card");
  AddCardAccessFlags(g, gf->access);
  g->add_option("--slot", gf->slot, "auth | sign")->required();
  g->add_option("--pin", gf->pin, "その鍵の PIN の場所 (env:/file:)")->required();
  g->add_option("--in", gf->in, "署名するファイル / the file to sign")->required();
  g->add_option("--out", gf->out, "署名 (256バイト) の出力先 / the signature")->required();
  g->callback([gf, &ctx] { RunCommand(ctx, [&] { return RunSign(*gf, ctx); }); });
}

}  // namespace mynacert::cli
