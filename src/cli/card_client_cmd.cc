// `mynacert card readers | show | verify-pin | sign | export | ca-certs | change-pin | status |
// revoke-request`: the holder's client (like J-LIS's 利用者クライアントソフト, seeds 002 and 004,
// R-HOLDER-1) for any card — ours in vpcd, a real My Number Card in a real reader, or a card
// file in-process. Only holder-side APDUs (card/host.h JpkiClient); `status` asks an OCSP
// responder and `revoke-request` the service over HTTP (libcurl).
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "card/host.h"
#include "card/pcsc.h"
#include "cli/card_access.h"
#include "cli/commands.h"
#include "counter/lifecycle.h"
#include "counter/verifiers.h"
#include "pki/cms.h"
#include "pki/ocsp.h"
#include "pki/pades.h"
#include "core/clock.h"
#include "core/date_text.h"
#include "core/hex.h"
#include "pki/ca_store.h"
#include "pki/certificate.h"
#include "pki/key_file.h"
#include "pki/openssl.h"
#include "rules/dates.h"

namespace mynacert::cli {
namespace {

struct ClientFlags {
  CardAccess access;
  std::string sign_pin, text_pin, face_pin, face_out, card_data_cert, pin_kind, pin, new_pin, slot, in, out, url,
      verifier, reason;
  std::optional<std::string> today;
  bool json = false, pem = false, withdraw = false, attached = false, no_ltv = false;
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

// --card-data-cert: the published certificate of the card data key (the service's
// /ca/card-data.crt); null when not given.
Result<pki::X509Ptr> CardDataCertificate(const ClientFlags& f) {
  if (f.card_data_cert.empty()) return pki::X509Ptr();
  MYNACERT_ASSIGN_OR_RETURN(const std::string bytes, ReadFileNamed(f.card_data_cert, "--card-data-cert"));
  return pki::ParseCertificatePemOrDer(bytes, "--card-data-cert");
}

const char* SexLabel(const nlohmann::json& sex) {
  return sex == "1" ? "男 (male)" : sex == "2" ? "女 (female)" : "—";
}

// What the card_data / card_face "signature" field says, for a resident to read.
std::string SignatureLabel(const nlohmann::json& d) {
  if (d["signature"] == "verified") return "検証できました (verified under --card-data-cert)";
  if (d["signature"] == "invalid") {
    return "検証できません — 改ざんの可能性 (does not verify: " + d["signature_problem"].get<std::string>() + ")";
  }
  return "未確認 — --card-data-cert で確かめます (not checked; give --card-data-cert)";
}

// The 券面事項入力補助 AP read with the text PIN: the My Number and the basic four data, and
// whether their signature verifies under the published card data key (--card-data-cert).
Result<nlohmann::json> ReadCardData(card::JpkiClient& client, const ClientFlags& f) {
  MYNACERT_ASSIGN_OR_RETURN(std::string pin, ReadPin(f.text_pin, "--text-pin", card::PinId::kText));
  MYNACERT_ASSIGN_OR_RETURN(const pki::X509Ptr trusted, CardDataCertificate(f));
  auto read = client.ReadTextAp(card::PinId::kText, pin,
                                trusted ? X509_get0_pubkey(trusted.get()) : nullptr);
  OPENSSL_cleanse(pin.data(), pin.size());
  if (!read.ok()) return read.error();
  nlohmann::json j;
  j["verified_pin"] = read->check.verified;
  j["tries_left"] = read->check.tries_left;
  if (!read->check.verified) return j;
  j["my_number"] = read->holder.my_number;
  j["name"] = read->holder.name;
  j["address"] = read->holder.address;
  j["birth"] = card::CardDateIso(read->holder.birth);
  j["sex"] = std::string(1, read->holder.sex);
  j["signature"] = !trusted                    ? "not_checked"
                   : read->signature_verified ? "verified"
                                              : "invalid";
  if (trusted && !read->signature_verified) j["signature_problem"] = read->signature_problem;
  return j;
}

// The 券面 AP read with 照合番号A (12 digits: the My Number) or B (14: birth, expiry year,
// security code): the card face, its signature under --card-data-cert, and whether the chip in
// the reader holds the key the face names (a fresh challenge). --face-out writes the images.
Result<nlohmann::json> ReadFace(card::JpkiClient& client, const ClientFlags& f, EVP_PKEY* trusted) {
  MYNACERT_ASSIGN_OR_RETURN(std::string pin, ReadPin(f.face_pin, "--face-pin", card::PinId::kVisualA));
  const card::PinId id = pin.size() == 12 ? card::PinId::kVisualA : card::PinId::kVisualB;
  auto read = client.ReadCardFace(id, pin, trusted);
  OPENSSL_cleanse(pin.data(), pin.size());
  if (!read.ok()) return read.error();
  nlohmann::json j;
  j["pin"] = id == card::PinId::kVisualA ? "a" : "b";
  j["verified_pin"] = read->check.verified;
  j["tries_left"] = read->check.tries_left;
  if (!read->check.verified) return j;
  const card::CardFace& face = read->face;
  j["birth"] = card::CardDateIso(face.data.birth);
  j["sex"] = std::string(1, face.data.sex);
  j["expiry"] = card::CardDateIso(face.data.expiry);
  j["signature"] = !trusted                    ? "not_checked"
                   : read->signature_verified ? "verified"
                                              : "invalid";
  if (trusted && !read->signature_verified) j["signature_problem"] = read->signature_problem;
  j["chip_present"] = read->chip_present;
  const std::pair<const char*, const std::string*> images[] = {
      {"name.png", &face.images.name_png},
      {"address.png", &face.images.address_png},
      {"photo.jp2", &face.images.photo},
      {"security-code.png", &face.images.security_code_png},
      {"my-number.png", &read->number_png}};
  nlohmann::json sizes = nlohmann::json::object();
  for (const auto& [name, bytes] : images) {
    if (!bytes->empty()) sizes[name] = bytes->size();
  }
  j["images"] = sizes;
  if (!f.face_out.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(f.face_out, ec);
    for (const auto& [name, bytes] : images) {
      if (bytes->empty()) continue;
      MYNACERT_RETURN_IF_ERROR(
          pki::WriteFileAtomically((std::filesystem::path(f.face_out) / name).string(), *bytes, 0600));
    }
    j["written_to"] = f.face_out;
  }
  return j;
}

Status RunShow(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(Date today, TodayOf(f));
  std::string sign_pin;
  if (!f.sign_pin.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(sign_pin, ReadPin(f.sign_pin, "--sign-pin", card::PinId::kSign));
  }
  if (!f.card_data_cert.empty() && f.text_pin.empty() && f.face_pin.empty()) {
    return InvalidArgument("--card-data-cert",
                           "--text-pin か --face-pin と一緒に使います (used with --text-pin or --face-pin)");
  }
  if (!f.face_out.empty() && f.face_pin.empty()) {
    return InvalidArgument("--face-out", "--face-pin と一緒に使います (used with --face-pin)");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  nlohmann::json j;
  j["reader"] = connection->where();
  j["today"] = today.ToString();
  MYNACERT_RETURN_IF_ERROR(client.Select(card::App::kJpki));  // not a JPKI card: stop here
  // R-FACE-1: a face-authentication card has no auth or sign PIN (its auth PIN's status query
  // answers 69 84); null when the card answers neither way. Its face-check tries left cannot be
  // read from the holder side.
  auto face_card = client.IsFaceCard();
  const bool face = face_card.ok() && *face_card;
  j["card_type"] = face_card.ok() ? nlohmann::json(face ? "face" : "pin") : nlohmann::json(nullptr);
  if (face && !sign_pin.empty()) {
    OPENSSL_cleanse(sign_pin.data(), sign_pin.size());
    return InvalidArgument("--sign-pin",
                           "顔認証カードには署名用電子証明書も署名用パスワードもありません (a "
                           "face-authentication card has no sign certificate and no sign PIN)",
                           "R-FACE-1");
  }
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
    if (face && (id == card::PinId::kAuth || id == card::PinId::kSign)) {
      tries[card::PinEfOf(id).name] = nullptr;  // no such PIN on a face card
      continue;
    }
    auto left = client.TriesLeft(id);
    tries[card::PinEfOf(id).name] = left.ok() ? nlohmann::json(*left) : nlohmann::json(nullptr);
  }
  j["pin_tries_left"] = tries;
  if (!f.text_pin.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(j["card_data"], ReadCardData(client, f));
    j["pin_tries_left"]["text"] = j["card_data"]["tries_left"];
  }
  if (!f.face_pin.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(const pki::X509Ptr trusted, CardDataCertificate(f));
    MYNACERT_ASSIGN_OR_RETURN(j["card_face"],
                              ReadFace(client, f, trusted ? X509_get0_pubkey(trusted.get()) : nullptr));
  }
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
      << "   基準日 (as of): " << today.ToStringWithWeekday() << "\n";
    o << "カードの種類 (card type): ";
    if (j["card_type"].is_null()) {
      o << "不明 (unknown)\n\n";
    } else if (face) {
      o << "顔認証マイナンバーカード — 暗証番号なし、利用者証明用電子証明書は顔認証の後で使えます "
           "(face-authentication card: no PIN; the auth certificate is used after a face check "
           "by a machine or staff, R-FACE-1)\n\n";
    } else {
      o << "暗証番号のカード (PIN card)\n\n";
    }
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
      if (face && (id == card::PinId::kAuth || id == card::PinId::kSign)) {
        o << "なし — 顔認証カード (none: face-authentication card, R-FACE-1)\n";
      } else if (v.is_null()) {
        o << "不明 (unknown)\n";
      } else if (v.get<int>() == 0) {
        o << "0 — ロック中。窓口で解除 (locked; unlock at a counter, R-PIN-1)\n";
      } else {
        o << v.get<int>() << " / " << rules::PinRetryState(card::PinEfOf(id).kind).tries_left()
          << "\n";
      }
    }
    o << "\n";
    if (j.contains("card_data") && j["card_data"]["verified_pin"].get<bool>()) {
      const auto& d = j["card_data"];
      const std::string number = d["my_number"].get<std::string>();
      const char* sex = SexLabel(d["sex"]);
      o << "券面事項入力補助AP (card data, read with the text PIN)\n"
        << "  個人番号 (My Number): ******** " << number.substr(8) << " (--json で全桁 / all digits with --json)\n"
        << "  氏名 (name): " << d["name"].get<std::string>() << "\n"
        << "  住所 (address): " << d["address"].get<std::string>() << "\n"
        << "  生年月日 (birth): "
        << JapaneseLongDate(*Date::Parse(d["birth"].get<std::string>())) << "\n"
        << "  性別 (sex): " << sex << "\n"
        << "  署名 (signature): "
        << SignatureLabel(d)
        << "\n\n";
    }
    if (j.contains("card_face") && j["card_face"]["verified_pin"].get<bool>()) {
      const auto& d = j["card_face"];
      const char* sex = SexLabel(d["sex"]);
      o << "券面AP (card face, read with 照合番号" << (d["pin"] == "a" ? "A" : "B") << ")\n"
        << "  生年月日 (birth): " << JapaneseLongDate(*Date::Parse(d["birth"].get<std::string>())) << "\n"
        << "  性別 (sex): " << sex << "\n"
        << "  カードの有効期限 (card expiry, not covered by the signature): "
        << JapaneseLongDate(*Date::Parse(d["expiry"].get<std::string>())) << "\n"
        << "  画像 (images):";
      for (const auto& [name, size] : d["images"].items()) o << " " << name << " " << size.get<int>() << "B";
      o << "\n  署名 (signature): "
        << SignatureLabel(d)
        << "\n  このICチップの鍵 (the chip's key): "
        << (d["chip_present"].get<bool>() ? "券面の鍵で署名できました (the chip signs with the key the face names)"
                                          : "券面の鍵と一致しません — 複製の疑い (the chip does not hold the face's key)")
        << "\n";
      if (d.contains("written_to")) o << "  画像の保存先 (images written to): " << d["written_to"].get<std::string>() << "\n";
      o << "\n";
    }
    if (j.contains("sign_certificate")) {
      PrintCertificate(o, "署名用電子証明書 (sign certificate)", j["sign_certificate"]);
    } else if (face) {
      o << "署名用電子証明書 (sign certificate): 顔認証カードにはありません (none on a "
           "face-authentication card, R-FACE-1)\n";
    } else if (!check) {
      o << "署名用電子証明書 (sign certificate): --sign-pin で表示します (shown after the sign "
           "PIN)\n";
    } else if (check->verified) {
      o << "署名用電子証明書 (sign certificate): 書き込まれていません (none on the card)\n";
    }
  }
  if (j.contains("card_data") && !j["card_data"]["verified_pin"].get<bool>()) {
    const int left = j["card_data"]["tries_left"].get<int>();
    return InvalidArgument("--text-pin",
                           left == 0 ? "券面事項入力補助用暗証番号はロックされています。窓口で初期化して"
                                       "ください (text PIN locked; reset at a counter, R-PIN-1)"
                                     : "券面事項入力補助用暗証番号が違います。残り " +
                                           std::to_string(left) + " 回 (wrong text PIN; tries left)",
                           "R-CERT-6");
  }
  if (j.contains("card_face") && !j["card_face"]["verified_pin"].get<bool>()) {
    const int left = j["card_face"]["tries_left"].get<int>();
    return InvalidArgument("--face-pin",
                           left == 0 ? "照合番号はロックされています。窓口で解除してください (locked; "
                                       "unlock at a counter)"
                                     : "照合番号が違います。残り " + std::to_string(left) +
                                           " 回 (wrong collation number; tries left)");
  }
  if (j.contains("card_face") &&
      (j["card_face"]["signature"] == "invalid" || !j["card_face"]["chip_present"].get<bool>())) {
    return InvalidArgument("--card-data-cert",
                           "券面の署名かICチップの鍵が確かめられません (the card face does not verify, or the "
                           "chip does not hold its key: " +
                               j["card_face"].value("signature_problem", std::string("chip")) + ")");
  }
  if (j.contains("card_data") && j["card_data"]["signature"] == "invalid") {
    return InvalidArgument("--card-data-cert", "券面事項の署名が検証できません (the card data do not "
                                               "verify: " +
                                                   j["card_data"]["signature_problem"].get<std::string>() + ")");
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
  MYNACERT_ASSIGN_OR_RETURN(const std::string data, ReadFileNamed(f.in, "--in"));
  const std::string digest_info = pki::Sha256DigestInfo(data);

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
  if (!pki::VerifySha256Signature(X509_get0_pubkey(cert.get()), data, signature)) {
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


Result<card::CertSlot> CertSlotOf(const std::string& slot) {
  if (slot == "auth") return card::CertSlot::kAuth;
  if (slot == "sign") return card::CertSlot::kSign;
  return InvalidArgument("--slot", "auth か sign (expected auth or sign)");
}

// Verifies `id`'s PIN from `source` on the card; a wrong one is an error naming `field`.
Status VerifyOrFail(card::JpkiClient& client, card::PinId id, const std::string& source, const char* field) {
  MYNACERT_ASSIGN_OR_RETURN(std::string pin, ReadPin(source, field, id));
  auto check = client.Verify(id, pin);
  OPENSSL_cleanse(pin.data(), pin.size());
  if (!check.ok()) return check.error();
  if (check->verified) return {};
  return InvalidArgument(field,
                         check->locked ? "ロックされています (locked; R-PIN-1)"
                                       : "PIN が違います。残り " + std::to_string(check->tries_left) + " 回",
                         "R-CERT-6");
}

// The certificate of `slot`, the sign PIN verified first for the sign certificate (R-HOLDER-1:
// the sign certificate is shown after its PIN).
Result<std::string> ReadCardCertificate(card::JpkiClient& client, card::CertSlot slot,
                                        const std::string& pin_source) {
  if (slot == card::CertSlot::kSign) {
    if (pin_source.empty()) {
      return InvalidArgument("--pin", "署名用電子証明書は署名用パスワードの後で読めます (the sign certificate needs --pin)");
    }
    MYNACERT_RETURN_IF_ERROR(VerifyOrFail(client, card::PinId::kSign, pin_source, "--pin"));
  }
  return client.ReadCertificate(slot);
}

std::string ToPem(std::string_view der) {
  auto cert = pki::ParseCertificateDer(der);
  if (!cert.ok()) return std::string(der);
  pki::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert->get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  return HexUpper(std::string_view(reinterpret_cast<const char*>(md), sizeof md));
}

Status RunExport(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(card::CertSlot slot, CertSlotOf(f.slot));
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  MYNACERT_ASSIGN_OR_RETURN(std::string der, ReadCardCertificate(client, slot, f.pin));
  MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(f.out, f.pem ? ToPem(der) : der, 0644));
  ctx.out << "書き出しました (exported, " << (f.pem ? "PEM" : "DER") << "): " << f.out << "  SHA-256 "
          << Sha256Hex(der) << "\n";
  return {};
}

Status RunCaCerts(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [slot, name] : {std::pair{card::CertSlot::kAuthCa, "auth-ca"}, std::pair{card::CertSlot::kSignCa, "sign-ca"}}) {
    MYNACERT_ASSIGN_OR_RETURN(std::string der, client.ReadCertificate(slot));
    MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(der));
    nlohmann::json c{{"ca", name},
                     {"subject", pki::NameText(X509_get_subject_name(cert.get()))},
                     {"self_signed", X509_check_issued(cert.get(), cert.get()) == X509_V_OK},
                     {"sha256", Sha256Hex(der)}};
    if (!f.out.empty()) {
      const std::string path = (std::filesystem::path(f.out) / (std::string(name) + (f.pem ? ".pem" : ".der"))).string();
      MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(path, f.pem ? ToPem(der) : der, 0644));
      c["file"] = path;
    }
    j.push_back(c);
  }
  if (f.json) {
    ctx.out << j.dump(2) << "\n";
    return {};
  }
  for (const auto& c : j) {
    ctx.out << (c["ca"] == "auth-ca" ? "利用者証明用認証局 (auth CA)" : "署名用認証局 (sign CA)") << ": "
            << c["subject"].get<std::string>() << "\n  SHA-256 " << c["sha256"].get<std::string>()
            << (c["self_signed"].get<bool>() ? "  (自己署名 / self-signed)" : "") << "\n";
    if (c.contains("file")) ctx.out << "  " << c["file"].get<std::string>() << "\n";
  }
  return {};
}

