#include "counter/store.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "counter/schema.h"

namespace mynacert::counter {

namespace {

std::string FlagsJson(const CaseFlags& f) {
  nlohmann::json j{{"certs", f.certs},
                        {"pin_forgotten", f.pin_forgotten},
                        {"pin", f.pin},
                        {"honseki_in_city", f.honseki_in_city},
                        {"corporate_guardian", f.corporate_guardian},
                        {"representative_has_photo_id", f.representative_has_photo_id},
                        {"pin_mismatch", f.pin_mismatch},
                        {"switched_from", f.switched_from}};
  if (!f.card_event.empty()) j["card_event"] = f.card_event;
  if (f.holder_at_fault) j["holder_at_fault"] = *f.holder_at_fault;
  if (!f.card_type.empty()) j["card_type"] = f.card_type;
  if (!f.application.empty()) j["application"] = f.application;
  return j.dump();
}

CaseFlags ParseFlags(std::string_view text) {
  CaseFlags f;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return f;
  f.certs = j.value("certs", f.certs);
  f.pin_forgotten = j.value("pin_forgotten", false);
  f.pin = j.value("pin", f.pin);
  f.honseki_in_city = j.value("honseki_in_city", false);
  f.corporate_guardian = j.value("corporate_guardian", false);
  f.representative_has_photo_id = j.value("representative_has_photo_id", true);
  f.pin_mismatch = j.value("pin_mismatch", false);
  f.switched_from = j.value("switched_from", "");
  f.card_event = j.value("card_event", "");
  f.card_type = j.value("card_type", "");
  f.application = j.value("application", "");
  if (j.contains("holder_at_fault") && j["holder_at_fault"].is_boolean()) {
    f.holder_at_fault = j["holder_at_fault"].get<bool>();
  }
  return f;
}

constexpr std::string_view kResidentColumns =
    "id, municipality, name, name_kana, tsusho, kyuuji, address, birth, sex, household, "
    "nationality, stay_until, adult_ward, abroad, forwarding, my_number";

Resident ReadResident(store::Statement& s) {
  Resident r;
  r.id = s.ColumnInt(0);
  r.municipality = ColumnString(s, 1);
  r.name = ColumnString(s, 2);
  r.name_kana = ColumnString(s, 3);
  r.tsusho = ColumnString(s, 4);
  r.kyuuji = ColumnString(s, 5);
  r.address = ColumnString(s, 6);
  r.birth = ColumnDate(s, 7).value_or(Date());
  r.sex = static_cast<int>(s.ColumnInt(8));
  r.household = ColumnString(s, 9);
  r.nationality = ColumnString(s, 10);
  r.stay_until = ColumnDate(s, 11);
  r.adult_ward = s.ColumnInt(12) != 0;
  r.abroad = s.ColumnInt(13) != 0;
  r.forwarding = s.ColumnInt(14) != 0;
  r.my_number = ColumnString(s, 15);
  return r;
}

constexpr std::string_view kCardColumns =
    "id, resident_id, location, chip_id, applied, issued, expires, state, face";
CardRecord ReadCard(store::Statement& s) {
  CardRecord c;
  c.id = s.ColumnInt(0);
  c.resident_id = s.ColumnInt(1);
  c.location = ColumnString(s, 2);
  c.chip_id = ColumnString(s, 3);
  c.applied = ColumnDate(s, 4).value_or(Date());
  c.issued = ColumnDate(s, 5).value_or(Date());
  c.expires = ColumnDate(s, 6).value_or(Date());
  c.state = ColumnString(s, 7);
  c.face = s.ColumnInt(8) != 0;
  return c;
}

constexpr std::string_view kCertColumns =
    "id, resident_id, card_id, kind, serial, issued, last_valid_day, renewal, state, reason, "
    "ended_on, case_id";
CertRecord ReadCert(store::Statement& s) {
  CertRecord c;
  c.id = s.ColumnInt(0);
  c.resident_id = s.ColumnInt(1);
  c.card_id = s.ColumnInt(2);
  c.kind = ColumnString(s, 3);
  c.serial = ColumnString(s, 4);
  c.issued = ColumnDate(s, 5).value_or(Date());
  c.last_valid_day = ColumnDate(s, 6).value_or(Date());
  c.renewal = s.ColumnInt(7) != 0;
  c.state = ColumnString(s, 8);
  c.reason = ColumnString(s, 9);
  c.ended_on = ColumnDate(s, 10);
  c.case_id = s.ColumnIsNull(11) ? 0 : s.ColumnInt(11);
  return c;
}

template <typename T, typename F>
Result<std::vector<T>> Collect(store::Statement& s, F read) {
  std::vector<T> out;
  for (;;) {
    MYNACERT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(read(s));
  }
  return out;
}

std::string RandomDigits(int n) {
  std::string out;
  while (static_cast<int>(out.size()) < n) {
    unsigned char b[16];
    RAND_bytes(b, sizeof b);
    for (unsigned char c : b) {
      if (c < 250 && static_cast<int>(out.size()) < n) out.push_back(static_cast<char>('0' + c % 10));
    }
  }
  return out;
}

}  // namespace

bool RevokesSignCert(std::string_view field) {
  return field == "name" || field == "tsusho" || field == "kyuuji" || field == "address" ||
         field == "birth" || field == "sex";
}

std::string MyNumberWithCheckDigit(std::string_view eleven) {
  // P_n is the n-th digit from the right of the eleven; Q_n = n+1 (n ≤ 6), n−5 (n ≥ 7).
  int sum = 0;
  for (int n = 1; n <= 11; ++n) {
    const int p = eleven[11 - n] - '0';
    const int q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const int r = sum % 11;
  const int check = r <= 1 ? 0 : 11 - r;
  return std::string(eleven) + static_cast<char>('0' + check);
}

bool ValidMyNumber(std::string_view twelve) {
  if (twelve.size() != 12 ||
      !std::all_of(twelve.begin(), twelve.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return MyNumberWithCheckDigit(twelve.substr(0, 11)) == twelve;
}

Result<std::unique_ptr<CounterStore>> CounterStore::Open(std::unique_ptr<store::Database> db) {
  MYNACERT_RETURN_IF_ERROR(MigrateCounter(*db));
  return std::unique_ptr<CounterStore>(new CounterStore(std::move(db)));
}

Result<std::unique_ptr<CounterStore>> CounterStore::Open(const std::string& locator) {
  MYNACERT_ASSIGN_OR_RETURN(auto db, store::Open(locator));
  return Open(std::move(db));
}

// ---- registry ----

Result<int64_t> CounterStore::AddResident(Resident r, int64_t at) {
  if (r.my_number.empty()) r.my_number = MyNumberWithCheckDigit(RandomDigits(11));
  if (!ValidMyNumber(r.my_number)) {
    return InvalidArgument("my_number", "個人番号は12桁で、検査用数字が正しいものです (12 digits with a valid check digit)");
  }
  MYNACERT_ASSIGN_OR_RETURN(r.id, NextId(*db_, "resident"));
  std::string birth = r.birth.ToString(), stay;
  MYNACERT_RETURN_IF_ERROR(Run(
      *db_,
      "INSERT INTO residents (" + std::string(kResidentColumns) +
          ", created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
          "$13, $14, $15, $16, $17, $17)",
      {r.id, Text(r.municipality), Text(r.name), Text(r.name_kana), Text(r.tsusho),
       Text(r.kyuuji), Text(r.address), Text(birth), int64_t{r.sex}, Text(r.household),
       Text(r.nationality), OptDate(r.stay_until, stay), int64_t{r.adult_ward},
       int64_t{r.abroad}, int64_t{r.forwarding}, Text(r.my_number), at}));
  return r.id;
}

Result<Resident> CounterStore::GetResident(int64_t id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s,
      Query(*db_, "SELECT " + std::string(kResidentColumns) + " FROM residents WHERE id = $1", {id}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) {
    return NotFound("resident", "住民 " + std::to_string(id) + " は登録されていません (unknown resident)");
  }
  return ReadResident(*s);
}

Result<std::vector<Resident>> CounterStore::ListResidents(const std::string& municipality) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kResidentColumns) +
                        " FROM residents WHERE municipality = $1 OR $1 = '' ORDER BY id",
                    {Text(municipality)}));
  return Collect<Resident>(*s, ReadResident);
}

