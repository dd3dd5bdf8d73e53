// Identity documents (本人確認書類, rules.md R-ID): the catalog of A (with photo) and B (without
// photo) documents and those not accepted, the checks a presented document must pass (R-PROC-9,
// R-ID-A), the authority proofs of a legal representative (R-PROC-2), and matching presented
// documents against a requirement such as "A×2 または A×1+B×1".
//
// Thread-safety: pure functions over immutable tables.
#ifndef MYNACERT_RULES_ID_DOCUMENTS_H_
#define MYNACERT_RULES_ID_DOCUMENTS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "profiles/model.h"
#include "rules/reasons.h"

namespace mynacert::rules {

enum class IdCategory { kA, kB, kNotAccepted };

struct IdDocumentKind {
  std::string_view id;       // "drivers_license"
  std::string_view name_ja;  // "運転免許証"
  std::string_view name_en;
  IdCategory category;       // nationwide (R-ID-A, R-ID-B); a profile may add B or refuse
};

// Every kind of R-ID-A, R-ID-B and R-ID-X, plus Suzuka's additions (used when a profile lists
// them in extra_b_documents).
std::span<const IdDocumentKind> IdDocumentCatalog();
const IdDocumentKind* FindIdDocument(std::string_view id);

struct PresentedDocument {
  std::string kind;                // a catalog id
  bool original = true;            // R-PROC-9: copies are refused
  bool legible = true;             // R-PROC-9
  std::optional<Date> expires;     // R-PROC-9: expired documents are refused
  std::optional<Date> issued;      // 運転経歴証明書: on or after 2012-04-01 (R-ID-A)
  bool has_photo = true;           // 住民基本台帳カード: with photo only (R-ID-A)
  bool matches_registry = true;    // name and address as in the residence record (R-PROC-9)
};

struct IdCheck {
  bool accepted = false;
  IdCategory category = IdCategory::kNotAccepted;
  Reason reason;  // why accepted as A/B, or why refused
};

// Checks one document in `m` on `today`. `health_insurance_card_accepted`: the requirement
// allows the health insurance card (Yokohama, agent, 文書照会 visit 1: R-ID-X); it then counts
// as B.
IdCheck CheckIdentityDocument(const profiles::Municipality& m, const PresentedDocument& doc,
                              Date today, bool health_insurance_card_accepted = false);

// R-PROC-2: 戸籍謄本 / 登記事項証明書 issued `issued`: refused when older than the profile's
// authority_proof_max_months (Yamagata: 3). nullopt when acceptable.
std::optional<Reason> CheckAuthorityProof(const profiles::Municipality& m, Date issued,
                                          Date today);

// True when `a` A-documents and `b` B-documents satisfy one of the alternatives (an A document
// may stand in for a B).
bool SatisfiesAny(const std::vector<profiles::IdCombo>& alternatives, int a, int b);
// "A×1 または B×1" / "A×1 or B×1".
std::string CombosJa(const std::vector<profiles::IdCombo>& alternatives);
std::string CombosEn(const std::vector<profiles::IdCombo>& alternatives);

}  // namespace mynacert::rules

#endif  // MYNACERT_RULES_ID_DOCUMENTS_H_