Status RunChangePin(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(card::PinId id, PinIdOf(f.pin_kind, "--pin-kind"));
  MYNACERT_ASSIGN_OR_RETURN(std::string current, ReadPin(f.pin, "--pin", id));
  // R-CERT-2 before the card is touched: a new PIN the card would refuse costs nothing.
  auto next = ReadPin(f.new_pin, "--new-pin", id);
  if (!next.ok()) {
    OPENSSL_cleanse(current.data(), current.size());
    return next.error();
  }
  if (*next == current) {
    OPENSSL_cleanse(current.data(), current.size());
    OPENSSL_cleanse(next->data(), next->size());
    return InvalidArgument("--new-pin", "今と同じ PIN です (the new PIN is the current one)");
  }
  auto connection = ConnectCard(f.access);
  Result<card::PinCheck> check = connection.ok()
      ? card::JpkiClient((*connection)->transport()).ChangePin(id, current, *next)
      : Result<card::PinCheck>(connection.error());
  OPENSSL_cleanse(current.data(), current.size());
  OPENSSL_cleanse(next->data(), next->size());
  if (!check.ok()) return check.error();
  if (!check->verified) {
    return InvalidArgument("--pin",
                           check->locked ? "ロックされています。窓口で解除してください (locked; R-PIN-1, R-HOLDER-2)"
                                         : "今の PIN が違います。残り " + std::to_string(check->tries_left) +
                                               " 回 (wrong current PIN; tries left)",
                           "R-CERT-6");
  }
  ctx.out << "PIN を変更しました (PIN changed): " << f.pin_kind << "\n";
  return {};
}

