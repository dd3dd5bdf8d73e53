#include "rules/verdict.h"

#include "core/date_text.h"
#include "rules/dates.h"

namespace mynacert::rules {

std::string_view VerdictCodeName(VerdictCode c) {
  switch (c) {
    case VerdictCode::kComeNow:
      return "come_now";
    case VerdictCode::kNotYet:
      return "not_yet";
    case VerdictCode::kExpired:
      return "expired";
    case VerdictCode::kRenewCard:
      return "renew_card";
    case VerdictCode::kCardExpired:
      return "card_expired";
  }
  return "";
}

Verdict MakeVerdict(const Assessment& a, const profiles::RuleSettings& s) {
  Verdict v;
  const CertAssessment& auth = a.auth;
  const Date card = a.card.expires;
  const Date cert = auth.validity.expires;
  const std::string card_ja = JapaneseLongDate(card), card_en = EnglishLongDate(card);
  const std::string cert_ja = JapaneseLongDate(cert), cert_en = EnglishLongDate(cert);
  if (a.card_expired) {
    v.code = VerdictCode::kCardExpired;
    v.until = card;
    v.ja = "マイナンバーカードの有効期限(" + card_ja +
           ")が過ぎています。電子証明書だけを更新することはできません。カードの交付申請"
           "(オンライン・郵送など)が必要です。";
    v.en = "Your My Number Card expired on " + card_en +
           ". The certificates cannot be renewed on their own: apply for a new card (online, by "
           "post, …).";
    v.rules = {"R-WIN-6", "R-CARD-1"};
    return v;
  }
  if (auth.renew_with_card && auth.status != CertStatus::kExpired) {
    // R-CARD-4: the certificates end with the card, so the card renewal renews them.
    v.code = VerdictCode::kRenewCard;
    v.from = RenewalWindowStart(card, s.card_application_months, s.window_reading);
    v.until = card;
    const bool open = a.today >= *v.from;
    v.ja = "マイナンバーカードと電子証明書は" + card_ja +
           "に有効期限を迎えます。電子証明書だけの更新ではなく、カードの更新が必要です。" +
           (open ? std::string("J-LISから届く交付申請書で、今から申請できます(無料)。")
                 : JapaneseLongDate(*v.from) + "ごろから、J-LISから届く交付申請書で申請できます(無料)。") +
           "新しいカードの受け取りまで約1か月かかります。";
    v.en = "Your My Number Card and its certificates expire together on " + card_en +
           ". Renew the card, not only the certificates: apply with the form J-LIS sends " +
           (open ? std::string("— you can apply now (free).")
                 : "from about " + EnglishLongDate(*v.from) + " (free).") +
           " The new card is ready about a month later.";
    v.rules = {"R-WIN-6", "R-CARD-3", "R-CARD-4"};
    return v;
  }
  switch (auth.status) {
    case CertStatus::kExpired:
      v.code = VerdictCode::kExpired;
      v.until = card;
      v.counter_visit = true;
      v.ja = "電子証明書の有効期限(" + cert_ja + ")が過ぎています。カードの有効期限(" + card_ja +
             ")までは、窓口で無料で新しく発行できます。";
      v.en = "Your certificates expired on " + cert_en + ". Until the card expires (" + card_en +
             "), a counter issues new ones free of charge.";
      v.rules = {"R-WIN-5", "R-WIN-4"};
      break;
    case CertStatus::kRenewable:
      v.code = VerdictCode::kComeNow;
      v.from = auth.renewal_from;
      v.until = cert;
      v.counter_visit = true;
      v.ja = "今から" + cert_ja + "まで、窓口で電子証明書を無料で更新できます。";
      v.en = "You can renew your certificates at a counter now, free of charge, until " + cert_en +
             ".";
      v.rules = {"R-WIN-1", "R-WIN-4"};
      break;
    default:
      v.code = VerdictCode::kNotYet;
      v.from = auth.renewal_from;
      v.until = cert;
      v.ja = "電子証明書は" + cert_ja + "まで有効です。無料の更新は" +
             JapaneseLongDate(auth.renewal_from) + "からできます。";
      v.en = "Your certificates are valid until " + cert_en + ". Free renewal opens on " +
             EnglishLongDate(auth.renewal_from) + ".";
      v.rules = {"R-WIN-1", "R-WIN-4"};
      break;
  }
  if (v.code != VerdictCode::kExpired && a.sign.status == CertStatus::kRevoked) {
    v.ja += "署名用電子証明書は氏名・住所などの変更で失効しています。窓口で新しく発行できます。";
    v.en += " Your signature certificate was revoked when your name or address changed; a "
            "counter issues a new one.";
    v.rules.push_back("R-CERT-5");
    v.counter_visit = true;
  }
  return v;
}

}  // namespace mynacert::rules
