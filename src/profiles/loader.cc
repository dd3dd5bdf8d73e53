#include "profiles/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "calendar/counter_calendar.h"
#include "core/local_government_code.h"
#include "profiles/builtin.h"

namespace mynacert::profiles {

namespace {

// Thrown inside this file only, caught by ParseProfile: keeps the schema walk readable.
struct SchemaError {
  Error error;
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void Fail(const toml::source_region& where, const std::string& key,
                         const std::string& message) const {
    throw SchemaError{InvalidArgument(
        file_ + ":" + std::to_string(where.begin.line) + (key.empty() ? "" : " " + key), message)};
  }

  // Every key of `t` must be in `allowed`.
  void CheckKeys(const toml::table& t, const std::string& prefix,
                 std::initializer_list<std::string_view> allowed) const {
    for (auto&& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        Fail(k.source(), Join(prefix, std::string(k.str())),
             "不明なキーです (unknown key; allowed: " + list + ")");
      }
    }
  }

  const toml::node* Get(const toml::table& t, const std::string& prefix, std::string_view key,
                        bool required) const {
    const toml::node* n = t.get(key);
    if (!n && required) {
      Fail(t.source(), Join(prefix, std::string(key)), "必須のキーがありません (missing key)");
    }
    return n;
  }

  std::string String(const toml::table& t, const std::string& prefix, std::string_view key,
                     bool required, std::string fallback = {}) const {
    const toml::node* n = Get(t, prefix, key, required);
    if (!n) return fallback;
    if (!n->is_string()) Fail(n->source(), Join(prefix, key), "文字列が必要です (expected a string)");
    return n->as_string()->get();
  }

  bool Bool(const toml::table& t, const std::string& prefix, std::string_view key,
            bool fallback) const {
    const toml::node* n = Get(t, prefix, key, false);
    if (!n) return fallback;
    if (!n->is_boolean()) {
      Fail(n->source(), Join(prefix, key), "true か false が必要です (expected true or false)");
    }
    return n->as_boolean()->get();
  }

  int Int(const toml::table& t, const std::string& prefix, std::string_view key, int fallback,
          int min, int max) const {
    const toml::node* n = Get(t, prefix, key, false);
    if (!n) return fallback;
    if (!n->is_integer()) Fail(n->source(), Join(prefix, key), "整数が必要です (expected an integer)");
    const int64_t v = n->as_integer()->get();
    if (v < min || v > max) {
      Fail(n->source(), Join(prefix, key),
           std::to_string(v) + " は範囲外です (must be " + std::to_string(min) + "–" +
               std::to_string(max) + ")");
    }
    return static_cast<int>(v);
  }

  template <typename E>
  E Enum(const toml::table& t, const std::string& prefix, std::string_view key, bool required,
         E fallback, std::initializer_list<std::pair<std::string_view, E>> values) const {
    const toml::node* n = Get(t, prefix, key, required);
    if (!n) return fallback;
    return EnumValue(*n, Join(prefix, key), values);
  }

  template <typename E>
  E EnumValue(const toml::node& n, const std::string& key,
              std::initializer_list<std::pair<std::string_view, E>> values) const {
    std::string list;
    for (const auto& [name, e] : values) list += (list.empty() ? "" : ", ") + std::string(name);
    if (!n.is_string()) Fail(n.source(), key, "文字列が必要です (expected one of: " + list + ")");
    const std::string& s = n.as_string()->get();
    for (const auto& [name, e] : values) {
      if (name == s) return e;
    }
    Fail(n.source(), key, "'" + s + "' は使えない値です (expected one of: " + list + ")");
  }

  const toml::array* Array(const toml::table& t, const std::string& prefix, std::string_view key,
                           bool required) const {
    const toml::node* n = Get(t, prefix, key, required);
    if (!n) return nullptr;
    if (!n->is_array()) Fail(n->source(), Join(prefix, key), "配列が必要です (expected an array)");
    return n->as_array();
  }