// One HTTP POST (libcurl): the status and the body. Errors name `field`.
Result<std::pair<long, std::string>> HttpPost(const std::string& url, const std::string& type,
                                              const std::string& body, const std::string& field) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return InvalidArgument(field, "http:// または https:// の URL です (an http(s) URL)");
  }
  CURL* curl = curl_easy_init();
  if (!curl) return Error{ErrorCode::kInternal, field, "libcurl を初期化できません", ""};
  std::string answer;
  curl_slist* headers = curl_slist_append(nullptr, ("Content-Type: " + type).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char* p, size_t size, size_t n, void* out) {
    auto* s = static_cast<std::string*>(out);
    if (s->size() + size * n > (1u << 20)) return size_t{0};  // 1 MiB is more than any answer
    s->append(p, size * n);
    return size * n;
  });
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return Error{ErrorCode::kFailedPrecondition, field,
                 "接続できません (cannot reach " + url + ": " + curl_easy_strerror(rc) + ")", ""};
  }
  return std::make_pair(status, std::move(answer));
}

// R-HOLDER-1 有効性確認: each certificate on the card asked online, from the CA's OCSP
// responder (`--url`), the answer's signature checked against the CA certificate the card holds.
Status RunStatus(const ClientFlags& f, CliContext& ctx) {
  if (f.url.empty()) {
    return InvalidArgument("--url", "OCSP レスポンダの URL が必要です (e.g. http://host:8080/ocsp)");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  nlohmann::json out = nlohmann::json::object();
  std::vector<std::pair<card::CertSlot, card::CertSlot>> slots = {{card::CertSlot::kAuth, card::CertSlot::kAuthCa}};
  if (!f.pin.empty()) slots.emplace_back(card::CertSlot::kSign, card::CertSlot::kSignCa);
  for (const auto& [slot, ca_slot] : slots) {
    const char* name = slot == card::CertSlot::kAuth ? "auth" : "sign";
    MYNACERT_ASSIGN_OR_RETURN(std::string der, ReadCardCertificate(client, slot, f.pin));
    MYNACERT_ASSIGN_OR_RETURN(std::string ca_der, client.ReadCertificate(ca_slot));
    MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(der));
    MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr ca, pki::ParseCertificateDer(ca_der));
    MYNACERT_ASSIGN_OR_RETURN(
        pki::OcspVerdict verdict,
        pki::AskOcsp(cert.get(), ca.get(),
                     [&](const std::string& request) -> Result<std::string> {
                       MYNACERT_ASSIGN_OR_RETURN(auto answer, HttpPost(f.url, "application/ocsp-request", request, "--url"));
                       return std::move(answer.second);
                     },
                     "--url"));
    nlohmann::json c{{"serial", pki::SerialHex(X509_get0_serialNumber(cert.get()))}};
    c["status"] = verdict.unknown ? "unknown" : verdict.state == pki::CertState::kGood ? "good" : "revoked";
    if (!verdict.unknown && verdict.state != pki::CertState::kGood) {
      c["reason"] = std::string(pki::RevocationReasonName(verdict.reason));
    }
    out[name] = c;
  }
  if (f.json) {
    ctx.out << out.dump(2) << "\n";
    return {};
  }
  for (const auto& [name, c] : out.items()) {
    ctx.out << (name == "auth" ? "利用者証明用電子証明書" : "署名用電子証明書") << " " << c["serial"].get<std::string>()
            << ": ";
    const std::string st = c["status"];
    if (st == "good") {
      ctx.out << "有効 (good)\n";
    } else if (st == "revoked") {
      const std::string reason = c.value("reason", "");
      ctx.out << (reason == "certificateHold" ? "一時保留 (on hold, R-LOST-2)" : "失効 (revoked)") << " " << reason << "\n";
    } else {
      ctx.out << "不明 (unknown)\n";
    }
  }
  return {};
}

