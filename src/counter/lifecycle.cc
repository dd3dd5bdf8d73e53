#include "counter/lifecycle.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "counter/internal.h"
#include "counter/verifiers.h"
#include "pki/openssl.h"

namespace mynacert::counter {

using nlohmann::json;

std::string NormalizeForMatch(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    // U+3000 (E3 80 80) ideographic space.
    if (c == 0xE3 && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        static_cast<unsigned char>(text[i + 2]) == 0x80) {
      i += 3;
      continue;
    }
    // U+FF01..U+FF5E (EF BC 81 .. EF BD 9E) full-width ASCII -> ASCII.
    if (c == 0xEF && i + 2 < text.size()) {
      const unsigned char b1 = static_cast<unsigned char>(text[i + 1]);
      const unsigned char b2 = static_cast<unsigned char>(text[i + 2]);
      const int cp = ((c & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        char ascii = static_cast<char>(cp - 0xFF01 + 0x21);
        if (ascii >= 'A' && ascii <= 'Z') ascii = static_cast<char>(ascii - 'A' + 'a');
        out.push_back(ascii);
        i += 3;
        continue;
      }
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
    ++i;
  }
  return out;
}

namespace {

Status CheckReport(const LossReport& r) {
  if (NormalizeForMatch(r.name).empty()) return InvalidArgument("name", "氏名が必要です (the holder's name is required)");
  if (NormalizeForMatch(r.address).empty()) {
    return InvalidArgument("address", "住所が必要です (the holder's address is required)");
  }
  if (r.birth == Date()) return InvalidArgument("birth", "生年月日が必要です (the birth date is required)");
  if (r.event != "lost" && r.event != "stolen") {
    return InvalidArgument("event", "lost (紛失) または stolen (盗難) です (lost | stolen)");
  }
  if (r.caller != "holder" && r.caller != "family" && r.caller != "other") {
    return InvalidArgument("caller", "holder (本人) | family (家族) | other (その他) のいずれか");
  }
  if (r.caller != "holder" && NormalizeForMatch(r.caller_name).empty()) {
    return InvalidArgument("caller_name",
                           "本人以外からの電話は、電話をかけた方の氏名を記録します (the caller's name is "
                           "required when not the holder)");
  }
  if (r.caller_name.size() > 200) return InvalidArgument("caller_name", "長すぎます (200 bytes at most)");
  if (r.police_receipt.size() > 32) {
    return InvalidArgument("police_receipt", "受理番号は32文字までです (32 characters at most)");
  }
  for (char c : r.police_receipt) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-')) {
      return InvalidArgument("police_receipt",
                             "受理番号は英数字とハイフンで書いてください (letters, digits and '-')");
    }
  }
  if (r.note.size() > 1500) return InvalidArgument("note", "メモは500文字までです (500 characters at most)");
  return {};
}

std::vector<rules::Reason> NextSteps(const LossReport& r) {
  std::vector<rules::Reason> next;
  next.push_back({"R-LOST-2",
                  "一時保留は解除できません。カードが見つかった場合は、市区町村の窓口で一時停止解除の手続きをすると、"
                  "保留中の電子証明書は失効し、新しい電子証明書が発行されます。",
                  "A hold is never lifted. If the card is found, the holder goes to the municipal counter: the "
                  "suspension is lifted there, the held certificates are revoked and new ones issued."});
  next.push_back({"R-LOST-1",
                  "お住まいの市区町村の窓口にも紛失を届け出てください (見つからない場合はカードの廃止と再交付の申請)。",
                  "Report the loss to the municipality too (if the card stays lost: the card is abolished and a "
                  "new one applied for)."});
  if (r.event == "stolen" || r.outside_home) {
    next.push_back({"R-LOST-1",
                    std::string(r.event == "stolen" ? "警察に盗難届" : "警察に遺失届") +
                        "を出し、受理番号を控えてください" +
                        (r.police_receipt.empty() ? "。" : " (受理番号 " + r.police_receipt + " を記録しました)。"),
                    std::string("Report the ") + (r.event == "stolen" ? "theft" : "loss") +
                        " to the police and keep the receipt number" +
                        (r.police_receipt.empty() ? "." : " (receipt " + r.police_receipt + " recorded).")});
  }
  return next;
}

}  // namespace