  std::vector<std::string> Strings(const toml::table& t, const std::string& prefix,
                                   std::string_view key) const {
    std::vector<std::string> out;
    const toml::array* a = Array(t, prefix, key, false);
    if (!a) return out;
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::node& n = (*a)[i];
      if (!n.is_string()) Fail(n.source(), Index(Join(prefix, key), i), "文字列が必要です (expected a string)");
      out.push_back(n.as_string()->get());
    }
    return out;
  }

  // "08:45" -> 525.
  int Minute(const toml::node& n, const std::string& key) const {
    const std::string s = n.is_string() ? n.as_string()->get() : "";
    const bool shape = s.size() == 5 && s[2] == ':' && std::isdigit(s[0]) && std::isdigit(s[1]) &&
                       std::isdigit(s[3]) && std::isdigit(s[4]);
    const int h = shape ? (s[0] - '0') * 10 + (s[1] - '0') : 99;
    const int m = shape ? (s[3] - '0') * 10 + (s[4] - '0') : 99;
    if (h > 24 || m > 59 || (h == 24 && m != 0)) {
      Fail(n.source(), key, "'" + s + "' は HH:MM 形式の時刻ではありません (expected a time HH:MM)");
    }
    return h * 60 + m;
  }

  // ["08:45", "17:00"] -> {525, 1020}.
  std::optional<calendar::TimeRange> Hours(const toml::table& t, const std::string& prefix,
                                           std::string_view key, bool required) const {
    const toml::array* a = Array(t, prefix, key, required);
    if (!a) return std::nullopt;
    const std::string k = Join(prefix, key);
    if (a->size() != 2) Fail(a->source(), k, "[開始, 終了] の2つの時刻が必要です (expected [from, to])");
    calendar::TimeRange r{Minute((*a)[0], k), Minute((*a)[1], k)};
    if (r.from_minute >= r.to_minute) {
      Fail(a->source(), k, "終了時刻が開始時刻より前です (closing time before opening time)");
    }
    return r;
  }

  const toml::table* Table(const toml::table& t, const std::string& prefix, std::string_view key,
                           bool required) const {
    const toml::node* n = Get(t, prefix, key, required);
    if (!n) return nullptr;
    if (!n->is_table()) Fail(n->source(), Join(prefix, key), "表が必要です (expected a table)");
    return n->as_table();
  }

  static std::string Join(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }
  static std::string Index(const std::string& key, size_t i) {
    return key + "[" + std::to_string(i) + "]";
  }

 private:
  std::string file_;
};

const std::initializer_list<std::pair<std::string_view, Procedure>> kProcedures = {
    {"renewal", Procedure::kRenewal},
    {"new_issuance", Procedure::kNewIssuance},
    {"pin_reset", Procedure::kPinReset},
    {"found_card", Procedure::kFoundCard},
    {"abolish_card", Procedure::kAbolishCard},
    {"face_switch", Procedure::kFaceSwitch},
    {"card_pickup", Procedure::kCardPickup}};
const std::initializer_list<std::pair<std::string_view, ApplicantClass>> kApplicantClasses = {
    {"self", ApplicantClass::kSelf}, {"legal_rep", ApplicantClass::kLegalRep},
    {"agent", ApplicantClass::kAgent}};
const std::initializer_list<std::pair<std::string_view, Party>> kParties = {
    {"holder", Party::kHolder}, {"representative", Party::kRepresentative},
    {"agent", Party::kAgent}};

// "A1", "A2|A1+B1", "A1|B1" -> alternatives. Returns false on a malformed expression.
bool ParseIdCombos(const std::string& s, std::vector<IdCombo>& out) {
  std::stringstream alts(s);
  std::string alt;
  while (std::getline(alts, alt, '|')) {
    IdCombo c;
    std::stringstream parts(alt);
    std::string part;
    while (std::getline(parts, part, '+')) {
      if (part.size() != 2 || (part[0] != 'A' && part[0] != 'B') || part[1] < '1' ||
          part[1] > '3') {
        return false;
      }
      (part[0] == 'A' ? c.a : c.b) += part[1] - '0';
    }
    if (c.a + c.b == 0) return false;
    out.push_back(c);
  }
  return !out.empty();
}