// A JSON POST to the service; a 4xx/5xx answer becomes the service's own error (its field,
// message and rule).
Result<nlohmann::json> PostJson(const std::string& url, const nlohmann::json& body) {
  MYNACERT_ASSIGN_OR_RETURN(auto answer, HttpPost(url, "application/json", body.dump(), "--url"));
  nlohmann::json j = nlohmann::json::parse(answer.second, nullptr, false);
  if (answer.first / 100 != 2) {
    const nlohmann::json e = j.is_object() && j.contains("error") && j["error"].is_object() ? j["error"]
                                                                                          : nlohmann::json::object();
    // The API's error: {code, field, message, rule}, where field and rule may be null.
    auto text = [&](const char* key, std::string fallback) {
      return e.contains(key) && e[key].is_string() ? e[key].get<std::string>() : fallback;
    };
    return Error{answer.first == 409   ? ErrorCode::kFailedPrecondition
                 : answer.first == 403 ? ErrorCode::kPermissionDenied
                                       : ErrorCode::kInvalidArgument,
                 text("field", "--url"), text("message", "HTTP " + std::to_string(answer.first)), text("rule", "")};
  }
  if (!j.is_object()) return Error{ErrorCode::kFailedPrecondition, "--url", "JSON ではない応答です (not JSON)", ""};
  return j;
}

// `message` signed on the card with the key of `slot` (its PIN verified by the caller): SHA-256
// in a DigestInfo, PKCS#1 v1.5 by the card, as OpenSC has the card sign.
Result<std::string> SignOnCard(card::JpkiClient& client, card::CertSlot slot, const std::string& message) {
  return client.Sign(slot == card::CertSlot::kAuth ? card::KeySlot::kAuth : card::KeySlot::kSign,
                     pki::Sha256DigestInfo(message));
}