Result<std::vector<Resident>> CounterStore::ResidentsBornOn(Date birth) {
  const std::string day = birth.ToString();
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kResidentColumns) +
                        " FROM residents WHERE birth = $1 ORDER BY id",
                    {Text(day)}));
  return Collect<Resident>(*s, ReadResident);
}

Result<std::vector<std::string>> CounterStore::ChangeResident(int64_t id,
                                                              const ResidentChange& change,
                                                              Date on, std::string_view clerk,
                                                              int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(Resident r, GetResident(id));
  struct Field {
    const char* name;
    std::string old_value, new_value;
  };
  std::vector<Field> fields;
  auto text = [&](const char* name, std::string& current, const std::optional<std::string>& v) {
    if (v && *v != current) {
      fields.push_back({name, current, *v});
      current = *v;
    }
  };
  auto flag = [&](const char* name, bool& current, const std::optional<bool>& v) {
    if (v && *v != current) {
      fields.push_back({name, current ? "1" : "0", *v ? "1" : "0"});
      current = *v;
    }
  };
  text("name", r.name, change.name);
  text("tsusho", r.tsusho, change.tsusho);
  text("kyuuji", r.kyuuji, change.kyuuji);
  text("address", r.address, change.address);
  text("household", r.household, change.household);
  text("nationality", r.nationality, change.nationality);
  if (change.birth && *change.birth != r.birth) {
    fields.push_back({"birth", r.birth.ToString(), change.birth->ToString()});
    r.birth = *change.birth;
  }
  if (change.sex && *change.sex != r.sex) {
    fields.push_back({"sex", std::to_string(r.sex), std::to_string(*change.sex)});
    r.sex = *change.sex;
  }
  if (change.stay_until && change.stay_until != r.stay_until) {
    fields.push_back({"stay_until", r.stay_until ? r.stay_until->ToString() : "",
                      change.stay_until->ToString()});
    r.stay_until = change.stay_until;
  }
  flag("adult_ward", r.adult_ward, change.adult_ward);
  flag("abroad", r.abroad, change.abroad);
  flag("forwarding", r.forwarding, change.forwarding);

  std::vector<std::string> changed;
  const std::string on_text = on.ToString();
  for (const Field& f : fields) {
    MYNACERT_ASSIGN_OR_RETURN(int64_t event_id, NextId(*db_, "resident_event"));
    MYNACERT_RETURN_IF_ERROR(Run(*db_,
                                 "INSERT INTO resident_events (id, resident_id, at, on_date, "
                                 "clerk, field, old_value, new_value) VALUES ($1, $2, $3, $4, $5, "
                                 "$6, $7, $8)",
                                 {event_id, id, at, Text(on_text), clerk, f.name,
                                  Text(f.old_value), Text(f.new_value)}));
    changed.push_back(f.name);
  }
  if (changed.empty()) return changed;
  std::string birth = r.birth.ToString(), stay;
  MYNACERT_RETURN_IF_ERROR(Run(
      *db_,
      "UPDATE residents SET name = $2, tsusho = $3, kyuuji = $4, address = $5, household = $6, "
      "nationality = $7, birth = $8, sex = $9, stay_until = $10, adult_ward = $11, abroad = $12, "
      "forwarding = $13, updated_at = $14 WHERE id = $1",
      {id, Text(r.name), Text(r.tsusho), Text(r.kyuuji), Text(r.address), Text(r.household),
       Text(r.nationality), Text(birth), int64_t{r.sex}, OptDate(r.stay_until, stay),
       int64_t{r.adult_ward}, int64_t{r.abroad}, int64_t{r.forwarding}, at}));
  return changed;
}

