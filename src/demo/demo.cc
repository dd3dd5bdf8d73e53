#include "demo/demo.h"

#include <algorithm>
#include <filesystem>
#include <span>
#include <utility>

#include "calendar/counter_calendar.h"
#include "counter/card_files.h"
#include "counter/card_renewal.h"
#include "counter/decision.h"
#include "counter/execution.h"
#include "pki/ca_store.h"
#include "reservations/reservations.h"
#include "rules/dates.h"
#include "staff/staff.h"
#include "store/database.h"

namespace mynacert::demo {

namespace {

using nlohmann::json;
using rules::CertStatus;

// ---- the population ----

// One row of a municipality's table. What `age` and `days` mean depends on the situation:
//   adults and minor_under_15: `age` at the card's issue, the auth cert expiring `days` from
//     today (exactly lead days for notice_due_today, ignored there), the card issued `k` days
//     after the birthday five years before that expiry (R-VAL-1: the 5th birthday after it);
//   minor_15_17: `age` today (16), born `days` days before the 16th anniversary, the card
//     issued `k` days after the 15th birthday (so the sign cert was issued, R-CERT-4);
//   foreign_stay: `age` today, the period of stay ending `days` from today, the card issued
//     600 + `k` days ago (R-VAL-4 caps it);
//   leap_day_birth: born on 29 February about `age` years ago, the card issued `k` days after
//     1 March so that the auth cert ends on the first 28/29 February more than 100 days ahead;
//   face_card: as an adult (the auth cert valid, before its window), then switched to a face
//     card 10–20 days ago (R-FACE-3);
//   card_renewal_noticed, pickup_ready: `age` at the card's issue, the CARD expiring `days` from
//     today (at most the profile's notices.card_lead_days), issued `k` days after the birthday
//     ten years before (R-VAL-2); the certificates renewed 30–54 days before their first
//     expiry, five years before the card's, so that they now end with the card (R-VAL-1a capped
//     by R-VAL-5, R-WIN-6).
struct Row {
  Situation situation;
  const char* name;  // 氏 and 名 separated by a full-width space
  const char* kana;
  int sex;  // 1 男 2 女
  const char* address;
  int age;
  int days;
  int k;
  int parent = -1;          // row index: the parent (minors)
  int representative = -1;  // row index: the legal representative
  const char* nationality = "JP";
  const char* moved_to = nullptr;  // revoked_after_move
};

struct City {
  const char* id;
  const char* household_prefix;
  std::vector<Row> rows;
};

using S = Situation;

// Rows 0/1 are in the window; row 0 is the parent of the child in row 4, row 2 of the teenager
// in row 5, row 1 the guardian (成年後見人) of the adult ward in row 6. Rows 14–16: the face
// card and the card's own renewal (notice sent; new card waiting at the counter).
const std::vector<City>& Cities() {
  // One resident per line.
  // clang-format off
  static const std::vector<City> kCities = {
      {"yamagata", "YMG",
       {
           {S::kInWindow, "佐藤　健一", "サトウ　ケンイチ", 1, "山形県山形市香澄町二丁目5番12号", 35, 24, 40},
           {S::kInWindow, "高橋　美香", "タカハシ　ミカ", 2, "山形県山形市七日町三丁目1番8号", 45, 51, 118},
           {S::kBeforeWindow, "伊藤　誠", "イトウ　マコト", 1, "山形県山形市城南町一丁目12番3号", 41, 430, 75},
           {S::kExpired, "渡辺　幸子", "ワタナベ　サチコ", 2, "山形県山形市桜町4番20号", 62, -45, 200},
           {S::kMinorUnder15, "佐藤　陽菜", "サトウ　ヒナ", 2, "山形県山形市香澄町二丁目5番12号", 5, 310, 33, 0, 0},
           {S::kMinor15To17, "伊藤　大翔", "イトウ　ヒロト", 1, "山形県山形市城南町一丁目12番3号", 16, 40, 21, 2, 2},
           {S::kAdultWard, "高橋　正男", "タカハシ　マサオ", 1, "山形県山形市小白川町二丁目3番30号", 72, 33, 61, -1, 1},
           {S::kForeignStay, "NGUYEN　VAN MINH", "グエン　ヴァン　ミン", 1, "山形県山形市飯田西一丁目4番7号", 27, 58, 10, -1, -1, "VN"},
           {S::kAbroad, "斎藤　浩二", "サイトウ　コウジ", 1, "国外転出（アメリカ合衆国）　附票：山形県山形市旅篭町一丁目9番1号", 39, 190, 150},
           {S::kRevokedAfterMove, "山本　直樹", "ヤマモト　ナオキ", 1, "山形県山形市銅町一丁目2番15号", 29, 700, 95, -1, -1, "JP", "山形県山形市東原町三丁目7番22号"},
           {S::kForwarding, "中村　恵子", "ナカムラ　ケイコ", 2, "山形県山形市十日町二丁目6番4号", 53, 40, 12},
           {S::kNoticeDueToday, "小林　隆", "コバヤシ　タカシ", 1, "山形県山形市本町一丁目3番11号", 48, 0, 170},
           {S::kLeapDayBirth, "加藤　由美", "カトウ　ユミ", 2, "山形県山形市北町二丁目8番5号", 38, 0, 9},
           {S::kCardOnHold, "木村　拓也", "キムラ　タクヤ", 1, "山形県山形市緑町一丁目5番10号", 44, 520, 30},
           {S::kFaceCard, "結城　奈々子", "ユウキ　ナナコ", 2, "山形県山形市幸町18番20号", 67, 380, 52},
           {S::kCardRenewalNoticed, "武田　昭彦", "タケダ　アキヒコ", 1, "山形県山形市宮町三丁目10番5号", 41, 62, 17},
           {S::kPickupReady, "大沼　律子", "オオヌマ　リツコ", 2, "山形県山形市鉄砲町二丁目14番3号", 33, 28, 46},
       }},
      {"kanazawa", "KNZ",
       {
           {S::kInWindow, "北村　修", "キタムラ　オサム", 1, "石川県金沢市広坂二丁目1番5号", 37, 28, 57},
           {S::kInWindow, "松本　典子", "マツモト　ノリコ", 2, "石川県金沢市長町一丁目4番18号", 47, 60, 23},
           {S::kBeforeWindow, "林　大輔", "ハヤシ　ダイスケ", 1, "石川県金沢市泉野町三丁目10番2号", 43, 520, 140},
           {S::kExpired, "清水　和子", "シミズ　カズコ", 2, "石川県金沢市寺町五丁目2番33号", 66, -82, 66},
           {S::kMinorUnder15, "北村　蒼", "キタムラ　アオイ", 1, "石川県金沢市広坂二丁目1番5号", 6, 340, 81, 0, 0},
           {S::kMinor15To17, "林　結衣", "ハヤシ　ユイ", 2, "石川県金沢市泉野町三丁目10番2号", 16, 90, 30, 2, 2},
           {S::kAdultWard, "松本　茂", "マツモト　シゲル", 1, "石川県金沢市兼六町3番6号", 75, 39, 110, -1, 1},
           {S::kForeignStay, "王　芳", "ワン　ファン", 2, "石川県金沢市此花町6番14号", 31, 63, 45, -1, -1, "CN"},
           {S::kAbroad, "森　拓也", "モリ　タクヤ", 1, "国外転出（シンガポール）　附票：石川県金沢市本町一丁目5番2号", 34, 210, 14},
           {S::kRevokedAfterMove, "池田　真由美", "イケダ　マユミ", 2, "石川県金沢市片町二丁目8番1号", 31, 760, 52, -1, -1, "JP", "石川県金沢市野町一丁目3番40号"},
           {S::kForwarding, "橋本　勇", "ハシモト　イサム", 1, "石川県金沢市彦三町一丁目5番9号", 58, 44, 175},
           {S::kNoticeDueToday, "石川　明美", "イシカワ　アケミ", 2, "石川県金沢市東山一丁目13番7号", 51, 0, 88},
           {S::kLeapDayBirth, "前田　聡", "マエダ　サトシ", 1, "石川県金沢市本町二丁目15番1号", 42, 0, 20},
           {S::kCardOnHold, "林　美咲", "ハヤシ　ミサキ", 2, "石川県金沢市長町二丁目4番6号", 38, 610, 44},
           {S::kFaceCard, "宮本　千春", "ミヤモト　チハル", 2, "石川県金沢市尾張町二丁目6番11号", 70, 450, 19},
           {S::kCardRenewalNoticed, "吉田　正樹", "ヨシダ　マサキ", 1, "石川県金沢市小立野三丁目21番4号", 36, 71, 58},
           {S::kPickupReady, "中島　由香里", "ナカジマ　ユカリ", 2, "石川県金沢市西念一丁目9番15号", 45, 35, 9},
       }},
      {"setagaya", "STG",
       {
           {S::kInWindow, "鈴木　一郎", "スズキ　イチロウ", 1, "東京都世田谷区三軒茶屋一丁目22番3号", 38, 31, 15},
           {S::kInWindow, "岡田　久美子", "オカダ　クミコ", 2, "東京都世田谷区経堂二丁目14番6号", 49, 66, 99},
           {S::kBeforeWindow, "長谷川　剛", "ハセガワ　ツヨシ", 1, "東京都世田谷区成城六丁目5番21号", 44, 610, 36},
           {S::kExpired, "藤田　洋子", "フジタ　ヨウコ", 2, "東京都世田谷区太子堂四丁目1番1号", 59, -119, 128},
           {S::kMinorUnder15, "鈴木　湊", "スズキ　ミナト", 1, "東京都世田谷区三軒茶屋一丁目22番3号", 4, 370, 47, 0, 0},
           {S::kMinor15To17, "長谷川　さくら", "ハセガワ　サクラ", 2, "東京都世田谷区成城六丁目5番21号", 16, 140, 44, 2, 2},
           {S::kAdultWard, "岡田　武", "オカダ　タケシ", 1, "東京都世田谷区用賀三丁目9番11号", 78, 45, 7, -1, 1},
           {S::kForeignStay, "SANTOS　MARIA CLARA", "サントス　マリア　クララ", 2, "東京都世田谷区北沢二丁目24番10号", 29, 68, 130, -1, -1, "PH"},
           {S::kAbroad, "村上　亮", "ムラカミ　リョウ", 1, "国外転出（ドイツ連邦共和国）　附票：東京都世田谷区代沢五丁目31番8号", 41, 230, 64},
           {S::kRevokedAfterMove, "近藤　美穂", "コンドウ　ミホ", 2, "東京都世田谷区駒沢二丁目3番7号", 33, 820, 160, -1, -1, "JP", "東京都世田谷区奥沢五丁目27番18号"},
           {S::kForwarding, "後藤　浩", "ゴトウ　ヒロシ", 1, "東京都世田谷区桜新町一丁目11番4号", 61, 48, 73},
           {S::kNoticeDueToday, "坂本　真理", "サカモト　マリ", 2, "東京都世田谷区玉川三丁目8番2号", 46, 0, 26},
           {S::kLeapDayBirth, "遠藤　翔太", "エンドウ　ショウタ", 1, "東京都世田谷区若林四丁目20番15号", 26, 0, 31},
           {S::kCardOnHold, "清水　翔", "シミズ　ショウ", 1, "東京都世田谷区三軒茶屋一丁目20番5号", 33, 700, 21},
           {S::kFaceCard, "山口　恵美", "ヤマグチ　エミ", 2, "東京都世田谷区下馬二丁目18番6号", 64, 530, 83},
           {S::kCardRenewalNoticed, "井上　信也", "イノウエ　シンヤ", 1, "東京都世田谷区松原五丁目3番12号", 39, 79, 27},
           {S::kPickupReady, "小川　佳代", "オガワ　カヨ", 2, "東京都世田谷区等々力七丁目12番9号", 52, 42, 70},
       }},
      {"yokohama", "YKH",
       {
           {S::kInWindow, "青木　隆之", "アオキ　タカユキ", 1, "神奈川県横浜市中区山下町25番地3", 36, 35, 84},
           {S::kInWindow, "西村　裕子", "ニシムラ　ユウコ", 2, "神奈川県横浜市西区高島二丁目7番1号", 50, 70, 18},
           {S::kBeforeWindow, "福田　健太", "フクダ　ケンタ", 1, "神奈川県横浜市港北区日吉本町一丁目4番12号", 40, 700, 109},
           {S::kExpired, "太田　節子", "オオタ　セツコ", 2, "神奈川県横浜市南区浦舟町三丁目46番地", 70, -156, 41},
           {S::kMinorUnder15, "青木　陽向", "アオキ　ヒナタ", 1, "神奈川県横浜市中区山下町25番地3", 5, 400, 120, 0, 0},
           {S::kMinor15To17, "福田　美咲", "フクダ　ミサキ", 2, "神奈川県横浜市港北区日吉本町一丁目4番12号", 16, 190, 58, 2, 2},
           {S::kAdultWard, "西村　昭", "ニシムラ　アキラ", 1, "神奈川県横浜市鶴見区鶴見中央三丁目20番1号", 80, 51, 77, -1, 1},
           {S::kForeignStay, "KIM　MINJUN", "キム　ミンジュン", 1, "神奈川県横浜市神奈川区広台太田町3番地8", 35, 73, 72, -1, -1, "KR"},
           {S::kAbroad, "三浦　大樹", "ミウラ　ダイキ", 1, "国外転出（オーストラリア連邦）　附票：神奈川県横浜市港南区港南四丁目2番10号", 37, 250, 190},
           {S::kRevokedAfterMove, "藤井　香織", "フジイ　カオリ", 2, "神奈川県横浜市戸塚区戸塚町16番地1", 27, 880, 27, -1, -1, "JP", "神奈川県横浜市磯子区磯子三丁目5番1号"},
           {S::kForwarding, "岡本　博", "オカモト　ヒロシ", 1, "神奈川県横浜市保土ケ谷区川辺町2番地9", 55, 52, 135},
           {S::kNoticeDueToday, "松田　千尋", "マツダ　チヒロ", 2, "神奈川県横浜市青葉区市ケ尾町31番地4", 44, 0, 60},
           {S::kLeapDayBirth, "中川　悠", "ナカガワ　ユウ", 1, "神奈川県横浜市金沢区泥亀二丁目9番1号", 34, 0, 40},
           {S::kCardOnHold, "森　由紀", "モリ　ユキ", 2, "神奈川県横浜市中区山下町25番地", 51, 450, 63},
           {S::kFaceCard, "石井　和彦", "イシイ　カズヒコ", 1, "神奈川県横浜市港北区大倉山三丁目5番8号", 73, 610, 36},
           {S::kCardRenewalNoticed, "山崎　晴美", "ヤマザキ　ハルミ", 2, "神奈川県横浜市旭区二俣川一丁目40番地2", 47, 54, 101},
           {S::kPickupReady, "酒井　大介", "サカイ　ダイスケ", 1, "神奈川県横浜市都筑区茅ケ崎中央12番地5", 38, 23, 33},
       }},
      {"suzuka", "SZK",
       {
           {S::kInWindow, "杉山　和夫", "スギヤマ　カズオ", 1, "三重県鈴鹿市神戸二丁目15番8号", 34, 20, 101},
           {S::kInWindow, "原田　智子", "ハラダ　トモコ", 2, "三重県鈴鹿市白子一丁目6番30号", 46, 47, 54},
           {S::kBeforeWindow, "小野　哲也", "オノ　テツヤ", 1, "三重県鈴鹿市平田一丁目3番7号", 42, 790, 8},
           {S::kExpired, "竹内　静香", "タケウチ　シズカ", 2, "三重県鈴鹿市算所二丁目5番1号", 64, -193, 155},
           {S::kMinorUnder15, "杉山　芽依", "スギヤマ　メイ", 2, "三重県鈴鹿市神戸二丁目15番8号", 6, 430, 16, 0, 0},
           {S::kMinor15To17, "小野　颯太", "オノ　ソウタ", 1, "三重県鈴鹿市平田一丁目3番7号", 16, 240, 25, 2, 2},
           {S::kAdultWard, "原田　實", "ハラダ　ミノル", 1, "三重県鈴鹿市庄野羽山四丁目1番2号", 77, 57, 93, -1, 1},
           {S::kForeignStay, "SILVA　PEDRO HENRIQUE", "シルバ　ペドロ　エンリケ", 1, "三重県鈴鹿市住吉五丁目12番3号", 38, 78, 240, -1, -1, "BR"},
           {S::kAbroad, "上野　雅人", "ウエノ　マサト", 1, "国外転出（タイ王国）　附票：三重県鈴鹿市江島町1番5号", 45, 270, 37},
           {S::kRevokedAfterMove, "菅原　彩", "スガワラ　アヤ", 2, "三重県鈴鹿市稲生町4321番地", 30, 940, 188, -1, -1, "JP", "三重県鈴鹿市若松東二丁目8番5号"},
           {S::kForwarding, "野口　進", "ノグチ　ススム", 1, "三重県鈴鹿市玉垣町567番地", 57, 56, 49},
           {S::kNoticeDueToday, "今井　奈緒", "イマイ　ナオ", 2, "三重県鈴鹿市加佐登三丁目2番1号", 39, 0, 112},
           {S::kLeapDayBirth, "河野　健", "コウノ　ケン", 1, "三重県鈴鹿市岸岡町2890番地", 46, 0, 5},
           {S::kCardOnHold, "阿部　隆", "アベ　タカシ", 1, "三重県鈴鹿市神戸一丁目18番18号", 47, 560, 15},
           {S::kFaceCard, "服部　直美", "ハットリ　ナオミ", 2, "三重県鈴鹿市白子駅前9番20号", 69, 700, 64},
           {S::kCardRenewalNoticed, "水野　浩之", "ミズノ　ヒロユキ", 1, "三重県鈴鹿市南玉垣町6012番地", 44, 86, 12},
           {S::kPickupReady, "平野　早苗", "ヒラノ　サナエ", 2, "三重県鈴鹿市中旭が丘三丁目4番21号", 31, 49, 88},
       }},
  };
  // clang-format on
  return kCities;
}

// The days before expiry on which the first notice goes out: the city's own (R-NOT-3) where
// the municipality mails one, else J-LIS's (R-NOT-1).
int FirstNoticeLead(const profiles::Municipality& m) {
  return m.notices.city_lead_days > 0 ? m.notices.city_lead_days : m.notices.jlis_lead_days;
}

struct Dates {
  Date birth, applied, issued;
};

// An adult (or a child aged `age_at_issue`) whose card and certificates were issued so that
// the auth cert ends on `expiry`: born on expiry's month and day, the card issued `k` days after
// the birthday five years before (R-VAL-1: the 5th birthday after the issue day).
Dates ForExpiry(Date expiry, int age_at_issue, int k, const profiles::RuleSettings& s) {
  int birth_year = expiry.year() - 5 - age_at_issue;
  const bool feb29 = expiry.month() == 2 && expiry.day() == 29;
  while (feb29 && !IsLeapYear(birth_year)) --birth_year;  // only a 29 Feb birthday ends then
  Dates d;
  d.birth = Date::Ymd(birth_year, expiry.month(), expiry.day());
  d.issued = rules::BirthdayInYear(d.birth, expiry.year() - 5, s.leap_day_birthday).AddDays(k);
  d.applied = d.issued.AddDays(-25);
  return d;
}

// A holder whose CARD ends on `card_expiry` (R-VAL-2: the 10th birthday after the issue day,
// an adult at issue): born on its month and day, the card issued `k` days (1…300) after the
// birthday ten years before. `card_expiry` is never 29 February (AvoidFeb29).
Dates ForCardExpiry(Date card_expiry, int age_at_issue, int k, const profiles::RuleSettings& s) {
  Dates d;
  d.birth =
      Date::Ymd(card_expiry.year() - 10 - age_at_issue, card_expiry.month(), card_expiry.day());
  d.issued =
      rules::BirthdayInYear(d.birth, card_expiry.year() - 10, s.leap_day_birthday).AddDays(k);
  d.applied = d.issued.AddDays(-25);
  return d;
}

// The municipality's first counter that handles `procedure` (profiles/*.toml order).
const profiles::Counter* FirstCounterFor(const profiles::Municipality& m,
                                         profiles::Procedure procedure) {
  for (const profiles::Counter& c : m.counters) {
    if (std::find(c.procedures.begin(), c.procedures.end(), procedure) != c.procedures.end())
      return &c;
  }
  return nullptr;
}

// A date that is not 29 February (a resident who is not the leap-day one is not born on it).
Date AvoidFeb29(Date d) { return d.month() == 2 && d.day() == 29 ? d.AddDays(1) : d; }

rules::Facts FactsOf(const PlannedResident& p) {
  rules::Facts f;
  f.birth = p.record.birth;
  f.card_applied = p.card_applied;
  f.card_issued = p.card_issued;
  f.cert_issued = p.certs_renewed.value_or(p.card_issued);
  f.cert_renewal = p.certs_renewed.has_value();
  f.stay_until = p.record.stay_until;
  f.abroad = p.record.abroad;
  f.adult_ward = p.record.adult_ward;
  f.sign_revoked_on = p.moved_on;
  // A face card's sign cert is revoked at the switch (R-FACE-3, cessationOfOperation): for the
  // rules engine, which knows no card types, a sign cert revoked on that day.
  if (p.face_switched) f.sign_revoked_on = p.face_switched;
  f.certs_held = p.situation == S::kCardOnHold;  // the hotline's call (R-LOST-1)
  return f;
}

Error Internal(std::string message) {
  return Error{ErrorCode::kInternal, "demo", std::move(message), ""};
}

std::string StatusName(CertStatus s) { return std::string(rules::CertStatusName(s)); }

}  // namespace

std::string_view SituationCode(Situation s) {
  switch (s) {
    case S::kInWindow:
      return "in_window";
    case S::kBeforeWindow:
      return "before_window";
    case S::kExpired:
      return "expired";
    case S::kMinorUnder15:
      return "minor_under_15";
    case S::kMinor15To17:
      return "minor_15_17";
    case S::kAdultWard:
      return "adult_ward";
    case S::kForeignStay:
      return "foreign_stay";
    case S::kAbroad:
      return "abroad";
    case S::kRevokedAfterMove:
      return "revoked_after_move";
    case S::kForwarding:
      return "forwarding";
    case S::kNoticeDueToday:
      return "notice_due_today";
    case S::kLeapDayBirth:
      return "leap_day_birth";
    case S::kCardOnHold:
      return "card_on_hold";
    case S::kFaceCard:
      return "face_card";
    case S::kCardRenewalNoticed:
      return "card_renewal_noticed";
    case S::kPickupReady:
      return "pickup_ready";
  }
  return "?";
}

std::string_view SituationJa(Situation s) {
  switch (s) {
    case S::kInWindow:
      return "更新期間内 (無料更新可)";
    case S::kBeforeWindow:
      return "更新期間前";
    case S::kExpired:
      return "電子証明書の有効期限切れ";
    case S::kMinorUnder15:
      return "15歳未満 (法定代理人)";
    case S::kMinor15To17:
      return "15〜17歳";
    case S::kAdultWard:
      return "成年被後見人 (成年後見人)";
    case S::kForeignStay:
      return "在留期間のある外国人住民";
    case S::kAbroad:
      return "国外転出者 (継続利用)";
    case S::kRevokedAfterMove:
      return "転居で署名用電子証明書が失効";
    case S::kForwarding:
      return "転送届あり (通知書は配達されない)";
    case S::kNoticeDueToday:
      return "本日が有効期限通知書の発送日";
    case S::kLeapDayBirth:
      return "2月29日生まれ";
    case S::kCardOnHold:
      return "紛失の電話でカードが一時停止中";
    case S::kFaceCard:
      return "顔認証マイナンバーカード";
    case S::kCardRenewalNoticed:
      return "カードの有効期限が近く交付申請書が届いている";
    case S::kPickupReady:
      return "新しいカードができて交付通知書を送付済み";
  }
  return "?";
}

std::string_view SituationEn(Situation s) {
  switch (s) {
    case S::kInWindow:
      return "inside the free renewal window";
    case S::kBeforeWindow:
      return "renewal window not open yet";
    case S::kExpired:
      return "certificates expired, card valid";
    case S::kMinorUnder15:
      return "under 15: legal representative";
    case S::kMinor15To17:
      return "aged 15-17";
    case S::kAdultWard:
      return "adult ward: guardian";
    case S::kForeignStay:
      return "foreign resident, period of stay caps the card";
    case S::kAbroad:
      return "living abroad, card kept in use";
    case S::kRevokedAfterMove:
      return "sign cert revoked by a move";
    case S::kForwarding:
      return "forwarding request: notice undeliverable";
    case S::kNoticeDueToday:
      return "expiry notice due today";
    case S::kLeapDayBirth:
      return "born on 29 February";
    case S::kCardOnHold:
      return "card suspended after a loss call";
    case S::kFaceCard:
      return "face-authentication card: no PINs, no sign cert";
    case S::kCardRenewalNoticed:
      return "card expiring: application form received";
    case S::kPickupReady:
      return "new card made: pick-up notice sent";
  }
  return "?";
}

Result<Situation> ParseSituation(std::string_view code, std::string_view field) {
  for (Situation s : kAllSituations) {
    if (SituationCode(s) == code) return s;
  }
  return InvalidArgument(
      std::string(field),
      "'" + std::string(code) + "' は状況コードではありません (unknown situation)");
}

std::optional<std::string> CheckSituation(const PlannedResident& p, const rules::Assessment& a,
                                          const profiles::Municipality& m, Date today) {
  const rules::CertAssessment& auth = a.auth;
  const rules::CertAssessment& sign = a.sign;
  const Date expiry = auth.validity.expires;
  std::vector<std::string> problems;
  auto need = [&problems](bool ok, const char* what) {
    if (!ok) problems.emplace_back(what);
  };
  auto is = [](const rules::CertAssessment& c, CertStatus s) { return c.status == s; };
  const int age = rules::AgeOn(p.record.birth, today);
  need(!a.card_expired, "the card is valid (R-VAL-8)");
  switch (p.situation) {
    case S::kInWindow:
      need(is(auth, CertStatus::kRenewable) && !auth.renew_with_card,
           "auth cert renewable at the counter (R-WIN-1)");
      need(is(sign, CertStatus::kRenewable), "sign cert renewable (R-WIN-1)");
      break;
    case S::kBeforeWindow:
      need(is(auth, CertStatus::kValid) && is(sign, CertStatus::kValid),
           "both certs valid, before the window (R-WIN-4)");
      break;
    case S::kExpired:
      need(is(auth, CertStatus::kExpired) && is(sign, CertStatus::kExpired),
           "both certs expired (R-WIN-5)");
      break;
    case S::kMinorUnder15:
      need(age < 15, "under 15 today");
      need(a.card.birthdays == 5, "a 5-birthday card (R-VAL-2)");
      need(is(sign, CertStatus::kNotEligible) && !sign.issued, "no sign cert (R-CERT-4)");
      need(is(auth, CertStatus::kValid), "auth cert valid");
      break;
    case S::kMinor15To17:
      need(age >= 15 && age <= 17, "aged 15-17 today");
      need(a.card.birthdays == 5, "a 5-birthday card (R-VAL-2)");
      need(sign.issued && is(sign, CertStatus::kValid),
           "a valid sign cert (issued at 15 or later)");
      need(expiry == a.card.expires, "card and certs end together (R-VAL-6)");
      break;
    case S::kAdultWard:
      need(p.record.adult_ward, "recorded as an adult ward");
      need(is(auth, CertStatus::kRenewable) && !auth.renew_with_card,
           "auth cert renewable (R-WIN-1)");
      need(m.rules.adult_ward_sign_cert ? is(sign, CertStatus::kRenewable)
                                        : is(sign, CertStatus::kNotEligible),
           "sign cert as the profile says (R-CERT-4 / R-PROC-3)");
      break;
    case S::kForeignStay:
      need(p.record.stay_until && a.card.capped_by_stay,
           "the card capped by the period of stay (R-VAL-4)");
      need(p.record.stay_until && expiry == *p.record.stay_until && expiry == a.card.expires,
           "card and certs end with the stay (R-VAL-6)");
      break;
    case S::kAbroad:
      need(p.record.abroad && is(auth, CertStatus::kRenewable) && !auth.renew_with_card,
           "renewable one year before expiry (R-WIN-3)");
      need(today < rules::RenewalWindowStart(expiry, m.rules.window_months, m.rules.window_reading),
           "not yet renewable for a holder in Japan");
      break;
    case S::kRevokedAfterMove:
      need(is(sign, CertStatus::kRevoked), "sign cert revoked (R-CERT-5)");
      need(is(auth, CertStatus::kValid), "auth cert valid (not revoked by a move)");
      break;
    case S::kForwarding:
      need(p.record.forwarding, "forwarding request on file");
      need(is(auth, CertStatus::kRenewable) && !auth.renew_with_card,
           "auth cert renewable (R-WIN-1)");
      need(expiry.AddDays(-FirstNoticeLead(m)) <= today && today <= expiry,
           "a notice is due (R-NOT-1/3)");
      break;
    case S::kNoticeDueToday:
      need(expiry.AddDays(-FirstNoticeLead(m)) == today,
           "the first notice's send date is today (R-NOT-1/3)");
      need(is(auth, CertStatus::kValid) || is(auth, CertStatus::kRenewable),
           "auth cert not expired");
      break;
    case S::kCardOnHold:
      need(is(auth, CertStatus::kHeld) && is(sign, CertStatus::kHeld),
           "both certificates on hold (R-LOST-1)");
      need(today < rules::RenewalWindowStart(expiry, m.rules.window_months, m.rules.window_reading),
           "outside the renewal window (no notice would be due anyway)");
      break;
    case S::kLeapDayBirth:
      need(p.record.birth.month() == 2 && p.record.birth.day() == 29, "born on 29 February");
      need(expiry.month() == 2 && is(auth, CertStatus::kValid),
           "auth cert valid, ending in February");
      break;
    case S::kFaceCard:
      need(p.face_switched && *p.face_switched < today, "switched at a counter before today");
      need(is(auth, CertStatus::kValid), "auth cert valid: kept on a face card (R-FACE-3)");
      need(is(sign, CertStatus::kRevoked) || !sign.issued,
           "no sign cert in force: revoked at the switch (R-FACE-1/3)");
      break;
    case S::kCardRenewalNoticed:
    case S::kPickupReady: {
      const Date card = a.card.expires;
      need(today < card && card <= today.AddDays(m.notices.card_lead_days),
           "the card expires within notices.card_lead_days (R-CARD-1/3)");
      need(
          p.certs_renewed && auth.validity.birthdays == 6 && expiry == card && auth.renew_with_card,
          "renewed certs end with the card (R-VAL-1a, R-VAL-5, R-WIN-6)");
      need(sign.issued && sign.validity.expires == card &&
               (is(sign, CertStatus::kValid) || is(sign, CertStatus::kRenewable)),
           "the sign cert in force, ending with the card");
      need(p.card_application && p.card_application->noticed <= today &&
               (p.situation == S::kCardRenewalNoticed
                    ? !p.card_application->applied
                    : p.card_application->notified && *p.card_application->notified <= today),
           "the application's steps done by today (R-CARD-1/2)");
      break;
    }
  }
  if (p.situation != S::kForeignStay && p.situation != S::kMinorUnder15 &&
      p.situation != S::kMinor15To17) {
    need(!a.card.capped_by_stay && a.card.birthdays == 10, "an adult's 10-birthday card (R-VAL-2)");
  }
  if (problems.empty()) return std::nullopt;
  std::string out = std::string(SituationCode(p.situation)) + " needs:";
  for (const std::string& s : problems) out += " " + s + ";";
  return out;
}

Result<std::vector<PlannedResident>> OnlyMunicipality(std::vector<PlannedResident> plan, std::string_view municipality,
                                                      std::string_view field) {
  std::vector<int> renumbered(plan.size(), -1);
  std::vector<PlannedResident> out;
  for (size_t i = 0; i < plan.size(); ++i) {
    if (plan[i].record.municipality != municipality) continue;
    renumbered[i] = static_cast<int>(out.size());
    out.push_back(std::move(plan[i]));
  }
  if (out.empty()) {
    return InvalidArgument(std::string(field), "デモのない自治体です (no demo residents for " + std::string(municipality) +
                                                   ": yamagata, kanazawa, setagaya, yokohama or suzuka)");
  }
  for (PlannedResident& p : out) {
    // Parents and representatives live in the same municipality (one household).
    p.parent = p.parent >= 0 ? renumbered[static_cast<size_t>(p.parent)] : -1;
    p.representative = p.representative >= 0 ? renumbered[static_cast<size_t>(p.representative)] : -1;
  }
  return out;
}

Result<std::vector<PlannedResident>> Plan(Date today, const profiles::Registry& profiles) {
  std::vector<PlannedResident> plan;
  for (const City& city : Cities()) {
    MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, profiles.Find(city.id));
    const profiles::RuleSettings& s = m->rules;
    const size_t base = plan.size();
    for (size_t i = 0; i < city.rows.size(); ++i) {
      const Row& row = city.rows[i];
      PlannedResident p;
      p.situation = row.situation;
      counter::Resident& r = p.record;
      r.municipality = city.id;
      r.name = row.name;
      r.name_kana = row.kana;
      r.sex = row.sex;
      r.address = row.address;
      r.nationality = row.nationality;
      r.household =
          std::string(city.household_prefix) + (i + 1 < 10 ? "-0" : "-") + std::to_string(i + 1);
      Dates d;
      switch (row.situation) {
        case S::kNoticeDueToday:
          d = ForExpiry(today.AddDays(FirstNoticeLead(*m)), row.age, row.k, s);
          break;
        case S::kMinor15To17: {
          d.birth = AvoidFeb29(today.AddYearsClamped(-row.age).AddDays(-row.days));
          d.issued = rules::DateOfAge(d.birth, 15).AddDays(row.k);
          d.applied = d.issued.AddDays(-25);
          break;
        }
        case S::kForeignStay:
          d.birth = AvoidFeb29(today.AddYearsClamped(-row.age).AddDays(-100));
          d.issued = today.AddDays(-(600 + row.k));
          d.applied = d.issued.AddDays(-25);
          r.stay_until = today.AddDays(row.days);
          break;
        case S::kLeapDayBirth: {
          int year = today.year() - row.age;
          while (!IsLeapYear(year)) --year;
          d.birth = Date::Ymd(year, 2, 29);
          int expiry_year = today.year();
          while (rules::BirthdayInYear(d.birth, expiry_year, s.leap_day_birthday) <=
                 today.AddDays(100))
            ++expiry_year;
          d.issued = Date::Ymd(expiry_year - 5, 3, 1).AddDays(row.k);
          d.applied = d.issued.AddDays(-25);
          break;
        }
        case S::kCardRenewalNoticed:
        case S::kPickupReady: {
          const int lead = m->notices.card_lead_days;
          if (lead <= 0) {
            return Internal(std::string("demo plan: ") + city.id +
                            ": notices.card_lead_days is 0, no card-expiry notice (R-CARD-1)");
          }
          const Date card_expiry = AvoidFeb29(today.AddDays(std::min(row.days, lead)));
          d = ForCardExpiry(card_expiry, row.age, row.k, s);
          // The certificates' renewal 30–54 days before their first expiry (R-WIN-1), on an
          // open day of the counter.
          const profiles::Counter* c = FirstCounterFor(*m, profiles::Procedure::kRenewal);
          if (!c) return Internal(std::string("demo plan: ") + city.id + ": no renewal counter");
          const Date first_expiry =
              rules::BirthdayInYear(d.birth, card_expiry.year() - 5, s.leap_day_birthday);
          MYNACERT_ASSIGN_OR_RETURN(
              calendar::DayStatus renewal_day,
              calendar::PreviousOpenDay(
                  c->schedule,
                  first_expiry.AddDays(-(30 + (row.k + static_cast<int>(base)) % 25))));
          p.certs_renewed = renewal_day.date;
          p.counter_id = c->id;
          // The card's own renewal: the notice with the 交付申請書 on its send date (the card
          // expiry − lead days, as the notice batch would), then for pickup_ready the
          // application by post, the card produced some three weeks later and the 交付通知書.
          PlannedResident::CardApplicationSteps steps;
          steps.noticed = card_expiry.AddDays(-lead);
          if (row.situation == S::kPickupReady) {
            steps.applied = std::min(steps.noticed.AddDays(4), today);
            steps.produced = std::min(steps.applied->AddDays(21), today);
            steps.notified = std::min(steps.produced->AddDays(1), today);
          }
          p.card_application = steps;
          break;
        }
        case S::kFaceCard: {
          d = ForExpiry(AvoidFeb29(today.AddDays(row.days)), row.age, row.k, s);
          const profiles::Counter* c = FirstCounterFor(*m, profiles::Procedure::kFaceSwitch);
          if (!c) {
            return Internal(std::string("demo plan: ") + city.id +
                            ": no counter handles face_switch (R-FACE-3)");
          }
          MYNACERT_ASSIGN_OR_RETURN(
              calendar::DayStatus switch_day,
              calendar::PreviousOpenDay(c->schedule,
                                        today.AddDays(-(10 + static_cast<int>(base % 11)))));
          p.face_switched = switch_day.date;
          p.counter_id = c->id;
          break;
        }
        default:
          d = ForExpiry(AvoidFeb29(today.AddDays(row.days)), row.age, row.k, s);
          break;
      }
      r.birth = d.birth;
      p.card_applied = d.applied;
      p.card_issued = d.issued;
      r.adult_ward = row.situation == S::kAdultWard;
      r.abroad = row.situation == S::kAbroad;
      r.forwarding = row.situation == S::kForwarding;
      if (row.moved_to) {
        p.moved_to = row.moved_to;
        p.moved_on = today.AddDays(-(14 + static_cast<int>(base % 7)));
      }
      if (row.parent >= 0) {
        p.parent = static_cast<int>(base) + row.parent;
        r.household = plan[p.parent].record.household;  // one household (R-PROC-2)
      }
      if (row.representative >= 0) p.representative = static_cast<int>(base) + row.representative;
      if (p.card_issued > today || p.card_applied < r.birth ||
          (p.certs_renewed && (*p.certs_renewed <= p.card_issued || *p.certs_renewed >= today))) {
        return Internal(std::string("demo plan: ") + row.name + ": card issued " +
                        p.card_issued.ToString() + " outside " + r.birth.ToString() + "…" +
                        today.ToString());
      }
      auto a = rules::Assess(FactsOf(p), today, s);
      if (!a.ok())
        return Internal(std::string("demo plan: ") + row.name + ": " + a.error().ToString());
      p.expected_cert_expiry = a->auth.validity.expires;
      if (auto problem = CheckSituation(p, *a, *m, today)) {
        return Internal(std::string("demo plan for ") + today.ToString() + ": " + row.name + " (" +
                        city.id + ") is not in its situation: " + *problem);
      }
      plan.push_back(std::move(p));
    }
  }
  return plan;
}