DocumentSpec ParseDocument(const Reader& r, const toml::node& n, const std::string& key) {
  if (!n.is_table()) r.Fail(n.source(), key, "表が必要です (expected a table: { item = ... })");
  const toml::table& t = *n.as_table();
  r.CheckKeys(t, key, {"item", "whose", "id", "health_insurance_card_accepted", "optional"});
  DocumentSpec d;
  const toml::node* item = r.Get(t, key, "item", true);
  d.item = r.EnumValue<std::string_view>(
      *item, key + ".item",
      {{"holder_card", "holder_card"},
       {"id", "id"},
       {"inquiry_form", "inquiry_form"},
       {"application_form", "application_form"},
       {"expiry_notice", "expiry_notice"}});
  d.whose = r.Enum(t, key, "whose", false, Party::kHolder, kParties);
  if (d.item == "id") {
    const std::string combos = r.String(t, key, "id", true);
    if (!ParseIdCombos(combos, d.alternatives)) {
      r.Fail(t.get("id")->source(), key + ".id",
             "'" + combos + "' は書類の組合せではありません (expected e.g. \"A1\", \"A2|A1+B1\")");
    }
  } else if (t.get("id")) {
    r.Fail(t.get("id")->source(), key + ".id", "id は item = \"id\" のときだけ使えます (only for item = \"id\")");
  }
  d.health_insurance_card_accepted = r.Bool(t, key, "health_insurance_card_accepted", false);
  d.optional = r.Bool(t, key, "optional", false);
  return d;
}