Result<std::vector<ResidentEvent>> CounterStore::Events(int64_t resident_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT id, on_date, clerk, field, old_value, new_value FROM resident_events "
                    "WHERE resident_id = $1 ORDER BY id",
                    {resident_id}));
  return Collect<ResidentEvent>(*s, [](store::Statement& st) {
    return ResidentEvent{st.ColumnInt(0), ColumnDate(st, 1).value_or(Date()), ColumnString(st, 2),
                         ColumnString(st, 3), ColumnString(st, 4), ColumnString(st, 5)};
  });
}

Status CounterStore::AddRelation(int64_t parent_id, int64_t child_id) {
  MYNACERT_RETURN_IF_ERROR(GetResident(parent_id).ok() ? Status{} : Status{NotFound("parent", "親の住民が登録されていません (unknown parent)")});
  MYNACERT_RETURN_IF_ERROR(GetResident(child_id).ok() ? Status{} : Status{NotFound("resident", "子の住民が登録されていません (unknown child)")});
  MYNACERT_ASSIGN_OR_RETURN(bool exists, IsParentOf(parent_id, child_id));
  if (exists) return {};
  return Run(*db_, "INSERT INTO resident_relations (parent_id, child_id) VALUES ($1, $2)",
             {parent_id, child_id});
}

Result<bool> CounterStore::IsParentOf(int64_t parent_id, int64_t child_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT 1 FROM resident_relations WHERE parent_id = $1 AND child_id = $2",
                    {parent_id, child_id}));
  return s->Step();
}

// ---- cards and certificates ----