Result<int64_t> CountResidents(counter::CounterStore& store) {
  MYNACERT_ASSIGN_OR_RETURN(auto all, store.ListResidents(""));
  return static_cast<int64_t>(all.size());
}

namespace {

// An error part-way: which resident, which step, and what the home now holds.
Error Stopped(Error e, size_t index, size_t total, const PlannedResident& p,
              std::string_view step) {
  e.message = "demo seed が途中で止まりました (stopped) at resident " + std::to_string(index + 1) +
              "/" + std::to_string(total) + " " + p.record.name + " (" + p.record.municipality +
              ", " + std::string(step) + "): " + (e.field.empty() ? "" : e.field + ": ") +
              e.message +
              " — the residents before it are in the home; seed again into a new --home "
              "(or delete this one)";
  e.field = "home";
  return e;
}

// What the store shows beyond the assessment, for the situations made by a case or by the
// card's renewal: the face card and its sign cert revoked cessationOfOperation at the CA
// (R-FACE-3); the card application in its state (R-CARD-1/2) with the produced card's file.
std::optional<std::string> CheckSeeded(counter::Workspace& ws, const PlannedResident& p,
                                       const counter::CardRecord& card,
                                       const std::vector<counter::CertRecord>& certs,
                                       const std::string& application) {
  std::vector<std::string> problems;
  auto need = [&problems](bool ok, const char* what) {
    if (!ok) problems.emplace_back(what);
  };
  need(card.face == (p.situation == S::kFaceCard), "the card's type (face only for face_card)");
  need(application.empty() == !p.card_application, "a card application exactly when planned");
  if (p.situation == S::kFaceCard) {
    const counter::CertRecord* sign = nullptr;
    const counter::CertRecord* auth = nullptr;
    for (const counter::CertRecord& c : certs) {  // newest first
      if (c.card_id != card.id) continue;
      if (c.kind == "sign" && !sign) sign = &c;
      if (c.kind == "auth" && !auth) auth = &c;
    }
    need(auth && auth->state == "active", "the auth cert in force (R-FACE-3)");
    need(sign && sign->state == "revoked" && sign->reason == "cessationOfOperation",
         "the sign cert revoked cessationOfOperation (R-FACE-3)");
    if (sign) {
      auto at_ca = ws.ca_store->Find(pki::CaKind::kSign, sign->serial);
      need(at_ca.ok() && at_ca->has_value() && (*at_ca)->state == pki::CertState::kRevoked &&
               (*at_ca)->reason == pki::RevocationReason::kCessationOfOperation,
           "the CA has the sign cert revoked cessationOfOperation");
    }
  }
  if (p.card_application && !application.empty()) {
    auto app = ws.store->FindCardApplication(application);
    if (!app.ok() || !app->has_value()) {
      problems.emplace_back("the card application is on file");
    } else {
      const counter::CardApplication& a = **app;
      const bool ready = p.situation == S::kPickupReady;
      need(a.resident_id == card.resident_id && a.old_card_id == card.id &&
               a.card_expiry == card.expires,
           "the application is for the card in force");
      need(a.state == (ready ? "notified" : "noticed"),
           ready ? "the application notified (R-CARD-2)" : "the application noticed (R-CARD-1)");
      if (ready) {
        auto path = counter::CardFilePath(ws.env.home, a.location);
        need(path.ok() && std::filesystem::is_regular_file(*path) && a.chip_id != card.chip_id,
             "the produced card's file, a new chip (R-CARD-2)");
      }
    }
  }
  if (problems.empty()) return std::nullopt;
  std::string out = std::string(SituationCode(p.situation)) + " needs:";
  for (const std::string& s : problems) out += " " + s + ";";
  return out;
}

// A case at a counter in the past, as a clerk runs it: opened for the holder (present, with
// the card), decided, executed on that day. Anything but an accepted and completed case is an
// error naming the decision.
Status CounterCase(counter::Counter& counter, counter::ExecutionEnv& env, int64_t resident_id,
                   const std::string& procedure, const counter::CaseFlags& flags, Date on,
                   const std::string& counter_id, int64_t now) {
  counter::OpenRequest req;
  req.resident_id = resident_id;
  req.procedure = procedure;
  req.applicant = "self";
  req.flags = flags;
  req.visit.on = on;
  req.visit.counter_id = counter_id;
  req.visit.clerk = env.clerk;
  req.visit.holder_present = true;
  counter::Document card;
  card.whose = "holder";
  card.item = "holder_card";
  MYNACERT_ASSIGN_OR_RETURN(
      int64_t case_id, counter.OpenCase(req, now, std::span<const counter::Document>(&card, 1)));
  MYNACERT_ASSIGN_OR_RETURN(counter::Decision d, counter.Decide(case_id, env.clerk, now, on));
  if (d.outcome != counter::Outcome::kAccepted) {
    return Internal(procedure + " on " + on.ToString() + " at " + counter_id +
                    " was not accepted: " + counter::DecisionJson(d));
  }
  const Date today = env.today;
  env.today = on;
  auto run = counter.Execute(case_id, env);
  env.today = today;
  if (!run.ok()) return run.error();
  if (!run->completed) return Internal(procedure + " did not complete");
  return {};
}

// The card's own renewal as far as `steps` go: the application the card-expiry notice opens
// (in one transaction, as the notice batch does), then the application by post, the card's
// production and the 交付通知書. The application's ID.
Result<std::string> CardApplicationOf(counter::Workspace& ws, int64_t resident_id,
                                      const PlannedResident::CardApplicationSteps& steps,
                                      int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(auto card, ws.store->ActiveCard(resident_id));
  if (!card) return Internal("no card in force");
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(ws.store->db()));
  MYNACERT_ASSIGN_OR_RETURN(counter::CardApplication app,
                            counter::OpenApplication(*ws.store, resident_id, card->expires,
                                                     steps.noticed, "notices", now));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  if (steps.applied) {
    counter::ApplyRequest post;
    post.channel = "post";  // the form and its photo mailed back; entered by staff
    MYNACERT_ASSIGN_OR_RETURN(
        app, counter::Apply(*ws.store, app.id, post, *steps.applied, "demo-seed", now));
  }
  if (steps.produced) {
    const counter::ProductionEnv production{ws.env.home, ws.env.card_secret, ws.env.issuer_master};
    MYNACERT_ASSIGN_OR_RETURN(app, counter::Produce(*ws.store, *ws.profiles, app.id, production,
                                                    *steps.produced, "factory", now));
  }
  if (steps.notified) {
    MYNACERT_ASSIGN_OR_RETURN(
        app, counter::MarkNotified(*ws.store, app.id, *steps.notified, "notices", now));
  }
  return app.id;
}

}  // namespace