Municipality ParseTable(const Reader& r, const toml::table& root, std::string_view source_name) {
  r.CheckKeys(root, "",
              {"id", "name_ja", "name_en", "prefecture_ja", "prefecture_en", "municipality_en",
               "local_government_code", "seed", "rules", "reservation", "procedures", "document_inquiry", "counters",
               "notices", "contact", "fees"});
  Municipality m;
  m.id = r.String(root, "", "id", true);
  const std::string stem = std::filesystem::path(std::string(source_name)).stem().string();
  if (m.id != stem) {
    r.Fail(root.get("id")->source(), "id",
           "id '" + m.id + "' はファイル名 '" + stem + ".toml' と一致しません (id must equal the file name)");
  }
  m.id_line = static_cast<int>(root.get("id")->source().begin.line);
  m.name_ja = r.String(root, "", "name_ja", true);
  m.name_en = r.String(root, "", "name_en", true);
  m.prefecture_ja = r.String(root, "", "prefecture_ja", true);
  m.prefecture_en = r.String(root, "", "prefecture_en", true);
  m.municipality_en = r.String(root, "", "municipality_en", true);
  m.local_government_code = r.String(root, "", "local_government_code", true);
  if (!ValidLocalGovernmentCode(m.local_government_code)) {
    r.Fail(root.get("local_government_code")->source(), "local_government_code",
           "'" + m.local_government_code +
               "' は全国地方公共団体コード (6桁、検査数字つき) ではありません (not a 6-digit local "
               "government code with its check digit, JIS X 0402)");
  }
  m.seed = r.String(root, "", "seed", false);
  m.source_file = std::string(source_name);

  if (const toml::table* t = r.Table(root, "", "rules", false)) {
    r.CheckKeys(*t, "rules", {"leap_day_birthday", "renewal_window_reading", "adult_ward_sign_cert",
                              "card_application_months"});
    m.rules.card_application_months = r.Int(*t, "rules", "card_application_months", 3, 1, 12);
    m.rules.adult_ward_sign_cert = r.Bool(*t, "rules", "adult_ward_sign_cert", false);
    m.rules.leap_day_birthday = r.Enum(*t, "rules", "leap_day_birthday", false,
                                       LeapDayBirthday::kFeb28,
                                       {{"feb28", LeapDayBirthday::kFeb28}, {"mar1", LeapDayBirthday::kMar1}});
    m.rules.window_reading =
        r.Enum(*t, "rules", "renewal_window_reading", false, WindowReading::kCorrespondingDayPlusOne,
               {{"A", WindowReading::kCorrespondingDayPlusOne}, {"B", WindowReading::kCivilCode}});
  }

  if (const toml::table* t = r.Table(root, "", "reservation", false)) {
    r.CheckKeys(*t, "reservation",
                {"from_window_start", "deadline_day_before", "max_days_ahead",
                 "max_day_closed_falls_back", "min_days_ahead", "requires_reservation_id",
                 "slot_minutes", "slot_capacity"});
    m.reservation.from_window_start = r.Bool(*t, "reservation", "from_window_start", false);
    if (const toml::node* n = t->get("deadline_day_before")) {
      m.reservation.deadline_minute_day_before = r.Minute(*n, "reservation.deadline_day_before");
    }
    m.reservation.max_days_ahead = r.Int(*t, "reservation", "max_days_ahead", 0, 0, 366);
    m.reservation.max_day_closed_falls_back =
        r.Bool(*t, "reservation", "max_day_closed_falls_back", false);
    m.reservation.min_days_ahead = r.Int(*t, "reservation", "min_days_ahead", 0, 0, 366);
    m.reservation.requires_reservation_id =
        r.Bool(*t, "reservation", "requires_reservation_id", false);
    // Slots: positive, and a slot no longer than a day.
    m.reservation.slot_minutes = r.Int(*t, "reservation", "slot_minutes", 30, 1, 24 * 60);
    m.reservation.slot_capacity = r.Int(*t, "reservation", "slot_capacity", 1, 1, 1000);
  }

  ProcedurePolicy& p = m.procedures;
  if (const toml::table* t = r.Table(root, "", "procedures", false)) {
    const std::string k = "procedures";
    r.CheckKeys(*t, k,
                {"check_juki_pin", "legal_rep_age", "legal_rep_may_come_alone",
                 "koseki_waived_same_household", "koseki_waived_honseki_in_city",
                 "authority_proof_max_months", "corporate_guardian_employee_id",
                 "adult_ward_sign_renewal_holder_present", "guardian_without_photo_id",
                 "expired_form_usable_if_unchanged", "staff_copy_documents",
                 "id_must_match_registry", "refused_documents", "extra_b_documents"});
    p.check_juki_pin = r.Bool(*t, k, "check_juki_pin", false);
    p.legal_rep_age = r.Int(*t, k, "legal_rep_age", 15, 15, 20);
    p.legal_rep_may_come_alone = r.Bool(*t, k, "legal_rep_may_come_alone", false);
    p.koseki_waived_same_household = r.Bool(*t, k, "koseki_waived_same_household", true);
    p.koseki_waived_honseki_in_city = r.Bool(*t, k, "koseki_waived_honseki_in_city", false);
    p.authority_proof_max_months = r.Int(*t, k, "authority_proof_max_months", 0, 0, 24);
    p.corporate_guardian_employee_id = r.Bool(*t, k, "corporate_guardian_employee_id", false);
    p.adult_ward_sign_renewal_holder_present =
        r.Bool(*t, k, "adult_ward_sign_renewal_holder_present", false);
    p.guardian_without_photo_id =
        r.Enum(*t, k, "guardian_without_photo_id", false, NoPhotoIdGuardian::kRefuse,
               {{"refuse", NoPhotoIdGuardian::kRefuse},
                {"document_inquiry", NoPhotoIdGuardian::kDocumentInquiry}});
    p.expired_form_usable_if_unchanged = r.Bool(*t, k, "expired_form_usable_if_unchanged", false);
    p.staff_copy_documents = r.Bool(*t, k, "staff_copy_documents", false);
    p.id_must_match_registry = r.Bool(*t, k, "id_must_match_registry", false);
    p.refused_documents = r.Strings(*t, k, "refused_documents");
    p.extra_b_documents = r.Strings(*t, k, "extra_b_documents");
  }

  // Where residents ask and book by phone (the seed's お問い合わせ).
  if (const toml::table* t = r.Table(root, "", "contact", false)) {
    r.CheckKeys(*t, "contact", {"department_ja", "postcode", "address_ja", "phone", "phone_note_ja",
                                "booking_phone", "booking_phone_hours_ja", "booking_url"});
    Contact& c = m.contact;
    c.department_ja = r.String(*t, "contact", "department_ja", false);
    c.postcode = r.String(*t, "contact", "postcode", false);
    c.address_ja = r.String(*t, "contact", "address_ja", false);
    c.booking_phone_hours_ja = r.String(*t, "contact", "booking_phone_hours_ja", false);
    c.phone_note_ja = r.String(*t, "contact", "phone_note_ja", false);
    for (auto [key, dest] : {std::pair<const char*, std::string*>{"phone", &c.phone}, {"booking_phone", &c.booking_phone}}) {
      *dest = r.String(*t, "contact", key, false);
      const bool digits_ok = std::all_of(dest->begin(), dest->end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || ch == '-';
      });
      if (!digits_ok || (!dest->empty() && std::count_if(dest->begin(), dest->end(), [](char ch) {
                                             return ch >= '0' && ch <= '9';
                                           }) < 10)) {
        r.Fail(t->get(key)->source(), std::string("contact.") + key,
               "電話番号は数字とハイフンで10桁以上です (expected digits and hyphens, e.g. 076-220-2241)");
      }
    }
    c.booking_url = r.String(*t, "contact", "booking_url", false);
    if (!c.booking_url.empty() && c.booking_url.rfind("https://", 0) != 0 &&
        c.booking_url.rfind("http://", 0) != 0) {
      r.Fail(t->get("booking_url")->source(), "contact.booking_url",
             "http:// か https:// で始まる URL です (expected an http(s) URL)");
    }
  }

  // R-NOT-1/3: when the expiry notices go out (days before the certificate's expiry).
  if (const toml::table* t = r.Table(root, "", "notices", false)) {
    r.CheckKeys(*t, "notices", {"jlis_lead_days", "city_lead_days", "card_lead_days"});
    m.notices.card_lead_days = r.Int(*t, "notices", "card_lead_days", 90, 0, 366);
    m.notices.jlis_lead_days = r.Int(*t, "notices", "jlis_lead_days", 76, 1, 366);
    m.notices.city_lead_days = r.Int(*t, "notices", "city_lead_days", 0, 0, 366);
    if (m.notices.city_lead_days != 0 && m.notices.city_lead_days <= m.notices.jlis_lead_days) {
      r.Fail(t->get("city_lead_days")->source(), "notices.city_lead_days",
             "市の通知は J-LIS の通知より前に送ります (R-NOT-3: must exceed notices.jlis_lead_days = " +
                 std::to_string(m.notices.jlis_lead_days) + ")");
    }
  }

  // R-LOST-4: the re-issuance fee when the holder is at fault.
  if (const toml::table* t = r.Table(root, "", "fees", false)) {
    r.CheckKeys(*t, "fees", {"reissue_card_yen", "reissue_certificates_yen"});
    m.fees.reissue_card_yen = r.Int(*t, "fees", "reissue_card_yen", 800, 0, 100000);
    m.fees.reissue_certificates_yen = r.Int(*t, "fees", "reissue_certificates_yen", 200, 0, 100000);
  }

  const toml::table* inquiry = r.Table(root, "", "document_inquiry", true);
  r.CheckKeys(*inquiry, "document_inquiry", {"visits"});
  const toml::array* visits = r.Array(*inquiry, "document_inquiry", "visits", true);
  if (visits->size() < 2 || visits->size() > 4) {
    r.Fail(visits->source(), "document_inquiry.visits",
           "文書照会は2〜4回の来庁です (expected 2 to 4 visits, R-PROC-6)");
  }
  for (size_t i = 0; i < visits->size(); ++i) {
    const std::string k = Reader::Index("document_inquiry.visits", i);
    const toml::node& vn = (*visits)[i];
    if (!vn.is_table()) r.Fail(vn.source(), k, "表が必要です (expected a table)");
    const toml::table& vt = *vn.as_table();
    r.CheckKeys(vt, k, {"documents", "actions", "deadline_days_after_previous", "any_counter"});
    InquiryVisit v;
    if (const toml::array* docs = r.Array(vt, k, "documents", true)) {
      for (size_t j = 0; j < docs->size(); ++j) {
        v.documents.push_back(ParseDocument(r, (*docs)[j], Reader::Index(k + ".documents", j)));
      }
    }
    if (const toml::array* acts = r.Array(vt, k, "actions", false)) {
      for (size_t j = 0; j < acts->size(); ++j) {
        v.actions.push_back(std::string(r.EnumValue<std::string_view>(
            (*acts)[j], Reader::Index(k + ".actions", j),
            {{"agent_fills_application_form", "agent_fills_application_form"},
             {"hand_over_application_form", "hand_over_application_form"},
             {"take_copies", "take_copies"},
             {"mail_inquiry_form", "mail_inquiry_form"},
             {"staff_enter_pin", "staff_enter_pin"}})));
      }
    }
    v.deadline_days_after_previous = r.Int(vt, k, "deadline_days_after_previous", 0, 0, 365);
    if (i == 0 && v.deadline_days_after_previous != 0) {
      r.Fail(vt.source(), k + ".deadline_days_after_previous",
             "最初の来庁には期限を付けられません (the first visit has no previous visit)");
    }
    v.any_counter = r.Bool(vt, k, "any_counter", false);
    p.inquiry_visits.push_back(std::move(v));
  }

  const toml::array* counters = r.Array(root, "", "counters", true);
  if (counters->empty()) r.Fail(counters->source(), "counters", "窓口が1つも定義されていません (no counters)");
  std::set<std::string> ids;
  for (size_t i = 0; i < counters->size(); ++i) {
    const std::string k = Reader::Index("counters", i);
    const toml::node& cn = (*counters)[i];
    if (!cn.is_table()) r.Fail(cn.source(), k, "表が必要です (expected a table)");
    const toml::table& ct = *cn.as_table();
    r.CheckKeys(ct, k,
                {"id", "name_ja", "name_en", "weekdays", "saturdays", "saturday_hours",
                 "saturday_open_on_holiday", "closures", "procedures", "applicants", "reservation",
                 "note_ja", "address_ja", "hours_from_seed"});
    Counter c;
    c.id = r.String(ct, k, "id", true);
    c.number = static_cast<int>(i + 1);
    if (c.number > 999) r.Fail(ct.source(), k, "窓口は999までです (at most 999 counters)");
    if (!ids.insert(c.id).second) {
      r.Fail(ct.get("id")->source(), k + ".id", "窓口 id '" + c.id + "' が重複しています (duplicate counter id)");
    }
    c.name_ja = r.String(ct, k, "name_ja", true);
    c.name_en = r.String(ct, k, "name_en", true);
    c.note_ja = r.String(ct, k, "note_ja", false);
    c.address_ja = r.String(ct, k, "address_ja", false);
    c.hours_from_seed = r.Bool(ct, k, "hours_from_seed", true);
    const calendar::TimeRange weekdays = *r.Hours(ct, k, "weekdays", true);
    for (int wd = 1; wd <= 5; ++wd) c.schedule.weekly[wd] = weekdays;  // Mon–Fri (R-OFF-1)
    if (const toml::array* sats = r.Array(ct, k, "saturdays", false)) {
      for (size_t j = 0; j < sats->size(); ++j) {
        const toml::node& n = (*sats)[j];
        if (!n.is_integer() || n.as_integer()->get() < 1 || n.as_integer()->get() > 5) {
          r.Fail(n.source(), Reader::Index(k + ".saturdays", j),
                 "第何土曜日かを1〜5で指定します (expected 1 to 5)");
        }
        c.schedule.ordinal_saturdays |= static_cast<uint8_t>(1u << n.as_integer()->get());
      }
      c.schedule.saturday_hours = *r.Hours(ct, k, "saturday_hours", !sats->empty());
    } else if (ct.get("saturday_hours")) {
      r.Fail(ct.get("saturday_hours")->source(), k + ".saturday_hours",
             "saturdays がないと使えません (needs saturdays)");
    }
    c.schedule.ordinal_saturday_open_on_holiday = r.Bool(ct, k, "saturday_open_on_holiday", false);
    if (const toml::array* cl = r.Array(ct, k, "closures", false)) {
      c.schedule.closures.clear();
      for (size_t j = 0; j < cl->size(); ++j) {
        const std::string ck = Reader::Index(k + ".closures", j);
        const toml::node& n = (*cl)[j];
        const toml::array* pair = n.as_array();
        auto md = [&](const toml::node& x, unsigned& mo, unsigned& d) {
          const std::string s = x.is_string() ? x.as_string()->get() : "";
          auto date = s.size() == 5 && s[2] == '-' ? Date::Parse("2000-" + s) : Result<Date>(Error{});
          if (!date.ok()) r.Fail(x.source(), ck, "'" + s + "' は MM-DD ではありません (expected MM-DD)");
          mo = date->month();
          d = date->day();
        };
        if (!pair || pair->size() != 2) r.Fail(n.source(), ck, "[\"MM-DD\", \"MM-DD\"] が必要です (expected a pair)");
        calendar::AnnualClosure a;
        md((*pair)[0], a.from_month, a.from_day);
        md((*pair)[1], a.to_month, a.to_day);
        c.schedule.closures.push_back(a);
      }
    }
    if (const toml::array* ps = r.Array(ct, k, "procedures", true)) {
      for (size_t j = 0; j < ps->size(); ++j) {
        c.procedures.push_back(r.EnumValue((*ps)[j], Reader::Index(k + ".procedures", j), kProcedures));
      }
    }
    if (const toml::array* as = r.Array(ct, k, "applicants", true)) {
      for (size_t j = 0; j < as->size(); ++j) {
        c.applicants.push_back(
            r.EnumValue((*as)[j], Reader::Index(k + ".applicants", j), kApplicantClasses));
      }
    }
    c.reservation = r.Enum(ct, k, "reservation", false, ReservationMode::kWalkIn,
                           {{"walk_in", ReservationMode::kWalkIn},
                            {"optional", ReservationMode::kOptional},
                            {"required", ReservationMode::kRequired}});
    if (Status st = calendar::ValidateSchedule(c.schedule); !st.ok()) {
      r.Fail(ct.source(), k, st.error().message);
    }
    m.counters.push_back(std::move(c));
  }
  return m;
}

}  // namespace