Result<LossReceipt> ReportLoss(CounterStore& store, Registry& registry, const LossReport& report,
                               std::string_view operator_name, int64_t now, Date today,
                               pki::CaStore* ca) {
  MYNACERT_RETURN_IF_ERROR(CheckReport(report));
  // Identified by all three of name, birth date and address; a mismatch says nothing about
  // which one differed (the caller could be anyone).
  MYNACERT_ASSIGN_OR_RETURN(std::vector<Resident> born, store.ResidentsBornOn(report.birth));
  const std::string name = NormalizeForMatch(report.name);
  const std::string address = NormalizeForMatch(report.address);
  std::vector<Resident> matches;
  for (Resident& r : born) {
    if (NormalizeForMatch(r.name) == name && NormalizeForMatch(r.address) == address) {
      matches.push_back(std::move(r));
    }
  }
  if (matches.empty()) {
    return NotFound("holder",
                    "氏名・生年月日・住所が一致する方が見つかりません (no resident matches the name, "
                    "birth date and address given)");
  }
  if (matches.size() > 1) {
    return Error{ErrorCode::kFailedPrecondition, "holder",
                 "同じ氏名・生年月日・住所の方が複数います。窓口で確認してください (more than one resident "
                 "matches: refer to the municipality)",
                 "R-LOST-1"};
  }
  const Resident& holder = matches.front();
  MYNACERT_ASSIGN_OR_RETURN(auto card, store.ActiveCard(holder.id));
  if (!card) {
    return NotFound("card", "この方には有効なマイナンバーカードの記録がありません (no card in force for "
                            "this holder)");
  }

  LossReceipt receipt;
  receipt.resident_id = holder.id;
  receipt.municipality = holder.municipality;
  receipt.card_id = card->id;
  receipt.already_suspended = card->suspended();
  receipt.next = NextSteps(report);
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
    json held = json::array();
    if (!receipt.already_suspended) {
      MYNACERT_RETURN_IF_ERROR(store.SetCardState(card->id, "suspended"));
      for (const char* kind : {"auth", "sign"}) {
        MYNACERT_ASSIGN_OR_RETURN(auto cert, store.ActiveCert(card->id, kind));
        if (!cert || cert->state != "active") continue;
        MYNACERT_RETURN_IF_ERROR(store.HoldCert(kind, cert->serial));
        CounterStore::PendingRevocation p;
        p.resident_id = holder.id;
        p.kind = kind;
        p.serial = cert->serial;
        p.reason = "certificateHold";
        p.at = now;
        p.on = today;
        p.clerk = std::string(operator_name);
        p.rule = "R-LOST-1";
        MYNACERT_ASSIGN_OR_RETURN(const int64_t queued, store.QueueRevocation(p));
        (void)queued;
        held.push_back({{"kind", kind}, {"serial", cert->serial}});
        receipt.held.emplace_back(kind, cert->serial);
      }
    }
    CounterStore::HotlineCall call;
    call.resident_id = holder.id;
    call.card_id = card->id;
    call.at = now;
    call.operator_name = std::string(operator_name);
    call.event = report.event;
    call.caller = report.caller;
    call.caller_name = report.caller == "holder" ? "" : report.caller_name;
    call.outside_home = report.outside_home;
    call.police_receipt = report.police_receipt;
    call.held = held.dump();
    call.note = report.note;
    MYNACERT_ASSIGN_OR_RETURN(receipt.call_id, store.AddHotlineCall(call));
    MYNACERT_RETURN_IF_ERROR(internal::Audit(
        store, operator_name, 0, holder.id,
        receipt.already_suspended ? "hotline_call" : "hotline_hold",
        json{{"call", receipt.call_id},
             {"card", card->id},
             {"event", report.event},
             {"caller", report.caller},
             {"caller_name", call.caller_name},
             {"outside_home", report.outside_home},
             {"police_receipt", report.police_receipt},
             {"held", held},
             {"rule", "R-LOST-1"}}
            .dump(),
        now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  if (ca) MYNACERT_RETURN_IF_ERROR(registry.DeliverRevocations(*ca, operator_name, now, nullptr));
  return receipt;
}

namespace internal {

Result<std::string> RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return Error{ErrorCode::kInternal, "", "乱数を得られません (no randomness)", ""};
  }
  return HexLower(raw);
}

}  // namespace internal