Result<SeedReport> Seed(counter::Workspace& ws, const SeedOptions& o) {
  if (!ws.ca_store || !ws.env.sign_ca || !ws.env.auth_ca) {
    return Error{ErrorCode::kFailedPrecondition, "passphrase",
                 "認証局を開いていません (the workspace was opened without its secrets)", ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(int64_t existing, CountResidents(*ws.store));
  if (existing > 0) {
    return Error{
        ErrorCode::kFailedPrecondition, "home",
        ws.dir.string() + " には既に住民が " + std::to_string(existing) +
            " 人います。デモは住民のいないホームにだけ作ります (already has " +
            std::to_string(existing) +
            " residents; demo seed writes only into a home without residents, nothing was written)",
        ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(std::vector<PlannedResident> plan, Plan(o.today, *ws.profiles));
  if (o.municipality) {
    MYNACERT_ASSIGN_OR_RETURN(plan, OnlyMunicipality(std::move(plan), *o.municipality, "municipality"));
  }

  SeedReport report;
  report.today = o.today;
  if (o.staff_password) {
    MYNACERT_ASSIGN_OR_RETURN(auto staff, staff::StaffStore::Open(ws.CounterDb()));
    for (std::string_view name : kStaffNames) {
      Status added = staff->AddStaff(name, name, *o.staff_password, o.now);
      if (!added.ok()) {
        Error e = added.error();
        if (e.field == "password") e.field = "staff_password";
        return e;
      }
      report.staff.emplace_back(name);
    }
  }

  counter::Counter& counter = *ws.counter;
  counter::ExecutionEnv& env = ws.env;
  env.clerk = "demo-seed";
  env.now = o.now;
  // The holder "chooses" the demo PINs at issuance (create_card asks init:auth, init:sign, …)
  // and enters them for a renewal's PIN check (auth, sign, juki). A face switch asks none.
  env.pin = [](std::string_view which) -> Result<std::string> {
    if (which == "init:auth" || which == "auth") return std::string(kDemoPins.auth);
    if (which == "init:sign" || which == "sign") return std::string(kDemoPins.sign);
    if (which == "init:text") return std::string(kDemoPins.text);
    if (which == "init:juki" || which == "juki") return std::string(kDemoPins.juki);
    return InvalidArgument("PIN", "demo seed has no answer for PIN " + std::string(which));
  };

  std::vector<int64_t> ids;
  std::vector<std::string> applications(plan.size());
  for (size_t i = 0; i < plan.size(); ++i) {
    const PlannedResident& p = plan[i];
    auto id = counter.AddResident(p.record, env.clerk, o.now);
    if (!id.ok()) return Stopped(id.error(), i, plan.size(), p, "resident add");
    ids.push_back(*id);
    if (p.parent >= 0) {
      Status rel = ws.store->AddRelation(ids[p.parent], *id);
      if (!rel.ok()) return Stopped(rel.error(), i, plan.size(), p, "parent relation");
    }
    env.today = p.card_issued;  // backdated issuance: card, keys, certificates (R-WIN-6)
    auto issued = counter.IssueCard(*id, p.card_applied, env);
    if (!issued.ok()) return Stopped(issued.error(), i, plan.size(), p, "card issue");
    if (!issued->completed) {
      return Stopped(Internal("the card issuance did not complete"), i, plan.size(), p,
                     "card issue");
    }
    if (p.moved_to) {  // 転居: the sign cert is revoked, the auth cert is not (R-CERT-5)
      counter::ResidentChange move;
      move.address = *p.moved_to;
      auto changed =
          counter.ChangeResident(*id, move, *p.moved_on, env.clerk, o.now, ws.ca_store.get());
      if (!changed.ok()) return Stopped(changed.error(), i, plan.size(), p, "address change");
      if (changed->revoked_serials.empty()) {
        return Stopped(Internal("the move revoked no sign cert"), i, plan.size(), p,
                       "address change");
      }
    }
    if (p.situation == S::kCardOnHold) {  // the holder called the hotline (R-LOST-1)
      counter::LossReport call;
      call.name = p.record.name;
      call.birth = p.record.birth;
      call.address = p.record.address;
      call.note = "demo seed";
      auto held = counter.ReportLoss(call, "hotline", o.now, o.today, ws.ca_store.get());
      if (!held.ok()) return Stopped(held.error(), i, plan.size(), p, "hotline call");
      if (held->held.size() != 2) {
        return Stopped(Internal("the hotline call held " + std::to_string(held->held.size()) +
                                " certificates"),
                       i, plan.size(), p, "hotline call");
      }
    }
    if (p.face_switched) {  // R-FACE-3: to a face card at the counter, by the holder
      counter::CaseFlags to_face;
      to_face.card_type = "face";
      Status done = CounterCase(counter, env, *id, "face_switch", to_face, *p.face_switched,
                                p.counter_id, o.now);
      if (!done.ok()) return Stopped(done.error(), i, plan.size(), p, "face switch");
    }
    if (p.certs_renewed) {  // R-WIN-1 / R-VAL-1a: the certificates renewed in their window
      Status done =
          CounterCase(counter, env, *id, "renewal", {}, *p.certs_renewed, p.counter_id, o.now);
      if (!done.ok()) return Stopped(done.error(), i, plan.size(), p, "certificate renewal");
    }
    if (p.card_application) {  // R-CARD-1/2: the card's own renewal
      auto app = CardApplicationOf(ws, *id, *p.card_application, o.now);
      if (!app.ok()) return Stopped(app.error(), i, plan.size(), p, "card application");
      applications[i] = *app;
    }
    if (o.progress) {
      SeededResident done;
      done.id = *id;
      done.name = p.record.name;
      done.municipality = p.record.municipality;
      done.situation = p.situation;
      o.progress(i + 1, plan.size(), done);
    }
  }
  env.today = o.today;

  // The report, from the store, and each resident's assessment as the counter sees it today.
  std::unique_ptr<reservations::ReservationStore> reservations;
  for (size_t i = 0; i < plan.size(); ++i) {
    const PlannedResident& p = plan[i];
    MYNACERT_ASSIGN_OR_RETURN(counter::Resident r, ws.store->GetResident(ids[i]));
    MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, ws.profiles->Find(r.municipality));
    MYNACERT_ASSIGN_OR_RETURN(auto card, ws.store->ActiveCard(r.id));
    MYNACERT_ASSIGN_OR_RETURN(auto assessment, counter.AssessResident(r, o.today));
    if (!card || !assessment) return Internal("demo seed: " + r.name + " has no active card");
    MYNACERT_ASSIGN_OR_RETURN(auto certs, ws.store->Certs(r.id));
    if (auto problem = CheckSituation(p, *assessment, *m, o.today)) {
      return Internal("demo seed: " + r.name + " (" + r.municipality +
                      ") is not in its situation as seeded: " + *problem);
    }
    SeededResident s;
    s.id = r.id;
    s.name = r.name;
    s.name_kana = r.name_kana;
    s.municipality = r.municipality;
    s.address = r.address;
    s.situation = p.situation;
    s.birth = r.birth;
    s.card_expiry = card->expires;
    bool have_auth = false, have_sign = false;
    for (const counter::CertRecord& c : certs) {  // newest first
      if (c.card_id != card->id) continue;
      if (c.kind == "auth" && !have_auth) {
        s.cert_expiry = c.last_valid_day;
        have_auth = true;
      }
      if (c.kind == "sign" && !have_sign) {
        s.sign_expiry = c.last_valid_day;
        have_sign = true;
      }
    }
    if (!have_auth) return Internal("demo seed: " + r.name + " has no auth cert");
    if (auto problem = CheckSeeded(ws, p, *card, certs, applications[i])) {
      return Internal("demo seed: " + r.name + " (" + r.municipality +
                      ") is not in its situation as seeded: " + *problem);
    }
    s.card_application = applications[i];
    s.renewal_from = assessment->auth.renewal_from;
    s.auth_status = StatusName(assessment->auth.status);
    s.sign_status = StatusName(assessment->sign.status);
    if (p.representative >= 0) s.representative_id = ids[p.representative];
    // R-NOT-3 / R-OFF-6: where the city mails its own notice with a 予約ID (Yokohama), the
    // holders inside that notice's period or the renewal window get theirs now, as the notice
    // batch would issue it (idempotent per resident and expiry). Not for a card that ends with
    // its certificates: that is a card renewal by application (R-WIN-6), not a counter visit.
    if (m->notices.city_lead_days > 0 && !assessment->auth.renew_with_card &&
        o.today <= s.cert_expiry &&
        (assessment->auth.status == CertStatus::kRenewable ||
         s.cert_expiry.AddDays(-m->notices.city_lead_days) <= o.today)) {
      if (!reservations) {
        MYNACERT_ASSIGN_OR_RETURN(reservations,
                                  reservations::ReservationStore::Open(ws.CounterDb()));
      }
      MYNACERT_ASSIGN_OR_RETURN(
          s.reservation_id,
          reservations->IssueReservationId(r.id, r.municipality, s.cert_expiry, s.renewal_from));
    }
    report.residents.push_back(std::move(s));
  }
  return report;
}

json ReportJson(const SeedReport& report) {
  json j{{"today", report.today.ToString()}, {"residents", json::array()}, {"staff", report.staff}};
  for (const SeededResident& s : report.residents) {
    j["residents"].push_back({
        {"id", s.id},
        {"name", s.name},
        {"name_kana", s.name_kana},
        {"municipality", s.municipality},
        {"address", s.address},
        {"situation", std::string(SituationCode(s.situation))},
        {"situation_ja", std::string(SituationJa(s.situation))},
        {"situation_en", std::string(SituationEn(s.situation))},
        {"birth", s.birth.ToString()},
        {"cert_expiry", s.cert_expiry.ToString()},
        {"sign_expiry", s.sign_expiry ? json(s.sign_expiry->ToString()) : json()},
        {"card_expiry", s.card_expiry.ToString()},
        {"renewal_from", s.renewal_from.ToString()},
        {"auth_status", s.auth_status},
        {"sign_status", s.sign_status},
        {"reservation_id", s.reservation_id.empty() ? json() : json(s.reservation_id)},
        {"representative_id", s.representative_id ? json(s.representative_id) : json()},
        {"card_application", s.card_application.empty() ? json() : json(s.card_application)},
    });
  }
  return j;
}

}  // namespace mynacert::demo
