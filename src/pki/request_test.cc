// The request for a key generated on a card (pki/request.h): its validity, its subject CN, the
// personal data in a sign certificate only, and the card's key found again in what the CA
// issued.
#include "pki/request.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <string>

namespace mynacert::pki {
namespace {

constexpr auto D = Date::Ymd;

// The sign certificate's personal data, two items of it.
SignHolder Holder() {
  SignHolder h;
  h.name = "横浜　花子";
  h.municipality_en = "Yokohama-shi";
  return h;
}

// 2026-05-01 00:00:00 JST.
const TimePoint kStartOfDay =
    TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 4 / 30)) + std::chrono::hours(15);

TEST(PkiCardKeyRequest, NotBeforeIsTheStartOfTheIssueDayNeverLaterThanNow) {
  auto key = GenerateRsaKey();
  ASSERT_TRUE(key.ok());
  auto late = CardKeyRequest(CaKind::kAuth, key->get(), kStartOfDay + std::chrono::hours(10),
                             D(2026, 5, 1), D(2031, 5, 1), Holder(), "141003012");
  ASSERT_TRUE(late.ok()) << late.error().ToString();
  EXPECT_EQ(late->not_before, kStartOfDay);
  // A clock behind the issue day: now.
  const TimePoint early = kStartOfDay - std::chrono::minutes(5);
  auto behind =
      CardKeyRequest(CaKind::kAuth, key->get(), early, D(2026, 5, 1), D(2031, 5, 1), Holder(), "141003012");
  ASSERT_TRUE(behind.ok());
  EXPECT_EQ(behind->not_before, early);
  EXPECT_EQ(behind->last_valid_day, D(2031, 5, 1));
  EXPECT_EQ(behind->public_key, key->get());
}

TEST(PkiCardKeyRequest, PersonalDataInTheSignCertificateOnly) {
  auto key = GenerateRsaKey();
  ASSERT_TRUE(key.ok());
  auto sign = CardKeyRequest(CaKind::kSign, key->get(), kStartOfDay, D(2026, 5, 1), D(2031, 5, 1),
                             Holder(), "141003012");
  auto auth = CardKeyRequest(CaKind::kAuth, key->get(), kStartOfDay, D(2026, 5, 1), D(2031, 5, 1),
                             Holder(), "141003012");
  ASSERT_TRUE(sign.ok() && auth.ok());
  EXPECT_EQ(sign->kind, CaKind::kSign);
  EXPECT_EQ(sign->holder.name, "横浜　花子");
  EXPECT_EQ(sign->holder.municipality_en, "Yokohama-shi");
  // 2026-05-01 00:00:00 JST, a sequence number, Yokohama-shi's code and counter 12.
  EXPECT_EQ(sign->subject_cn.size(), 28u);
  EXPECT_EQ(sign->subject_cn.substr(0, 14), "20260501000000");
  EXPECT_EQ(sign->subject_cn.substr(19), "141003012");
  EXPECT_EQ(auth->kind, CaKind::kAuth);
  EXPECT_EQ(auth->holder.name, "");
  EXPECT_EQ(auth->holder.municipality_en, "");
  EXPECT_EQ(auth->subject_cn.size(), 23u);  // the opaque id
  EXPECT_EQ(auth->subject_cn.substr(14, 8), "14100012");
}

TEST(PkiCardKeyRequest, TheIssuedCertificateCarriesTheCardsKey) {
  auto ca_key = GenerateRsaKey();
  auto card_key = GenerateRsaKey();
  ASSERT_TRUE(ca_key.ok() && card_key.ok());
  auto ca = CreateRootCa(CaKind::kAuth, 1, MakeKeySigner(std::move(ca_key).value(), "test"),
                         TimePoint(std::chrono::sys_days(std::chrono::year{2026} / 1 / 1)), 10);
  ASSERT_TRUE(ca.ok());
  const std::string spki = PublicKeyDer(card_key->get());
  EvpPkeyPtr pub = ParseSpkiDer(spki);
  ASSERT_TRUE(pub);
  EXPECT_EQ(EVP_PKEY_eq(pub.get(), card_key->get()), 1);
  auto req =
      CardKeyRequest(CaKind::kAuth, pub.get(), kStartOfDay, D(2026, 5, 1), D(2031, 5, 1), Holder(), "141003012");
  ASSERT_TRUE(req.ok());
  auto issued = IssueCertificateDer(*ca, *req);
  ASSERT_TRUE(issued.ok()) << issued.error().ToString();
  EXPECT_EQ(CertificateSpkiDer(issued->der), spki);
}

TEST(PkiCardKeyRequest, UnreadableInputsGiveNothing) {
  EXPECT_FALSE(ParseSpkiDer("not a key"));
  EXPECT_FALSE(ParseSpkiDer(""));
  EXPECT_EQ(CertificateSpkiDer("not a certificate"), "");
}

}  // namespace
}  // namespace mynacert::pki