using internal::RandomHex;

const pki::CaGeneration* IssuerOf(std::span<const pki::CaGeneration* const> cas, X509* cert) {
  const pki::CaGeneration* issuer = nullptr;
  for (const pki::CaGeneration* g : cas) {
    if (g && X509_verify(cert, X509_get0_pubkey(g->cert.get())) == 1) issuer = g;
  }
  pki::TakeOpenSslErrors();
  return issuer;
}

std::string ChallengePrefix(std::string_view purpose) {
  if (purpose == "revocation") return "mynacert revocation request (R-REV-2: cessationOfOperation)";
  if (purpose == "login") return "mynacert demo login (a relying party's challenge, signed with the auth key)";
  if (purpose.rfind("consent:", 0) == 0) {
    return "mynacert consent (R-VER-3: after a change of my record, verifier " + std::string(purpose.substr(8)) +
           " may receive my new sign certificate and basic data)";
  }
  if (purpose.rfind("withdraw:", 0) == 0) {
    return "mynacert consent withdrawn (R-VER-3: verifier " + std::string(purpose.substr(9)) +
           " no longer receives my new basic data)";
  }
  return "mynacert kiosk booking (R-KIOSK-1: reset the " + std::string(purpose.substr(purpose.find(':') + 1)) +
         " PIN)";
}

std::string ChallengeMessage(const Challenge& c) {
  return ChallengePrefix(c.purpose) + "\n" + c.kind + "\n" + c.serial + "\n" + c.challenge + "\n" + c.id + "\n";
}

Status CheckKioskPin(std::string_view pin) {
  if (pin == "auth" || pin == "sign") return {};
  return Error{ErrorCode::kFailedPrecondition, "pin",
               "住民基本台帳用・券面事項入力補助用の暗証番号はコンビニでは再設定できません。市区町村の窓口へお越しください "
               "(the 住基 and text PINs are reset at a counter only)",
               "R-KIOSK-2"};
}