// What the holder asks online with the card (counter/lifecycle.h): the service's challenge for
// the certificate of `slot` and `purpose`, signed on the card with that certificate's key (its
// PIN verified by the caller), and the answer posted to `answer_path`. The card signs only a
// message that says it is for `purpose`.
Result<nlohmann::json> AnswerChallenge(card::JpkiClient& client, card::CertSlot slot, const std::string& base,
                                       const std::string& purpose, const std::string& answer_path) {
  MYNACERT_ASSIGN_OR_RETURN(std::string der, client.ReadCertificate(slot));
  MYNACERT_ASSIGN_OR_RETURN(nlohmann::json challenge,
                            PostJson(base + "/api/holder/challenges", {{"certificate_hex", HexLower(der)}, {"purpose", purpose}}));
  std::string message;
  if (!Unhex(challenge.value("message_hex", ""), &message) || message.empty()) {
    return Error{ErrorCode::kFailedPrecondition, "--url", "チャレンジが読めません (malformed challenge)", ""};
  }
  if (message.rfind(counter::ChallengePrefix(purpose) + "\n", 0) != 0) {
    return Error{ErrorCode::kFailedPrecondition, "--url",
                 "求めた手続きのチャレンジではありません。署名しません (not the challenge asked for: not signed)", ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(std::string signature, SignOnCard(client, slot, message));
  return PostJson(base + answer_path,
                  {{"challenge_id", challenge.value("challenge_id", "")}, {"signature_hex", HexLower(signature)}});
}

std::string BaseUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// R-REV-2: "no longer used", online: the certificate revoked cessationOfOperation.
Status RunRevokeRequest(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(card::CertSlot slot, CertSlotOf(f.slot));
  if (f.url.empty()) return InvalidArgument("--url", "サービスの URL が必要です (e.g. http://host:8080/)");
  const card::PinId pin_id = slot == card::CertSlot::kAuth ? card::PinId::kAuth : card::PinId::kSign;
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  MYNACERT_RETURN_IF_ERROR(VerifyOrFail(client, pin_id, f.pin, "--pin"));
  MYNACERT_ASSIGN_OR_RETURN(nlohmann::json done,
                            AnswerChallenge(client, slot, BaseUrl(f.url), "revocation", "/api/holder/revocation-requests"));
  if (f.json) {
    ctx.out << done.dump(2) << "\n";
    return {};
  }
  ctx.out << "失効しました (revoked, cessationOfOperation, R-REV-2): " << f.slot << " "
          << done.value("serial", std::string()) << "\n";
  return {};
}

// R-KIOSK-1: a kiosk PIN reset booked with the card: the other certificate's key (and so its
// PIN) proves the holder. R-KIOSK-2: the 住基 and text PINs are not a kiosk's.
Status RunKioskBooking(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_RETURN_IF_ERROR(counter::CheckKioskPin(f.pin_kind));
  if (f.url.empty()) return InvalidArgument("--url", "サービスの URL が必要です (e.g. http://host:8080/)");
  const bool auth_forgotten = f.pin_kind == "auth";
  const card::PinId known = auth_forgotten ? card::PinId::kSign : card::PinId::kAuth;
  const card::CertSlot slot = auth_forgotten ? card::CertSlot::kSign : card::CertSlot::kAuth;
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  MYNACERT_RETURN_IF_ERROR(VerifyOrFail(client, known, f.pin, "--known-pin"));
  MYNACERT_ASSIGN_OR_RETURN(nlohmann::json booked,
                            AnswerChallenge(client, slot, BaseUrl(f.url), "kiosk:" + f.pin_kind, "/api/holder/kiosk-bookings"));
  if (f.json) {
    ctx.out << booked.dump(2) << "\n";
    return {};
  }
  ctx.out << "コンビニでの暗証番号の再設定を予約しました (kiosk reset booked, R-KIOSK-1): 予約番号 "
          << booked.value("booking", std::string()) << "\n";
  return {};
}

// A signed document: CMS SignedData around the card's signature (pki/cms.h), detached (.p7s)
// or attached (.p7m), with the sign key by default (the PIN: the sign password).
Status RunSignFile(const ClientFlags& f, CliContext& ctx) {
  const std::string slot_name = f.slot.empty() ? "sign" : f.slot;
  MYNACERT_ASSIGN_OR_RETURN(card::CertSlot slot, CertSlotOf(slot_name));
  MYNACERT_ASSIGN_OR_RETURN(std::string content, ReadFileNamed(f.in, "--in"));
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  MYNACERT_RETURN_IF_ERROR(VerifyOrFail(client, slot == card::CertSlot::kAuth ? card::PinId::kAuth : card::PinId::kSign,
                                        f.pin, "--pin"));
  MYNACERT_ASSIGN_OR_RETURN(std::string der, client.ReadCertificate(slot));
  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(der));
  pki::CmsSignOptions options;
  options.detached = !f.attached;
  options.signing_time = std::chrono::duration_cast<std::chrono::seconds>(RealClock().Now().time_since_epoch()).count();
  MYNACERT_ASSIGN_OR_RETURN(
      std::string signed_data,
      pki::SignCms(content, cert.get(), [&](std::string_view digest_info) {
        return client.Sign(slot == card::CertSlot::kAuth ? card::KeySlot::kAuth : card::KeySlot::kSign,
                           std::string(digest_info));
      }, options, "card"));
  const std::string out = f.out.empty() ? f.in + (options.detached ? ".p7s" : ".p7m") : f.out;
  MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(out, signed_data, 0644));
  ctx.out << "署名しました (signed, CMS " << (options.detached ? "detached" : "attached") << "): " << out << "\n";
  return {};
}

