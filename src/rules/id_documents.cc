#include "rules/id_documents.h"

#include <algorithm>
#include <array>

namespace mynacert::rules {

namespace {

using enum IdCategory;

// R-ID-A, R-ID-B (seeds 000, 004), R-ID-X (seeds 000, 003).
constexpr std::array<IdDocumentKind, 28> kCatalog = {{
    {"my_number_card", "マイナンバーカード", "My Number Card", kA},
    {"juki_card", "住民基本台帳カード (顔写真付き)", "Basic Resident Register card (with photo)", kA},
    {"drivers_license", "運転免許証", "driver's licence", kA},
    {"driving_history_cert", "運転経歴証明書 (2012-04-01以降交付)", "driving history certificate (issued from 2012-04-01)", kA},
    {"passport", "パスポート", "passport", kA},
    {"physical_disability_cert", "身体障害者手帳", "physical disability certificate", kA},
    {"mental_disability_cert", "精神障害者保健福祉手帳", "mental disability certificate", kA},
    {"ryoiku_techo", "療育手帳", "rehabilitation certificate (療育手帳)", kA},
    {"residence_card", "在留カード", "residence card", kA},
    {"special_permanent_resident_cert", "特別永住者証明書", "special permanent resident certificate", kA},
    {"temporary_refuge_permit", "一時庇護許可書", "temporary refuge permit", kA},
    {"provisional_stay_permit", "仮滞在許可書", "provisional stay permit", kA},
    {"shikaku_kakunin_sho", "資格確認書", "health insurance eligibility certificate", kB},
    {"kaigo_hoken", "介護保険被保険者証", "long-term care insurance card", kB},
    {"pension_cert", "各種年金証書", "pension certificate", kB},
    {"nenkin_techo", "国民年金手帳 / 基礎年金番号通知書", "pension handbook / basic pension number notice", kB},
    {"kodomo_iryo", "こども医療証", "child medical care certificate", kB},
    {"jido_fuyo_teate", "児童扶養手当証書", "child-rearing allowance certificate", kB},
    {"shogai_fukushi", "障害福祉サービス受給者証", "disability welfare service certificate", kB},
    {"jiritsu_shien", "自立支援医療受給者証", "independence support medical certificate", kB},
    {"residence_card_no_photo", "在留カード (顔写真なし)", "residence card without photo", kB},
    {"seikatsu_hogo", "生活保護受給者証明書", "public assistance certificate", kB},
    {"student_id", "学生証", "student ID", kB},
    // Suzuka (seed 004) adds these to B; they count only where a profile lists them.
    {"official_license", "官公署が発行した各種免許状", "licence issued by a public office", kNotAccepted},
    {"photo_student_or_employee_id", "顔写真付の学生証または社員証", "student or employee ID with photo", kNotAccepted},
    // R-ID-X.
    {"health_insurance_card", "健康保険証", "health insurance card", kNotAccepted},
    {"shikaku_joho_oshirase", "資格情報のお知らせ", "eligibility information notice", kNotAccepted},
    {"juki_card_no_photo", "住民基本台帳カード (顔写真なし)", "Basic Resident Register card without photo", kNotAccepted},
}};

constexpr Date kDrivingHistoryFrom = Date::Ymd(2012, 4, 1);

bool Listed(const std::vector<std::string>& list, std::string_view id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

IdCheck Refuse(std::string rule, std::string ja, std::string en) {
  return {false, kNotAccepted, Reason{std::move(rule), std::move(ja), std::move(en)}};
}

}  // namespace

std::span<const IdDocumentKind> IdDocumentCatalog() { return kCatalog; }

const IdDocumentKind* FindIdDocument(std::string_view id) {
  for (const IdDocumentKind& k : kCatalog)
    if (k.id == id) return &k;
  return nullptr;
}

IdCheck CheckIdentityDocument(const profiles::Municipality& m, const PresentedDocument& doc,
                              Date today, bool health_insurance_card_accepted) {
  const IdDocumentKind* kind = FindIdDocument(doc.kind);
  if (!kind) {
    return Refuse("R-ID-X", "'" + doc.kind + "' は本人確認書類として登録されていません",
                  "'" + doc.kind + "' is not a known identity document");
  }
  const std::string ja(kind->name_ja);
  const std::string en(kind->name_en);
  if (!doc.original) {
    return Refuse("R-PROC-9", ja + "はコピーでは受け付けできません。原本をお持ちください。",
                  "A copy of the " + en + " is refused: bring the original.");
  }
  if (!doc.legible) {
    return Refuse("R-PROC-9", ja + "の文字や写真が確認できません。発行元で再交付を受けてください。",
                  "The " + en + " is not legible: have it re-issued first.");
  }
  if (doc.expires && *doc.expires < today) {
    return Refuse("R-PROC-9", ja + "は有効期限 (" + doc.expires->ToString() + ") が切れています。",
                  "The " + en + " expired on " + doc.expires->ToString() + ".");
  }
  if (m.procedures.id_must_match_registry && !doc.matches_registry) {
    return Refuse("R-PROC-9", ja + "の氏名・住所が住民票と一致しません。最新のものをお持ちください。",
                  "Name or address on the " + en + " differs from the residence record.");
  }
  IdCategory category = kind->category;
  if (doc.kind == "juki_card" && !doc.has_photo) category = kNotAccepted;
  if (doc.kind == "driving_history_cert" && (!doc.issued || *doc.issued < kDrivingHistoryFrom)) {
    return Refuse("R-ID-A", "運転経歴証明書は2012-04-01以降に交付されたものに限ります。",
                  "A driving history certificate counts only if issued on or after 2012-04-01.");
  }
  if (Listed(m.procedures.extra_b_documents, doc.kind)) category = kB;  // R-ID-B (Suzuka)
  if (doc.kind == "health_insurance_card" && health_insurance_card_accepted) {
    return {true, kB,
            Reason{"R-ID-X", "健康保険証はこの来庁に限り代理人の本人確認書類として使えます (" + m.name_ja + ")。",
                   "The health insurance card is accepted as the agent's ID on this visit only (" +
                       m.name_en + ")."}};
  }
  if (category == kNotAccepted || Listed(m.procedures.refused_documents, doc.kind)) {
    return Refuse("R-ID-X", ja + "は本人確認書類として使えません (" + m.name_ja + ")。",
                  "The " + en + " is not accepted as an identity document (" + m.name_en + ").");
  }
  const bool a = category == kA;
  return {true, category,
          Reason{a ? "R-ID-A" : "R-ID-B", ja + (a ? " は A 書類 (顔写真付き) です。" : " は B 書類 (顔写真なし) です。"),
                 "The " + en + (a ? " is an A document (with photo)." : " is a B document (no photo).")}};
}

std::optional<Reason> CheckAuthorityProof(const profiles::Municipality& m, Date issued,
                                          Date today) {
  const int months = m.procedures.authority_proof_max_months;
  if (months == 0 || issued >= today.AddMonthsClamped(-months)) return std::nullopt;
  return Reason{"R-PROC-2",
                "代理権を証明する書類 (" + issued.ToString() + " 発行) は発行から" +
                    std::to_string(months) + "か月以内のものに限ります (" + m.name_ja + ")。",
                "The proof of authority issued on " + issued.ToString() + " must be at most " +
                    std::to_string(months) + " months old (" + m.name_en + ")."};
}

bool SatisfiesAny(const std::vector<profiles::IdCombo>& alternatives, int a, int b) {
  for (const profiles::IdCombo& c : alternatives) {
    if (a >= c.a && (a - c.a) + b >= c.b) return true;
  }
  return false;
}

namespace {
std::string Combos(const std::vector<profiles::IdCombo>& alternatives, const char* sep) {
  std::string out;
  for (const profiles::IdCombo& c : alternatives) {
    if (!out.empty()) out += sep;
    std::string one;
    if (c.a) one += "A×" + std::to_string(c.a);
    if (c.b) one += (one.empty() ? "" : "+") + std::string("B×") + std::to_string(c.b);
    out += one;
  }
  return out;
}
}  // namespace

std::string CombosJa(const std::vector<profiles::IdCombo>& alternatives) {
  return Combos(alternatives, " または ");
}
std::string CombosEn(const std::vector<profiles::IdCombo>& alternatives) {
  return Combos(alternatives, " or ");
}

}  // namespace mynacert::rules