Result<int64_t> CounterStore::AddCard(CardRecord c, int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(c.id, NextId(*db_, "card"));
  const std::string applied = c.applied.ToString(), issued = c.issued.ToString(),
                    expires = c.expires.ToString();
  MYNACERT_RETURN_IF_ERROR(Run(*db_,
                               "INSERT INTO cards (" + std::string(kCardColumns) +
                                   ", created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                               {c.id, c.resident_id, Text(c.location), Text(c.chip_id),
                                Text(applied), Text(issued), Text(expires), Text(c.state),
                                int64_t{c.face}, at}));
  return c.id;
}

Result<std::optional<CardRecord>> CounterStore::ActiveCard(int64_t resident_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kCardColumns) +
                        " FROM cards WHERE resident_id = $1 AND state IN ('active', 'suspended') "
                        "ORDER BY id DESC "
                        "LIMIT 1",
                    {resident_id}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<CardRecord>();
  return std::optional<CardRecord>(ReadCard(*s));
}

Result<std::vector<CardRecord>> CounterStore::Cards(int64_t resident_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kCardColumns) +
                        " FROM cards WHERE resident_id = $1 ORDER BY id DESC",
                    {resident_id}));
  return Collect<CardRecord>(*s, ReadCard);
}

Status CounterStore::SetCardState(int64_t card_id, std::string_view state) {
  return Run(*db_, "UPDATE cards SET state = $2 WHERE id = $1", {card_id, state});
}

Status CounterStore::SetCardFace(int64_t card_id, bool face) {
  return Run(*db_, "UPDATE cards SET face = $2 WHERE id = $1", {card_id, int64_t{face}});
}

Result<int64_t> CounterStore::AddCert(CertRecord c) {
  MYNACERT_ASSIGN_OR_RETURN(c.id, NextId(*db_, "certificate"));
  const std::string issued = c.issued.ToString(), last = c.last_valid_day.ToString();
  std::string ended;
  MYNACERT_RETURN_IF_ERROR(Run(
      *db_,
      "INSERT INTO certificates (" + std::string(kCertColumns) +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      {c.id, c.resident_id, c.card_id, Text(c.kind), Text(c.serial), Text(issued), Text(last),
       int64_t{c.renewal}, Text(c.state), Text(c.reason), OptDate(c.ended_on, ended),
       c.case_id ? Param(c.case_id) : Param(nullptr)}));
  return c.id;
}

Result<std::vector<CertRecord>> CounterStore::Certs(int64_t resident_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kCertColumns) +
                        " FROM certificates WHERE resident_id = $1 ORDER BY id DESC",
                    {resident_id}));
  return Collect<CertRecord>(*s, ReadCert);
}

Result<std::optional<CertRecord>> CounterStore::ActiveCert(int64_t card_id, std::string_view kind) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kCertColumns) +
                        " FROM certificates WHERE card_id = $1 AND kind = $2 AND state IN ('active', "
                        "'held') "
                        "ORDER BY id DESC LIMIT 1",
                    {card_id, kind}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<CertRecord>();
  return std::optional<CertRecord>(ReadCert(*s));
}

Status CounterStore::EndCert(std::string_view kind, std::string_view serial,
                             std::string_view state, std::string_view reason, Date on) {
  const std::string day = on.ToString();
  return Run(*db_,
             "UPDATE certificates SET state = $3, reason = $4, ended_on = $5 WHERE kind = $1 AND "
             "serial = $2 AND state IN ('active', 'held')",
             {kind, serial, state, reason, Text(day)});
}

Status CounterStore::HoldCert(std::string_view kind, std::string_view serial) {
  return Run(*db_,
             "UPDATE certificates SET state = 'held', reason = 'certificateHold' WHERE kind = $1 "
             "AND serial = $2 AND state = 'active'",
             {kind, serial});
}

// ---- cases ----

Result<int64_t> CounterStore::OpenCase(Case c, const Visit& first, int64_t at) {
  MYNACERT_ASSIGN_OR_RETURN(c.id, NextId(*db_, "case"));
  std::string deadline;
  MYNACERT_RETURN_IF_ERROR(Run(
      *db_,
      "INSERT INTO cases (id, resident_id, municipality, procedure, applicant, representative_id, "
      "flags, state, visit, deadline, decision, opened_at, updated_at) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10, $11, $12, $12)",
      {c.id, c.resident_id, Text(c.municipality), Text(c.procedure), Text(c.applicant),
       c.representative_id ? Param(c.representative_id) : Param(nullptr), Text(FlagsJson(c.flags)),
       Text(c.state), int64_t{c.visit}, OptDate(c.deadline, deadline), Text(c.decision), at}));
  Visit v = first;
  v.number = 1;
  MYNACERT_RETURN_IF_ERROR(AddVisit(c.id, v));
  return c.id;
}