// A signed PDF (pki/pades.h): PAdES baseline around the card's signature with the sign key,
// the CA certificate carried. Before signing, the certificate's status is asked at the OCSP
// URL it names: a revoked or held certificate signs nothing. Unless --no-ltv, that answer and
// both certificates go into the document's DSS (long-term validation).
Status RunSignPdf(const ClientFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(std::string pdf, ReadFileNamed(f.in, "--in"));
  if (!pki::LooksLikePdf(pdf)) return InvalidArgument("--in", "PDF ではありません (not a PDF: no %PDF- header)");
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  MYNACERT_RETURN_IF_ERROR(VerifyOrFail(client, card::PinId::kSign, f.pin, "--pin"));
  MYNACERT_ASSIGN_OR_RETURN(std::string der, client.ReadCertificate(card::CertSlot::kSign));
  MYNACERT_ASSIGN_OR_RETURN(std::string ca_der, client.ReadCertificate(card::CertSlot::kSignCa));
  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(der));
  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr ca, pki::ParseCertificateDer(ca_der));
  std::string ocsp_answer;
  if (!f.no_ltv) {
    const std::string url = pki::OcspUrl(cert.get());
    if (url.empty()) return InvalidArgument("--no-ltv", "証明書に OCSP の URL がありません (the certificate names no OCSP URL)");
    MYNACERT_ASSIGN_OR_RETURN(
        pki::OcspVerdict verdict,
        pki::AskOcsp(cert.get(), ca.get(),
                     [&](const std::string& request) -> Result<std::string> {
                       MYNACERT_ASSIGN_OR_RETURN(auto answer, HttpPost(url, "application/ocsp-request", request, "ocsp"));
                       ocsp_answer = answer.second;
                       return std::move(answer.second);
                     },
                     "ocsp"));
    if (verdict.unknown || verdict.state != pki::CertState::kGood) {
      return Error{ErrorCode::kFailedPrecondition, "card",
                   verdict.state == pki::CertState::kOnHold
                       ? "署名用電子証明書は一時保留中です。署名しません (the certificate is on hold: nothing signed)"
                       : "署名用電子証明書は有効ではありません。署名しません (the certificate is not valid: nothing signed)",
                   verdict.state == pki::CertState::kOnHold ? "R-LOST-2" : ""};
    }
  }
  pki::PadesSignOptions options;
  options.signing_time = std::chrono::duration_cast<std::chrono::seconds>(RealClock().Now().time_since_epoch()).count();
  options.reason = f.reason;
  options.extra_certs = {ca.get()};
  MYNACERT_ASSIGN_OR_RETURN(std::string signed_pdf,
                            pki::SignPdf(pdf, cert.get(), [&](std::string_view digest_info) {
                              return client.Sign(card::KeySlot::kSign, std::string(digest_info));
                            }, options, "--in"));
  if (!f.no_ltv) {
    pki::ValidationData data;
    data.certs = {der, ca_der};
    data.ocsps = {ocsp_answer};
    MYNACERT_ASSIGN_OR_RETURN(signed_pdf, pki::AddDss(signed_pdf, data, "--in"));
  }
  std::string out = f.out;
  if (out.empty()) {
    out = f.in.size() > 4 && f.in.substr(f.in.size() - 4) == ".pdf" ? f.in.substr(0, f.in.size() - 4) : f.in;
    out += "-signed.pdf";
  }
  MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(out, signed_pdf, 0644));
  ctx.out << "署名しました (signed, PAdES" << (f.no_ltv ? "" : " with validation data (DSS)") << "): " << out << "\n";
  return {};
}

struct VerifyFlags {
  std::string in, content;
  std::vector<std::string> cas;
  bool no_ocsp = false, json = false;
};

// A CA certificate file, DER or PEM.
Result<pki::X509Ptr> ReadCaFile(const std::string& path) {
  MYNACERT_ASSIGN_OR_RETURN(std::string bytes, ReadFileNamed(path, "--ca"));
  auto cert = pki::ParseCertificatePemOrDer(bytes, "--ca");
  if (cert.ok()) return cert;
  return InvalidArgument("--ca", path + ": 証明書 (DER か PEM) ではありません (not a certificate)");
}

// `mynacert verify`: a signed document checked as a relying party does (pki::VerifyCms): the
// signature, the content, the chain at the signing time to one of --ca, and the status by
// OCSP at the URL the certificate names. Exit 0 when every check passes, 3 when one fails
// (each named, in Japanese and English), 2 for bad input.
Status RunVerify(const VerifyFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(std::string signed_data, ReadFileNamed(f.in, "--in"));
  std::optional<std::string> content;
  if (!f.content.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(std::string c, ReadFileNamed(f.content, "--content"));
    content = std::move(c);
  }
  if (f.cas.empty()) return InvalidArgument("--ca", "信頼する認証局の証明書を指定してください (give the CA certificates to trust)");
  std::vector<pki::X509Ptr> owned;
  std::vector<std::pair<pki::CaKind, X509*>> trust;
  for (const std::string& path : f.cas) {
    MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr ca, ReadCaFile(path));
    trust.emplace_back(pki::CaKind::kSign, ca.get());
    owned.push_back(std::move(ca));
  }
  pki::OcspAt ocsp;
  if (!f.no_ocsp) {
    ocsp = [](const std::string& url, const std::string& request) -> Result<std::string> {
      MYNACERT_ASSIGN_OR_RETURN(auto answer, HttpPost(url, "application/ocsp-request", request, "ocsp"));
      return std::move(answer.second);
    };
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(RealClock().Now().time_since_epoch()).count();
  MYNACERT_ASSIGN_OR_RETURN(
      pki::DocumentReport report,
      pki::VerifyDocument(signed_data, content ? std::optional<std::string_view>(*content) : std::nullopt, trust, ocsp,
                          now, "--in", "--content"));
  if (f.json) {
    ctx.out << pki::DocumentReportJson(report).dump(2) << "\n";
  } else {
    ctx.out << (report.valid ? "有効な電子署名です (valid signature)" : "有効な電子署名ではありません (not a valid signature)")
            << "\n";
    for (size_t i = 0; i < report.signatures.size(); ++i) {
      const pki::CmsReport& one = report.signatures[i];
      if (report.pdf) ctx.out << "署名 " << i + 1 << " / signature " << i + 1 << "\n";
      ctx.out << "署名者 (signer): " << one.signer_subject << " (" << one.signer_serial << ")\n";
      for (const pki::CmsCheck& c : one.checks) {
        ctx.out << (c.ok ? "  ✓ " : "  ✗ ") << c.ja << " (" << c.en << ")\n";
      }
    }
  }
  if (!report.valid) ctx.exit_code = 3;
  return {};
}