Result<Municipality> ParseProfile(std::string_view toml_text, std::string_view source_name) {
  const std::string file(source_name);
  Reader reader(file);
  try {
    toml::table root = toml::parse(toml_text, source_name);
    return ParseTable(reader, root, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(file + ":" + std::to_string(e.source().begin.line),
                           "TOML の構文エラー (syntax error): " + std::string(e.description()));
  } catch (const SchemaError& e) {
    return e.error;
  }
}

Result<Municipality> LoadProfileFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound(path, "プロファイルを開けません (cannot open the profile)");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseProfile(ss.str(), path);
}

Result<Registry> Registry::Load(const std::string& extra_dir) {
  Registry reg;
  std::set<std::string> ids;
  auto add = [&](Result<Municipality> m) -> Status {
    if (!m.ok()) return m.error();
    if (!ids.insert(m->id).second) {
      return InvalidArgument(m->source_file + ":" + std::to_string(m->id_line) + " id",
                             "自治体 id '" + m->id + "' は既にあります (duplicate municipality id)");
    }
    reg.all_.push_back(std::move(m).value());
    return {};
  };
  for (const BuiltinProfile& b : BuiltinProfiles()) {
    MYNACERT_RETURN_IF_ERROR(add(ParseProfile(b.text, b.source_name)));
  }
  if (!extra_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(extra_dir, ec)) {
      return NotFound("profiles_dir", "'" + extra_dir + "' はフォルダではありません (not a directory)");
    }
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(extra_dir, ec)) {
      if (entry.path().extension() == ".toml") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) MYNACERT_RETURN_IF_ERROR(add(LoadProfileFile(f)));
  }
  return reg;
}

Result<const Municipality*> Registry::Find(std::string_view id) const {
  std::string known;
  for (const Municipality& m : all_) {
    if (m.id == id) return &m;
    known += (known.empty() ? "" : ", ") + m.id;
  }
  return NotFound("", "自治体 '" + std::string(id) + "' のプロファイルはありません (unknown municipality; known: " + known + ")");
}

}  // namespace mynacert::profiles
