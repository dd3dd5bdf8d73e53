#include "counter/views.h"

namespace mynacert::counter {

using nlohmann::json;

json ResidentJson(const Resident& r) {
  return {{"id", r.id}, {"municipality", r.municipality}, {"name", r.name}, {"name_kana", r.name_kana},
          {"tsusho", r.tsusho}, {"kyuuji", r.kyuuji}, {"address", r.address}, {"birth", r.birth.ToString()},
          {"sex", r.sex}, {"household", r.household}, {"nationality", r.nationality},
          {"stay_until", r.stay_until ? json(r.stay_until->ToString()) : json()}, {"adult_ward", r.adult_ward},
          {"abroad", r.abroad}, {"forwarding", r.forwarding}};
}

json CaseJson(const Case& c, const std::vector<AuditRecord>& audit) {
  json j{{"case", c.id}, {"resident", c.resident_id}, {"municipality", c.municipality}, {"procedure", c.procedure},
         {"applicant", c.applicant}, {"state", c.state}, {"visit", c.visit},
         {"deadline", c.deadline ? json(c.deadline->ToString()) : json()},
         {"decision", json::parse(c.decision.empty() ? "{}" : c.decision, nullptr, false)}};
  // What the clerk recorded about the situation that the plan depends on (R-LOST-4).
  if (!c.flags.card_event.empty()) j["card_event"] = c.flags.card_event;
  if (c.flags.holder_at_fault) j["holder_at_fault"] = *c.flags.holder_at_fault;
  if (!c.flags.card_type.empty()) j["card_type"] = c.flags.card_type;
  if (!c.flags.application.empty()) j["application"] = c.flags.application;
  j["visits"] = json::array();
  for (const auto& v : c.visits) {
    j["visits"].push_back({{"number", v.number}, {"on", v.on.ToString()}, {"counter", v.counter_id},
                           {"clerk", v.clerk}, {"holder_present", v.holder_present}});
  }
  j["documents"] = json::array();
  for (const auto& d : c.documents) {
    j["documents"].push_back({{"visit", d.visit}, {"item", d.item}, {"kind", d.kind}, {"whose", d.whose},
                              {"category", d.category}});
  }
  j["steps"] = json::array();
  for (const auto& st : c.steps) j["steps"].push_back({{"step", st.step}, {"state", st.state}});
  j["audit"] = json::array();
  for (const auto& a : audit) {
    j["audit"].push_back({{"seq", a.seq}, {"at", a.at}, {"clerk", a.clerk}, {"action", a.action},
                          {"detail", json::parse(a.detail, nullptr, false)}});
  }
  return j;
}

Result<Document> DocumentFrom(const std::vector<std::pair<std::string, std::string>>& fields,
                              const std::string& field) {
  Document d;
  for (const auto& [key, value] : fields) {
    if (key == "item") {
      d.item = value;
    } else if (key == "kind") {
      d.item = d.item.empty() ? "id" : d.item;
      d.kind = value;
    } else if (key == "whose") {
      d.whose = value;
    } else if (key == "expires" || key == "valid-until") {
      MYNACERT_ASSIGN_OR_RETURN(Date x, Date::Parse(value, field + " " + key));
      d.expires = x;
    } else if (key == "issued") {
      MYNACERT_ASSIGN_OR_RETURN(Date x, Date::Parse(value, field + " issued"));
      d.issued = x;
    } else if (key == "printed") {
      MYNACERT_ASSIGN_OR_RETURN(Date x, Date::Parse(value, field + " printed"));
      d.form_printed = x;
    } else if (key == "source") {
      d.form_source = value;
    } else if (key == "copy") {
      d.original = false;
    } else if (key == "illegible") {
      d.legible = false;
    } else if (key == "unsigned") {
      d.form_signed = false;
    } else if (key == "pin-visible") {
      d.form_pin_hidden = false;
    } else if (key == "incomplete") {
      d.form_complete = false;
    } else {
      return InvalidArgument(field, "'" + key + "' は使えません (item, kind, whose, expires, issued, source, printed, copy, illegible, unsigned, pin-visible, incomplete)");
    }
  }
  if (d.item.empty()) return InvalidArgument(field, "書類の種類が必要です (e.g. id,kind=passport,whose=agent)");
  return d;
}

}  // namespace mynacert::counter