Result<Case> CounterStore::GetCase(int64_t id) {
  Case c;
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(*db_,
                      "SELECT id, resident_id, municipality, procedure, applicant, "
                      "representative_id, flags, state, visit, deadline, decision, opened_at FROM "
                      "cases WHERE id = $1",
                      {id}));
    MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return NotFound("case", "案件 " + std::to_string(id) + " はありません (unknown case)");
    c.id = s->ColumnInt(0);
    c.resident_id = s->ColumnInt(1);
    c.municipality = ColumnString(*s, 2);
    c.procedure = ColumnString(*s, 3);
    c.applicant = ColumnString(*s, 4);
    c.representative_id = s->ColumnIsNull(5) ? 0 : s->ColumnInt(5);
    c.flags = ParseFlags(s->ColumnText(6));
    c.state = ColumnString(*s, 7);
    c.visit = static_cast<int>(s->ColumnInt(8));
    c.deadline = ColumnDate(*s, 9);
    c.decision = ColumnString(*s, 10);
    c.opened_at = s->ColumnInt(11);
  }
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(*db_,
                      "SELECT number, on_date, counter_id, clerk, holder_present FROM case_visits "
                      "WHERE case_id = $1 ORDER BY number",
                      {id}));
    MYNACERT_ASSIGN_OR_RETURN(c.visits, Collect<Visit>(*s, [](store::Statement& st) {
                                return Visit{static_cast<int>(st.ColumnInt(0)),
                                             ColumnDate(st, 1).value_or(Date()), ColumnString(st, 2),
                                             ColumnString(st, 3), st.ColumnInt(4) != 0};
                              }));
  }
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(*db_,
                      "SELECT visit, seq, whose, item, kind, category, issued, expires, "
                      "form_source, form_printed, form_signed, form_pin_hidden, form_complete "
                      "FROM case_documents WHERE case_id = $1 ORDER BY visit, seq",
                      {id}));
    MYNACERT_ASSIGN_OR_RETURN(c.documents, Collect<Document>(*s, [](store::Statement& st) {
                                Document d;
                                d.visit = static_cast<int>(st.ColumnInt(0));
                                d.seq = static_cast<int>(st.ColumnInt(1));
                                d.whose = ColumnString(st, 2);
                                d.item = ColumnString(st, 3);
                                d.kind = ColumnString(st, 4);
                                d.category = ColumnString(st, 5);
                                d.issued = ColumnDate(st, 6);
                                d.expires = ColumnDate(st, 7);
                                d.form_source = ColumnString(st, 8);
                                d.form_printed = ColumnDate(st, 9);
                                d.form_signed = st.ColumnInt(10) != 0;
                                d.form_pin_hidden = st.ColumnInt(11) != 0;
                                d.form_complete = st.ColumnInt(12) != 0;
                                return d;
                              }));
  }
  {
    MYNACERT_ASSIGN_OR_RETURN(
        auto s, Query(*db_,
                      "SELECT seq, step, state, data FROM case_steps WHERE case_id = $1 ORDER BY seq",
                      {id}));
    MYNACERT_ASSIGN_OR_RETURN(c.steps, Collect<Step>(*s, [](store::Statement& st) {
                                return Step{static_cast<int>(st.ColumnInt(0)), ColumnString(st, 1),
                                            ColumnString(st, 2), ColumnString(st, 3)};
                              }));
  }
  return c;
}

Result<std::vector<int64_t>> CounterStore::CasesInState(std::string_view state) {
  MYNACERT_ASSIGN_OR_RETURN(auto s,
                            Query(*db_, "SELECT id FROM cases WHERE state = $1 ORDER BY id", {state}));
  return Collect<int64_t>(*s, [](store::Statement& st) { return st.ColumnInt(0); });
}

Result<std::vector<int64_t>> CounterStore::CasesOf(int64_t resident_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_, "SELECT id FROM cases WHERE resident_id = $1 ORDER BY id", {resident_id}));
  return Collect<int64_t>(*s, [](store::Statement& st) { return st.ColumnInt(0); });
}

Status CounterStore::UpdateCase(const Case& c, int64_t at) {
  std::string deadline;
  return Run(*db_,
             "UPDATE cases SET applicant = $2, flags = $3, state = $4, visit = $5, deadline = $6, "
             "decision = $7, updated_at = $8 WHERE id = $1",
             {c.id, Text(c.applicant), Text(FlagsJson(c.flags)), Text(c.state), int64_t{c.visit},
              OptDate(c.deadline, deadline), Text(c.decision), at});
}

