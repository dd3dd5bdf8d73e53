#include "rules/id_documents.h"

#include <gtest/gtest.h>

#include "profiles/loader.h"

namespace mynacert::rules {
namespace {

constexpr auto D = Date::Ymd;

const profiles::Municipality& Muni(const char* id) {
  static const profiles::Registry reg = std::move(profiles::Registry::Builtin()).value();
  return **reg.Find(id);
}

PresentedDocument Doc(const char* kind) {
  PresentedDocument d;
  d.kind = kind;
  return d;
}

struct IdCase {
  const char* municipality;
  PresentedDocument doc;
  bool hic_ok;
  bool accepted;
  IdCategory category;
  const char* rule;
  const char* seed;
};

TEST(CheckIdentityDocument, RIdCases) {
  const Date today = D(2026, 7, 7);
  PresentedDocument copy = Doc("drivers_license");
  copy.original = false;
  PresentedDocument expired = Doc("passport");
  expired.expires = D(2026, 7, 6);
  PresentedDocument valid_passport = Doc("passport");
  valid_passport.expires = D(2030, 1, 1);
  PresentedDocument history_old = Doc("driving_history_cert");
  history_old.issued = D(2012, 3, 31);
  PresentedDocument history_new = Doc("driving_history_cert");
  history_new.issued = D(2012, 4, 1);
  PresentedDocument juki_no_photo = Doc("juki_card");
  juki_no_photo.has_photo = false;
  PresentedDocument moved = Doc("drivers_license");
  moved.matches_registry = false;
  const IdCase cases[] = {
      {"yamagata", Doc("drivers_license"), false, true, IdCategory::kA, "R-ID-A", "000"},
      {"yamagata", Doc("kaigo_hoken"), false, true, IdCategory::kB, "R-ID-B", "000"},
      {"yamagata", copy, false, false, IdCategory::kNotAccepted, "R-PROC-9", "000 (注3)"},
      {"yamagata", expired, false, false, IdCategory::kNotAccepted, "R-PROC-9", "000 (注2)"},
      {"yamagata", valid_passport, false, true, IdCategory::kA, "R-ID-A", "000"},
      {"yamagata", history_old, false, false, IdCategory::kNotAccepted, "R-ID-A", "000"},
      {"yamagata", history_new, false, true, IdCategory::kA, "R-ID-A", "000"},
      {"yamagata", juki_no_photo, false, false, IdCategory::kNotAccepted, "R-ID-X", "000"},
      {"yamagata", Doc("health_insurance_card"), false, false, IdCategory::kNotAccepted, "R-ID-X", "000 (注4)"},
      {"yamagata", Doc("shikaku_joho_oshirase"), false, false, IdCategory::kNotAccepted, "R-ID-X", "000 (注4)"},
      {"yokohama", Doc("health_insurance_card"), true, true, IdCategory::kB, "R-ID-X", "003 visit 1"},
      {"yokohama", Doc("health_insurance_card"), false, false, IdCategory::kNotAccepted, "R-ID-X", "003"},
      {"yokohama", moved, false, false, IdCategory::kNotAccepted, "R-PROC-9", "003"},
      {"yamagata", moved, false, true, IdCategory::kA, "R-ID-A", "000 (no registry match rule)"},
      {"suzuka", Doc("photo_student_or_employee_id"), false, true, IdCategory::kB, "R-ID-B", "004"},
      {"yamagata", Doc("photo_student_or_employee_id"), false, false, IdCategory::kNotAccepted, "R-ID-X", "000"},
      {"suzuka", Doc("no_such_document"), false, false, IdCategory::kNotAccepted, "R-ID-X", "—"},
  };
  for (const IdCase& c : cases) {
    const IdCheck r = CheckIdentityDocument(Muni(c.municipality), c.doc, today, c.hic_ok);
    SCOPED_TRACE(std::string(c.municipality) + " " + c.doc.kind + " (seed " + c.seed + ")");
    EXPECT_EQ(r.accepted, c.accepted);
    EXPECT_EQ(r.category, c.category);
    EXPECT_EQ(r.reason.rule, c.rule);
    EXPECT_FALSE(r.reason.ja.empty());
  }
}

TEST(CheckAuthorityProof, YamagataWantsThreeMonths) {
  const Date today = D(2026, 7, 7);
  EXPECT_FALSE(CheckAuthorityProof(Muni("yamagata"), D(2026, 4, 7), today).has_value());
  auto old = CheckAuthorityProof(Muni("yamagata"), D(2026, 4, 6), today);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->rule, "R-PROC-2");
  EXPECT_FALSE(CheckAuthorityProof(Muni("kanazawa"), D(2020, 1, 1), today).has_value());
}

TEST(SatisfiesAny, AlternativesAndADocumentStandsInForB) {
  using profiles::IdCombo;
  const std::vector<IdCombo> a2_or_a1b1 = {{2, 0}, {1, 1}};  // Yamagata visit 2, agent
  EXPECT_TRUE(SatisfiesAny(a2_or_a1b1, 2, 0));
  EXPECT_TRUE(SatisfiesAny(a2_or_a1b1, 1, 1));
  EXPECT_FALSE(SatisfiesAny(a2_or_a1b1, 1, 0));
  EXPECT_FALSE(SatisfiesAny(a2_or_a1b1, 0, 3));
  const std::vector<IdCombo> a1_or_b1 = {{1, 0}, {0, 1}};
  EXPECT_TRUE(SatisfiesAny(a1_or_b1, 0, 1));
  EXPECT_TRUE(SatisfiesAny(a1_or_b1, 1, 0));
  EXPECT_FALSE(SatisfiesAny(a1_or_b1, 0, 0));
  EXPECT_EQ(CombosJa(a2_or_a1b1), "A×2 または A×1+B×1");
  EXPECT_EQ(CombosEn(a1_or_b1), "A×1 or B×1");
}

}  // namespace
}  // namespace mynacert::rules