Result<Challenge> IssueHolderChallenge(CounterStore& store, pki::CaStore& ca,
                                       std::span<const pki::CaGeneration* const> cas,
                                       std::string_view certificate_der, std::string_view purpose,
                                       int64_t now) {
  const bool consent = purpose.rfind("consent:", 0) == 0 || purpose.rfind("withdraw:", 0) == 0;
  if (purpose != "revocation" && purpose != "kiosk:auth" && purpose != "kiosk:sign" && !consent) {
    if (purpose.rfind("kiosk:", 0) == 0) MYNACERT_RETURN_IF_ERROR(CheckKioskPin(purpose.substr(6)));
    return InvalidArgument("purpose", "revocation | kiosk:auth | kiosk:sign | consent:<verifier> | withdraw:<verifier>");
  }
  auto parsed = pki::ParseCertificateDer(certificate_der);
  if (!parsed.ok()) {
    return InvalidArgument("certificate", "証明書 (DER) として読めません (not a DER certificate)");
  }
  X509* cert = parsed->get();
  const pki::CaGeneration* issuer = IssuerOf(cas, cert);
  if (!issuer) {
    return InvalidArgument("certificate", "この認証局が発行した証明書ではありません (not issued by this CA)");
  }
  Challenge c;
  c.purpose = std::string(purpose);
  c.kind = std::string(pki::CaKindName(issuer->kind));
  c.serial = pki::SerialHex(X509_get0_serialNumber(cert));
  // R-KIOSK-1: the other certificate proves the holder; its own PIN is the forgotten one.
  if (purpose.rfind("kiosk:", 0) == 0 && purpose.substr(6) == c.kind) {
    return Error{ErrorCode::kFailedPrecondition, "purpose",
                 "忘れた暗証番号の証明書では予約できません。もう一方の証明書 (暗証番号が分かる方) で予約してください。両方とも分からない場合は窓口へ "
                 "(book with the other certificate, whose PIN you know; both forgotten: a counter)",
                 "R-KIOSK-2"};
  }
  // R-VER-3: a consent names a registered sign verifier and is given with the sign key.
  if (consent) MYNACERT_RETURN_IF_ERROR(CheckConsentPurpose(store, purpose, c.kind));
  MYNACERT_ASSIGN_OR_RETURN(auto recorded, ca.Find(issuer->kind, c.serial));
  if (!recorded) return NotFound("certificate", "認証局に記録がありません (unknown to the CA)");
  if (recorded->state != pki::CertState::kGood) {
    return Error{ErrorCode::kFailedPrecondition, "serial",
                 recorded->state == pki::CertState::kOnHold
                     ? "この証明書は一時保留中です。窓口で手続きしてください (on hold: see a counter, R-LOST-2)"
                     : "この証明書は既に失効しています (already revoked)",
                 purpose == "revocation" ? "R-REV-2" : consent ? "R-VER-3" : "R-KIOSK-1"};
  }
  MYNACERT_ASSIGN_OR_RETURN(c.id, RandomHex(16));
  MYNACERT_ASSIGN_OR_RETURN(c.challenge, RandomHex(32));
  c.expires_at = now + kChallengeSeconds;
  CounterStore::HolderChallenge row{c.id, c.purpose, c.kind, c.serial, c.challenge, now, c.expires_at};
  MYNACERT_RETURN_IF_ERROR(store.AddChallenge(row));
  return c;
}

namespace internal {

Result<Answered> ClaimAnswered(CounterStore& store, pki::CaStore& ca, std::string_view challenge_id,
                               std::string_view signature, std::string_view purpose_prefix,
                               std::string_view rule, int64_t now) {
  if (challenge_id.size() != 32) {
    return InvalidArgument("challenge_id", "チャレンジの ID が不正です (malformed challenge id)");
  }
  if (signature.empty() || signature.size() > 1024) {
    return InvalidArgument("signature", "署名の長さが不正です (bad signature length)");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto claimed, store.ClaimChallenge(challenge_id, now));
  if (!claimed || claimed->purpose.rfind(purpose_prefix, 0) != 0) {
    return Error{ErrorCode::kFailedPrecondition, "challenge_id",
                 "このチャレンジは使用済みか期限切れです。やり直してください (challenge used, expired or for "
                 "something else: ask for a new one)",
                 std::string(rule)};
  }
  Challenge c{claimed->id, claimed->purpose, claimed->kind, claimed->serial, claimed->challenge, claimed->expires_at};
  MYNACERT_ASSIGN_OR_RETURN(const pki::CaKind kind, internal::ParseKeyKind(c.kind, "challenge.kind"));
  MYNACERT_ASSIGN_OR_RETURN(auto recorded, ca.Find(kind, c.serial));
  if (!recorded) return NotFound("certificate", "認証局に記録がありません (unknown to the CA)");
  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(recorded->der));
  const std::string message = ChallengeMessage(c);
  const bool good = pki::VerifySha256Signature(X509_get0_pubkey(cert.get()), message, signature);
  if (!good) {
    return Error{ErrorCode::kPermissionDenied, "signature",
                 "署名がこの証明書の鍵で検証できません (the signature is not by this certificate's key)",
                 std::string(rule)};
  }
  if (recorded->state != pki::CertState::kGood) {
    return Error{ErrorCode::kFailedPrecondition, "serial", "この証明書は有効ではありません (not good)",
                 std::string(rule)};
  }
  return Answered{std::move(c), std::move(*recorded)};
}

int64_t ResidentOf(const pki::IssuedCert& cert) {
  if (cert.holder_ref.rfind("resident:", 0) != 0) return 0;
  return std::strtoll(cert.holder_ref.c_str() + 9, nullptr, 10);
}

}  // namespace internal