Status CounterStore::AddVisit(int64_t case_id, const Visit& v) {
  const std::string on = v.on.ToString();
  return Run(*db_,
             "INSERT INTO case_visits (case_id, number, on_date, counter_id, clerk, "
             "holder_present) VALUES ($1, $2, $3, $4, $5, $6)",
             {case_id, int64_t{v.number}, Text(on), Text(v.counter_id), Text(v.clerk),
              int64_t{v.holder_present}});
}

Result<int> CounterStore::AddDocument(int64_t case_id, Document d) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_, "SELECT MAX(seq) FROM case_documents WHERE case_id = $1 AND visit = $2",
                    {case_id, int64_t{d.visit}}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  d.seq = row && !s->ColumnIsNull(0) ? static_cast<int>(s->ColumnInt(0)) + 1 : 1;
  std::string issued, expires, printed;
  MYNACERT_RETURN_IF_ERROR(Run(
      *db_,
      "INSERT INTO case_documents (case_id, visit, seq, whose, item, kind, category, issued, "
      "expires, form_source, form_printed, form_signed, form_pin_hidden, form_complete) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
      {case_id, int64_t{d.visit}, int64_t{d.seq}, Text(d.whose), Text(d.item), Text(d.kind),
       Text(d.category), OptDate(d.issued, issued), OptDate(d.expires, expires),
       Text(d.form_source), OptDate(d.form_printed, printed), int64_t{d.form_signed},
       int64_t{d.form_pin_hidden}, int64_t{d.form_complete}}));
  return d.seq;
}

Status CounterStore::PlanSteps(int64_t case_id,
                               const std::vector<std::pair<std::string, std::string>>& steps) {
  MYNACERT_RETURN_IF_ERROR(Run(*db_, "DELETE FROM case_steps WHERE case_id = $1", {case_id}));
  int seq = 1;
  for (const auto& [step, data] : steps) {
    MYNACERT_RETURN_IF_ERROR(Run(*db_,
                                 "INSERT INTO case_steps (case_id, seq, step, state, data) VALUES "
                                 "($1, $2, $3, 'planned', $4)",
                                 {case_id, int64_t{seq++}, Text(step), Text(data)}));
  }
  return {};
}

Status CounterStore::MarkStep(int64_t case_id, int seq, std::string_view state,
                              std::string_view data, int64_t at) {
  if (state == "started") {
    return Run(*db_,
               "UPDATE case_steps SET state = $3, started_at = $4 WHERE case_id = $1 AND seq = $2",
               {case_id, int64_t{seq}, state, at});
  }
  return Run(*db_,
             "UPDATE case_steps SET state = $3, data = $4, done_at = $5 WHERE case_id = $1 AND "
             "seq = $2",
             {case_id, int64_t{seq}, state, data, at});
}

// ---- revocations ----

Result<int64_t> CounterStore::QueueRevocation(const PendingRevocation& p) {
  MYNACERT_ASSIGN_OR_RETURN(int64_t id, NextId(*db_, "revocation"));
  const std::string on = p.on.ToString();
  MYNACERT_RETURN_IF_ERROR(Run(*db_,
                               "INSERT INTO pending_revocations (id, resident_id, kind, serial, "
                               "reason, at, on_date, clerk, state, rule) VALUES ($1, $2, $3, $4, "
                               "$5, $6, $7, $8, 'pending', $9)",
                               {id, p.resident_id, Text(p.kind), Text(p.serial), Text(p.reason),
                                p.at, Text(on), Text(p.clerk), Text(p.rule)}));
  return id;
}

Result<std::vector<CounterStore::PendingRevocation>> CounterStore::PendingRevocations() {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT id, resident_id, kind, serial, reason, at, on_date, clerk, rule FROM "
                    "pending_revocations WHERE state = 'pending' ORDER BY id",
                    {}));
  return Collect<PendingRevocation>(*s, [](store::Statement& st) {
    return PendingRevocation{st.ColumnInt(0),    st.ColumnInt(1),
                             ColumnString(st, 2), ColumnString(st, 3),
                             ColumnString(st, 4), st.ColumnInt(5),
                             ColumnDate(st, 6).value_or(Date()), ColumnString(st, 7),
                             ColumnString(st, 8)};
  });
}

Status CounterStore::MarkRevocationDone(int64_t id) {
  return Run(*db_, "UPDATE pending_revocations SET state = 'done' WHERE id = $1", {id});
}

// ---- the holder's online revocation request ----

Status CounterStore::AddChallenge(const HolderChallenge& c) {
  return Run(*db_,
             "INSERT INTO holder_challenges (id, purpose, kind, serial, challenge, created_at, expires_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7)",
             {Text(c.id), Text(c.purpose), Text(c.kind), Text(c.serial), Text(c.challenge), c.created_at,
              c.expires_at});
}