// The demo relying party's login (service/api_demo_login.cc): its challenge signed with the
// auth key, sent with the auth certificate; the site answers with the holder ID it knows the
// holder by (R-VER-4).
Status RunLogin(const ClientFlags& f, CliContext& ctx) {
  if (f.url.empty()) return InvalidArgument("--url", "サービスの URL が必要です (e.g. http://host:8080/)");
  const std::string base = BaseUrl(f.url);
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  MYNACERT_RETURN_IF_ERROR(VerifyOrFail(client, card::PinId::kAuth, f.pin, "--pin"));
  MYNACERT_ASSIGN_OR_RETURN(std::string der, client.ReadCertificate(card::CertSlot::kAuth));
  MYNACERT_ASSIGN_OR_RETURN(nlohmann::json challenge, PostJson(base + "/api/demo-login/challenges", nlohmann::json::object()));
  std::string message;
  if (!Unhex(challenge.value("message_hex", ""), &message) ||
      message.rfind(counter::ChallengePrefix("login") + "\n", 0) != 0) {
    return Error{ErrorCode::kFailedPrecondition, "--url",
                 "ログインのチャレンジではありません。署名しません (not a login challenge: not signed)", ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(std::string signature, SignOnCard(client, card::CertSlot::kAuth, message));
  MYNACERT_ASSIGN_OR_RETURN(nlohmann::json session,
                            PostJson(base + "/api/demo-login/sessions",
                                     {{"challenge_id", challenge.value("challenge_id", "")},
                                      {"certificate_hex", HexLower(der)},
                                      {"signature_hex", HexLower(signature)}}));
  if (f.json) {
    ctx.out << session.dump(2) << "\n";
    return {};
  }
  const nlohmann::json id = session.value("holder_id", nlohmann::json());
  ctx.out << "ログインしました (logged in): " << session.value("site", std::string()) << "\n"
          << "このサイトでの利用者ID (your ID at this site, R-VER-4): " << (id.is_string() ? id.get<std::string>() : "—")
          << "\n";
  return {};
}

// R-VER-3: the holder consents that, after a change of the record, `verifier` receives the new
// sign certificate and basic data — with the sign key (and so the sign PIN), the certificate
// the verifier stores; or withdraws it with either key.
Status RunConsent(const ClientFlags& f, CliContext& ctx) {
  if (f.url.empty()) return InvalidArgument("--url", "サービスの URL が必要です (e.g. http://host:8080/)");
  const std::string slot_name = f.slot.empty() ? (f.withdraw ? "auth" : "sign") : f.slot;
  MYNACERT_ASSIGN_OR_RETURN(card::CertSlot slot, CertSlotOf(slot_name));
  if (!f.withdraw && slot != card::CertSlot::kSign) {
    return Error{ErrorCode::kInvalidArgument, "--slot",
                 "同意は署名用電子証明書で行います (consent is given with the sign certificate)", "R-VER-3"};
  }
  const card::PinId pin_id = slot == card::CertSlot::kAuth ? card::PinId::kAuth : card::PinId::kSign;
  MYNACERT_ASSIGN_OR_RETURN(auto connection, ConnectCard(f.access));
  card::JpkiClient client(connection->transport());
  MYNACERT_RETURN_IF_ERROR(VerifyOrFail(client, pin_id, f.pin, "--pin"));
  const std::string purpose = f.withdraw ? counter::WithdrawPurpose(f.verifier) : counter::ConsentPurpose(f.verifier);
  MYNACERT_ASSIGN_OR_RETURN(nlohmann::json done,
                            AnswerChallenge(client, slot, BaseUrl(f.url), purpose, "/api/holder/consents"));
  if (f.json) {
    ctx.out << done.dump(2) << "\n";
    return {};
  }
  ctx.out << (f.withdraw ? "同意を取り消しました (consent withdrawn, R-VER-3): "
                         : "同意しました。住所などが変わったとき、新しい署名用電子証明書と基本4情報がこの事業者に提供されます "
                           "(consent given, R-VER-3): ")
          << done.value("verifier_name", std::string()) << " (" << done.value("verifier", std::string()) << ")\n";
  return {};
}

}  // namespace

void AddVerifyCommand(CLI::App& app, CliContext& ctx) {
  auto f = std::make_shared<VerifyFlags>();
  CLI::App* v = app.add_subcommand(
      "verify", "電子署名 (CMS, PDF) を検証: 署名・内容・署名時の証明書・OCSP / verify a signed document (CMS or PDF): exit 0 valid, 3 not");
  v->add_option("--in", f->in, "署名データ (.p7s / .p7m) か署名した PDF / the signed data, or a signed PDF")->required();
  v->add_option("--content", f->content, "分離署名の対象ファイル / the signed file of a detached signature");
  v->add_option("--ca", f->cas, "信頼する認証局の証明書 (DER/PEM, 複数可) / trusted CA certificates")->required();
  v->add_flag("--no-ocsp", f->no_ocsp,
              "OCSP に問い合わせない: PDF は埋め込まれた応答 (DSS) で確認、それ以外は有効になりません / ask no responder: a PDF is "
              "checked with its embedded answers (DSS), anything else is then not valid");
  v->add_flag("--json", f->json, "JSON で出力 / print JSON");
  v->callback([f, &ctx] { RunCommand(ctx, [&] { return RunVerify(*f, ctx); }); });
}

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
  s->add_option("--text-pin", sf->text_pin,
                "券面事項入力補助用 PIN の場所 (env:/file:): 個人番号と基本4情報も表示 / also read the "
                "My Number and the basic four data (a wrong one costs a try)");
  s->add_option("--face-pin", sf->face_pin,
                "券面APの照合番号の場所 (env:/file:): A (個人番号12桁) か B (14桁) で券面も表示 / also read "
                "the card face with collation number A (12 digits) or B (14); a wrong one costs a try");
  s->add_option("--face-out", sf->face_out,
                "券面の画像 (氏名・住所・顔写真 JPEG 2000・セキュリティコード) を書き出すディレクトリ / write the "
                "card face's images into this directory");
  s->add_option("--card-data-cert", sf->card_data_cert,
                "券面事項の署名鍵の証明書 (サービスの /ca/card-data.crt) で署名を確かめる / verify the "
                "card data under this certificate");
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

  auto ef = std::make_shared<ClientFlags>();
  CLI::App* e = card.add_subcommand("export", "証明書をファイルに書き出す / export a certificate (R-HOLDER-1)");
  AddCardAccessFlags(e, ef->access);
  e->add_option("--slot", ef->slot, "auth | sign")->required();
  e->add_option("--pin", ef->pin, "sign: 署名用パスワードの場所 (env:/file:)");
  e->add_option("--out", ef->out, "出力先 / the file")->required();
  e->add_flag("--pem", ef->pem, "PEM で (既定 DER) / PEM instead of DER");
  e->callback([ef, &ctx] { RunCommand(ctx, [&] { return RunExport(*ef, ctx); }); });

  auto cf = std::make_shared<ClientFlags>();
  CLI::App* c = card.add_subcommand("ca-certs", "カードの認証局の自己署名証明書 / the CAs' certificates on the card");
  AddCardAccessFlags(c, cf->access);
  c->add_option("--out-dir", cf->out, "書き出すフォルダ (auth-ca.der, sign-ca.der)");
  c->add_flag("--pem", cf->pem, "PEM で / PEM instead of DER");
  c->add_flag("--json", cf->json, "JSON で出力 / print JSON");
  c->callback([cf, &ctx] { RunCommand(ctx, [&] { return RunCaCerts(*cf, ctx); }); });

  auto pf = std::make_shared<ClientFlags>();
  CLI::App* p = card.add_subcommand("change-pin", "PIN を変更 (今の PIN が必要) / change a PIN knowing the current one");
  AddCardAccessFlags(p, pf->access);
  p->add_option("--pin-kind", pf->pin_kind, "auth | sign | text | juki")->required();
  p->add_option("--pin", pf->pin, "今の PIN の場所 (env:/file:)")->required();
  p->add_option("--new-pin", pf->new_pin, "新しい PIN の場所 (env:/file:; R-CERT-2 で確認)")->required();
  p->callback([pf, &ctx] { RunCommand(ctx, [&] { return RunChangePin(*pf, ctx); }); });

  auto tf = std::make_shared<ClientFlags>();
  CLI::App* st = card.add_subcommand("status", "証明書の有効性をオンラインで確認 (OCSP) / check the certificates online");
  AddCardAccessFlags(st, tf->access);
  st->add_option("--url", tf->url, "OCSP レスポンダ (http://host:port/ocsp)")->required();
  st->add_option("--pin", tf->pin, "署名用パスワードの場所: 署名用電子証明書も確認");
  st->add_flag("--json", tf->json, "JSON で出力 / print JSON");
  st->callback([tf, &ctx] { RunCommand(ctx, [&] { return RunStatus(*tf, ctx); }); });

  auto kf = std::make_shared<ClientFlags>();
  CLI::App* k = card.add_subcommand(
      "kiosk-booking", "コンビニでの暗証番号再設定の予約 (もう一方の暗証番号で) / book a kiosk PIN reset (R-KIOSK-1)");
  AddCardAccessFlags(k, kf->access);
  k->add_option("--url", kf->url, "mynacert serve の URL (http://host:port/)")->required();
  k->add_option("--pin-kind", kf->pin_kind, "忘れた暗証番号: auth | sign (住基・text は窓口, R-KIOSK-2)")->required();
  k->add_option("--known-pin", kf->pin, "もう一方の証明書の暗証番号の場所 (env:/file:)")->required();
  k->add_flag("--json", kf->json, "JSON で出力 / print JSON");
  k->callback([kf, &ctx] { RunCommand(ctx, [&] { return RunKioskBooking(*kf, ctx); }); });

  auto qf = std::make_shared<ClientFlags>();
  CLI::App* q = card.add_subcommand("revoke-request",
                                    "使わなくなった証明書の失効申請 (R-REV-2) / revoke a certificate no longer used");
  AddCardAccessFlags(q, qf->access);
  q->add_option("--url", qf->url, "mynacert serve の URL (http://host:port/)")->required();
  q->add_option("--slot", qf->slot, "auth | sign")->required();
  q->add_option("--pin", qf->pin, "その鍵の PIN の場所 (env:/file:)")->required();
  q->add_flag("--json", qf->json, "JSON で出力 / print JSON");
  q->callback([qf, &ctx] { RunCommand(ctx, [&] { return RunRevokeRequest(*qf, ctx); }); });

  auto nf = std::make_shared<ClientFlags>();
  CLI::App* cs = card.add_subcommand(
      "consent", "検証者への基本4情報の提供に同意・取消 (R-VER-3) / consent that a verifier gets your new "
                 "certificate and basic data after a change, or withdraw it");
  AddCardAccessFlags(cs, nf->access);
  cs->add_option("--url", nf->url, "mynacert serve の URL (http://host:port/)")->required();
  cs->add_option("--verifier", nf->verifier, "検証者 ID (V…): 事業者が示すもの / the verifier's ID")->required();
  cs->add_flag("--withdraw", nf->withdraw, "同意を取り消す / withdraw the consent");
  cs->add_option("--slot", nf->slot, "署名に使う鍵: 同意は sign のみ、取消は auth (既定) か sign");
  cs->add_option("--pin", nf->pin, "その鍵の PIN の場所 (env:/file:)")->required();
  cs->add_flag("--json", nf->json, "JSON で出力 / print JSON");
  cs->callback([nf, &ctx] { RunCommand(ctx, [&] { return RunConsent(*nf, ctx); }); });

  auto lf = std::make_shared<ClientFlags>();
  CLI::App* lg = card.add_subcommand(
      "login", "デモのサイトに利用者証明用電子証明書でログイン / log in to the demo relying party with the card");
  AddCardAccessFlags(lg, lf->access);
  lg->add_option("--url", lf->url, "mynacert serve の URL (http://host:port/)")->required();
  lg->add_option("--pin", lf->pin, "利用者証明用の暗証番号の場所 (env:/file:)")->required();
  lg->add_flag("--json", lf->json, "JSON で出力 / print JSON");
  lg->callback([lf, &ctx] { RunCommand(ctx, [&] { return RunLogin(*lf, ctx); }); });

  auto df = std::make_shared<ClientFlags>();
  CLI::App* sfc = card.add_subcommand(
      "sign-file", "ファイルにカードで電子署名 (CMS) / sign a document with the card (CMS SignedData)");
  AddCardAccessFlags(sfc, df->access);
  sfc->add_option("--in", df->in, "署名するファイル / the document")->required();
  sfc->add_option("--out", df->out, "署名データ (既定: <in>.p7s、--attached なら <in>.p7m) / the signed data");
  sfc->add_flag("--attached", df->attached, "内容を含める (.p7m) / include the content");
  sfc->add_option("--slot", df->slot, "sign (既定: 署名用電子証明書) | auth");
  sfc->add_option("--pin", df->pin, "その鍵の暗証番号の場所 (env:/file:)")->required();
  sfc->callback([df, &ctx] { RunCommand(ctx, [&] { return RunSignFile(*df, ctx); }); });

  auto pdff = std::make_shared<ClientFlags>();
  CLI::App* spdf = card.add_subcommand(
      "sign-pdf", "PDF にカードで電子署名 (PAdES) / sign a PDF with the card (PAdES, with validation data)");
  AddCardAccessFlags(spdf, pdff->access);
  spdf->add_option("--in", pdff->in, "署名する PDF / the PDF")->required();
  spdf->add_option("--out", pdff->out, "署名した PDF (既定: <in>-signed.pdf) / the signed PDF");
  spdf->add_option("--reason", pdff->reason, "署名の理由 (/Reason) / the reason shown by PDF readers");
  spdf->add_flag("--no-ltv", pdff->no_ltv, "OCSP 応答と証明書 (DSS) を入れない / no long-term validation data");
  spdf->add_option("--pin", pdff->pin, "署名用電子証明書の暗証番号の場所 (env:/file:)")->required();
  spdf->callback([pdff, &ctx] { RunCommand(ctx, [&] { return RunSignPdf(*pdff, ctx); }); });

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