using internal::Answered;
using internal::ClaimAnswered;
using internal::ResidentOf;

Result<HolderRevocation> RevokeOnHolderRequest(CounterStore& store, Registry& registry, pki::CaStore& ca,
                                               std::string_view challenge_id,
                                               std::string_view signature, int64_t now, Date today) {
  MYNACERT_ASSIGN_OR_RETURN(Answered a, ClaimAnswered(store, ca, challenge_id, signature, "revocation", "R-REV-2", now));
  const Challenge& c = a.challenge;
  MYNACERT_ASSIGN_OR_RETURN(const pki::CaKind kind, internal::ParseKeyKind(c.kind, "challenge.kind"));
  HolderRevocation out{c.kind, c.serial, ResidentOf(a.recorded)};
  if (out.resident_id == 0) {  // a certificate the counter never recorded (`ca issue`)
    MYNACERT_RETURN_IF_ERROR(ca.Revoke(kind, c.serial, pki::RevocationReason::kCessationOfOperation, now,
                                       "holder", "R-REV-2: 利用者による失効申請 (online request)"));
    return out;
  }
  // As every revocation the counter makes: ended and queued in one transaction of the counter's
  // store with its audit record, then delivered (a crash in between is delivered by recovery).
  {
    MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
    MYNACERT_RETURN_IF_ERROR(store.EndCert(c.kind, c.serial, "revoked", "cessationOfOperation", today));
    CounterStore::PendingRevocation p;
    p.resident_id = out.resident_id;
    p.kind = c.kind;
    p.serial = c.serial;
    p.reason = "cessationOfOperation";
    p.at = now;
    p.on = today;
    p.clerk = "holder";
    p.rule = "R-REV-2";
    MYNACERT_ASSIGN_OR_RETURN(const int64_t queued, store.QueueRevocation(p));
    (void)queued;
    MYNACERT_RETURN_IF_ERROR(internal::Audit(
        store, "holder", 0, out.resident_id, "holder_revocation",
        json{{"kind", c.kind}, {"serial", c.serial}, {"challenge", c.id}, {"rule", "R-REV-2"}}.dump(), now));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
  }
  MYNACERT_RETURN_IF_ERROR(registry.DeliverRevocations(ca, "holder", now, nullptr));
  return out;
}

Result<CounterStore::KioskBooking> BookKiosk(CounterStore& store, pki::CaStore& ca, std::string_view challenge_id,
                                             std::string_view signature, int64_t now, int64_t valid_seconds) {
  MYNACERT_ASSIGN_OR_RETURN(Answered a, ClaimAnswered(store, ca, challenge_id, signature, "kiosk:", "R-KIOSK-1", now));
  const int64_t resident = ResidentOf(a.recorded);
  if (resident == 0) return NotFound("certificate", "住民の記録がありません (no resident on record)");
  MYNACERT_ASSIGN_OR_RETURN(auto card, store.ActiveCard(resident));
  if (!card || card->suspended()) {
    return Error{ErrorCode::kFailedPrecondition, "card", "有効なカードがありません (no card in force)", "R-KIOSK-1"};
  }
  CounterStore::KioskBooking b;
  MYNACERT_ASSIGN_OR_RETURN(b.id, RandomHex(16));
  b.resident_id = resident;
  b.card_id = card->id;
  b.known_kind = a.challenge.kind;
  b.known_serial = a.challenge.serial;
  b.forgotten = a.challenge.purpose.substr(6);
  b.created_at = now;
  b.expires_at = now + valid_seconds;
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  MYNACERT_RETURN_IF_ERROR(store.AddKioskBooking(b));
  MYNACERT_RETURN_IF_ERROR(internal::Audit(
      store, "holder", 0, resident, "kiosk_booking",
      json{{"booking", b.id}, {"forgotten", b.forgotten}, {"known", b.known_kind}, {"expires_at", b.expires_at},
           {"rule", "R-KIOSK-1"}}
          .dump(),
      now));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return b;
}

}  // namespace mynacert::counter