Result<std::optional<CounterStore::HolderChallenge>> CounterStore::ClaimChallenge(std::string_view id,
                                                                                  int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "UPDATE holder_challenges SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND "
                    "expires_at >= $2 RETURNING id, purpose, kind, serial, challenge, created_at, expires_at",
                    {id, now}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<HolderChallenge>();
  HolderChallenge c;
  c.id = ColumnString(*s, 0);
  c.purpose = ColumnString(*s, 1);
  c.kind = ColumnString(*s, 2);
  c.serial = ColumnString(*s, 3);
  c.challenge = ColumnString(*s, 4);
  c.created_at = s->ColumnInt(5);
  c.expires_at = s->ColumnInt(6);
  MYNACERT_ASSIGN_OR_RETURN(bool more, s->Step());
  (void)more;
  return std::optional<HolderChallenge>(std::move(c));
}

namespace {
constexpr std::string_view kKioskColumns =
    "id, resident_id, card_id, known_kind, known_serial, forgotten, created_at, expires_at, used_at";
CounterStore::KioskBooking ReadKiosk(store::Statement& st) {
  CounterStore::KioskBooking b;
  b.id = ColumnString(st, 0);
  b.resident_id = st.ColumnInt(1);
  b.card_id = st.ColumnInt(2);
  b.known_kind = ColumnString(st, 3);
  b.known_serial = ColumnString(st, 4);
  b.forgotten = ColumnString(st, 5);
  b.created_at = st.ColumnInt(6);
  b.expires_at = st.ColumnInt(7);
  return b;
}
}  // namespace

Status CounterStore::AddKioskBooking(const KioskBooking& b) {
  return Run(*db_,
             "INSERT INTO kiosk_bookings (id, resident_id, card_id, known_kind, known_serial, forgotten, "
             "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
             {Text(b.id), b.resident_id, b.card_id, Text(b.known_kind), Text(b.known_serial), Text(b.forgotten),
              b.created_at, b.expires_at});
}

Result<std::optional<CounterStore::KioskBooking>> CounterStore::ClaimKioskBooking(std::string_view id,
                                                                                  int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "UPDATE kiosk_bookings SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND "
                    "expires_at >= $2 RETURNING " + std::string(kKioskColumns),
                    {id, now}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<KioskBooking>();
  KioskBooking b = ReadKiosk(*s);
  MYNACERT_ASSIGN_OR_RETURN(bool more, s->Step());
  (void)more;
  return std::optional<KioskBooking>(std::move(b));
}

Result<std::optional<CounterStore::KioskBooking>> CounterStore::FindKioskBooking(std::string_view id,
                                                                                 int64_t* used_at) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_, "SELECT " + std::string(kKioskColumns) + " FROM kiosk_bookings WHERE id = $1", {id}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<KioskBooking>();
  if (used_at) *used_at = s->ColumnIsNull(8) ? 0 : s->ColumnInt(8);
  return std::optional<KioskBooking>(ReadKiosk(*s));
}

// ---- the card's own renewal ----

namespace {
constexpr std::string_view kApplicationColumns =
    "id, resident_id, old_card_id, card_expiry, state, noticed_on, channel, photo, face, "
    "applied_on, produced_on, notified_on, picked_up_on, location, chip_id, new_card_expiry, "
    "pickup_booking, case_id, clerk, created_at, updated_at";
CounterStore::CardApplication ReadApplication(store::Statement& s) {
  CounterStore::CardApplication a;
  a.id = ColumnString(s, 0);
  a.resident_id = s.ColumnInt(1);
  a.old_card_id = s.ColumnInt(2);
  a.card_expiry = ColumnDate(s, 3).value_or(Date());
  a.state = ColumnString(s, 4);
  a.noticed_on = ColumnDate(s, 5).value_or(Date());
  a.channel = ColumnString(s, 6);
  a.photo = ColumnString(s, 7);
  a.face = s.ColumnInt(8) != 0;
  a.applied_on = ColumnDate(s, 9);
  a.produced_on = ColumnDate(s, 10);
  a.notified_on = ColumnDate(s, 11);
  a.picked_up_on = ColumnDate(s, 12);
  a.location = ColumnString(s, 13);
  a.chip_id = ColumnString(s, 14);
  a.new_card_expiry = ColumnDate(s, 15);
  a.pickup_booking = ColumnString(s, 16);
  a.case_id = s.ColumnIsNull(17) ? 0 : s.ColumnInt(17);
  a.clerk = ColumnString(s, 18);
  a.created_at = s.ColumnInt(19);
  a.updated_at = s.ColumnInt(20);
  return a;
}
}  // namespace

Status CounterStore::AddCardApplication(const CardApplication& a) {
  const std::string expiry = a.card_expiry.ToString(), noticed = a.noticed_on.ToString();
  return Run(*db_,
             "INSERT INTO card_applications (" + std::string(kApplicationColumns) +
                 ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, NULL, $10, $11, "
                 "NULL, $12, NULL, $13, $14, $14)",
             {Text(a.id), a.resident_id, a.old_card_id, Text(expiry), Text(a.state), Text(noticed),
              Text(a.channel), Text(a.photo), int64_t{a.face}, Text(a.location), Text(a.chip_id),
              Text(a.pickup_booking), Text(a.clerk), a.created_at});
}

Status CounterStore::UpdateCardApplication(const CardApplication& a) {
  std::string applied, produced, notified, picked, expiry;
  return Run(*db_,
             "UPDATE card_applications SET state = $2, channel = $3, photo = $4, face = $5, "
             "applied_on = $6, produced_on = $7, notified_on = $8, picked_up_on = $9, "
             "location = $10, chip_id = $11, new_card_expiry = $12, pickup_booking = $13, "
             "case_id = $14, clerk = $15, updated_at = $16 WHERE id = $1",
             {Text(a.id), Text(a.state), Text(a.channel), Text(a.photo), int64_t{a.face},
              OptDate(a.applied_on, applied), OptDate(a.produced_on, produced),
              OptDate(a.notified_on, notified), OptDate(a.picked_up_on, picked), Text(a.location),
              Text(a.chip_id), OptDate(a.new_card_expiry, expiry), Text(a.pickup_booking),
              a.case_id == 0 ? store::Param(nullptr) : store::Param(a.case_id), Text(a.clerk),
              a.updated_at});
}

Result<std::optional<CounterStore::CardApplication>> CounterStore::FindCardApplication(
    std::string_view id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kApplicationColumns) +
                        " FROM card_applications WHERE id = $1",
                    {id}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<CardApplication>();
  return std::optional<CardApplication>(ReadApplication(*s));
}

Result<std::vector<CounterStore::CardApplication>> CounterStore::CardApplications(
    int64_t resident_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kApplicationColumns) +
                        " FROM card_applications WHERE resident_id = $1 ORDER BY created_at DESC, id DESC",
                    {resident_id}));
  return Collect<CardApplication>(*s, ReadApplication);
}

Result<std::vector<CounterStore::CardApplication>> CounterStore::CardApplicationsInState(
    std::string_view state) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kApplicationColumns) +
                        " FROM card_applications WHERE state = $1 ORDER BY updated_at, id",
                    {state}));
  return Collect<CardApplication>(*s, ReadApplication);
}

// ---- the loss hotline ----

namespace {
constexpr std::string_view kCallColumns =
    "id, resident_id, card_id, at, operator, event, caller, caller_name, outside_home, "
    "police_receipt, held, note";
}  // namespace

Result<int64_t> CounterStore::AddHotlineCall(HotlineCall c) {
  MYNACERT_ASSIGN_OR_RETURN(c.id, NextId(*db_, "hotline_call"));
  MYNACERT_RETURN_IF_ERROR(Run(*db_,
                               "INSERT INTO hotline_calls (" + std::string(kCallColumns) +
                                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                               {c.id, c.resident_id, c.card_id, c.at, Text(c.operator_name),
                                Text(c.event), Text(c.caller), Text(c.caller_name),
                                int64_t{c.outside_home}, Text(c.police_receipt), Text(c.held),
                                Text(c.note)}));
  return c.id;
}

Result<std::vector<CounterStore::HotlineCall>> CounterStore::HotlineCalls(int64_t resident_id) {
  MYNACERT_ASSIGN_OR_RETURN(
      auto s, Query(*db_,
                    "SELECT " + std::string(kCallColumns) +
                        " FROM hotline_calls WHERE resident_id = $1 ORDER BY id",
                    {resident_id}));
  return Collect<HotlineCall>(*s, [](store::Statement& st) {
    HotlineCall c;
    c.id = st.ColumnInt(0);
    c.resident_id = st.ColumnInt(1);
    c.card_id = st.ColumnInt(2);
    c.at = st.ColumnInt(3);
    c.operator_name = ColumnString(st, 4);
    c.event = ColumnString(st, 5);
    c.caller = ColumnString(st, 6);
    c.caller_name = ColumnString(st, 7);
    c.outside_home = st.ColumnInt(8) != 0;
    c.police_receipt = ColumnString(st, 9);
    c.held = ColumnString(st, 10);
    c.note = ColumnString(st, 11);
    return c;
  });
}

}  // namespace mynacert::counter
