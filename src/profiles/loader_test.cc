#include "profiles/loader.h"

#include <gtest/gtest.h>

#include <string>

namespace mynacert::profiles {
namespace {

TEST(Registry, TheFiveSeedMunicipalitiesAreBuiltIn) {
  auto reg = Registry::Builtin();
  ASSERT_TRUE(reg.ok()) << reg.error().ToString();
  for (const char* id : {"yamagata", "kanazawa", "setagaya", "yokohama", "suzuka"}) {
    auto m = reg->Find(id);
    ASSERT_TRUE(m.ok()) << id;
    EXPECT_FALSE((*m)->seed.empty()) << id;
    EXPECT_FALSE((*m)->counters.empty()) << id;
    EXPECT_GE((*m)->procedures.inquiry_visits.size(), 2u) << id;
  }
  EXPECT_EQ(reg->all().size(), 5u);
  // Each seed's お問い合わせ phone (issue 16: the letters and the receipt print it).
  const std::pair<const char*, const char*> phones[] = {{"yamagata", "023-641-1212"}, {"kanazawa", "076-220-2241"},
                                                        {"setagaya", "03-6413-9481"}, {"yokohama", "0120-769-706"},
                                                        {"suzuka", "059-327-5056"}};
  for (auto [id, phone] : phones) EXPECT_EQ((*reg->Find(id))->contact.phone, phone) << id;
  EXPECT_EQ((*reg->Find("yokohama"))->contact.booking_phone, "0120-769-706");  // 専用ダイヤル
  // Counter hours no seed gives are marked (Setagaya, Suzuka).
  for (const char* id : {"setagaya", "suzuka"}) {
    for (const Counter& c : (*reg->Find(id))->counters) EXPECT_FALSE(c.hours_from_seed) << c.id;
  }
  for (const char* id : {"yamagata", "kanazawa", "yokohama"}) {
    for (const Counter& c : (*reg->Find(id))->counters) EXPECT_TRUE(c.hours_from_seed) << c.id;
  }
}

TEST(Registry, SeedDifferencesAreSettings) {
  auto reg = Registry::Builtin();
  ASSERT_TRUE(reg.ok());
  const Municipality& yokohama = **reg->Find("yokohama");
  EXPECT_EQ(yokohama.counters.size(), 18u);  // R-OFF-5: 18 wards
  int walk_in = 0;
  for (const Counter& c : yokohama.counters) {
    walk_in += c.reservation == ReservationMode::kWalkIn;
    EXPECT_EQ(c.schedule.ordinal_saturdays, (1 << 2) | (1 << 4)) << c.id;
    EXPECT_TRUE(c.schedule.ordinal_saturday_open_on_holiday) << c.id;
  }
  EXPECT_EQ(walk_in, 2);  // 青葉区, 西区
  EXPECT_EQ(yokohama.reservation.max_days_ahead, 40);
  EXPECT_EQ(yokohama.reservation.deadline_minute_day_before, 17 * 60);

  const Municipality& kanazawa = **reg->Find("kanazawa");
  ASSERT_EQ(kanazawa.procedures.inquiry_visits.size(), 3u);  // R-PROC-6
  EXPECT_EQ(kanazawa.procedures.inquiry_visits[2].deadline_days_after_previous, 30);
  EXPECT_TRUE(kanazawa.procedures.inquiry_visits[2].any_counter);
  EXPECT_EQ(kanazawa.procedures.legal_rep_age, 18);

  const Municipality& setagaya = **reg->Find("setagaya");
  int self_only = 0;
  for (const Counter& c : setagaya.counters) {
    self_only += c.applicants == std::vector<ApplicantClass>{ApplicantClass::kSelf};
  }
  EXPECT_EQ(self_only, 12);  // R-PROC-8: 12 まちづくりセンター corners
  EXPECT_EQ(setagaya.counters.size(), 22u);

  EXPECT_TRUE((**reg->Find("suzuka")).procedures.check_juki_pin);  // R-PROC-1
  EXPECT_TRUE(yokohama.rules.adult_ward_sign_cert);   // R-PROC-3 (seed 003)
  EXPECT_FALSE((**reg->Find("suzuka")).rules.adult_ward_sign_cert);  // R-CERT-4 (seed 004)
  EXPECT_EQ((**reg->Find("yamagata")).procedures.authority_proof_max_months, 3);
  EXPECT_EQ((**reg->Find("yamagata")).counters[0].schedule.weekly[1]->from_minute, 8 * 60 + 30);
}

TEST(Registry, ASixthMunicipalityIsOneFile) {
  auto reg = Registry::Load(std::string(MYNACERT_SOURCE_DIR) + "/tests/data/profiles/sixth");
  ASSERT_TRUE(reg.ok()) << reg.error().ToString();
  EXPECT_EQ(reg->all().size(), 6u);
  auto m = reg->Find("testshi");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->rules.leap_day_birthday, LeapDayBirthday::kMar1);
  EXPECT_EQ((*m)->rules.window_reading, WindowReading::kCivilCode);
  EXPECT_EQ((*m)->rules.card_application_months, 3);  // R-CARD-3's default
  EXPECT_EQ((*m)->counters[0].schedule.closures[0].from_day, 28u);
}

TEST(Registry, AnIdClashNamesTheFileAndLine) {
  auto reg = Registry::Load(std::string(MYNACERT_SOURCE_DIR) + "/tests/data/profiles/clash");
  ASSERT_FALSE(reg.ok());
  EXPECT_NE(reg.error().field.find("clash/yamagata.toml:2 id"), std::string::npos)
      << reg.error().field;
}

TEST(Registry, UnknownMunicipalityNamesTheKnownOnes) {
  auto reg = Registry::Builtin();
  auto m = reg->Find("osaka");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("yokohama"), std::string::npos);
  EXPECT_FALSE(Registry::Load("/nonexistent/folder").ok());
}

// A minimal valid profile; each broken case below replaces one line.
const char* kValid = R"(id = "x"
name_ja = "x市"
name_en = "X City"
prefecture_ja = "x県"
prefecture_en = "X-ken"
municipality_en = "X-shi"
local_government_code = "999997"
[[document_inquiry.visits]]
documents = [{ item = "holder_card" }]
[[document_inquiry.visits]]
documents = [{ item = "id", whose = "agent", id = "A1" }]
[[counters]]
id = "c1"
name_ja = "窓口"
name_en = "Counter"
weekdays = ["08:30", "17:00"]
procedures = ["renewal"]
applicants = ["self"]
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

struct Broken {
  const char* what;
  std::string text;
  const char* field;  // expected Error::field
};

TEST(ParseProfile, EveryProblemNamesFileLineAndKey) {
  ASSERT_TRUE(ParseProfile(kValid, "profiles/x.toml").ok());
  const Broken cases[] = {
      {"unknown key", Replace(kValid, "name_en = \"X City\"", "name_fr = \"X\""),
       "profiles/x.toml:3 name_fr"},
      {"wrong type", Replace(kValid, "name_en = \"X City\"", "name_en = 3"),
       "profiles/x.toml:3 name_en"},
      {"bad time", Replace(kValid, "\"17:00\"", "\"25:00\""),
       "profiles/x.toml:16 counters[0].weekdays"},
      {"closing before opening", Replace(kValid, "\"17:00\"", "\"08:00\""),
       "profiles/x.toml:16 counters[0].weekdays"},
      {"bad enum", Replace(kValid, "[\"renewal\"]", "[\"renew\"]"),
       "profiles/x.toml:17 counters[0].procedures[0]"},
      {"bad applicant", Replace(kValid, "[\"self\"]", "[\"friend\"]"),
       "profiles/x.toml:18 counters[0].applicants[0]"},
      {"duplicate counter",
       std::string(kValid) + "[[counters]]\nid = \"c1\"\nname_ja = \"a\"\nname_en = \"b\"\n"
                             "weekdays = [\"08:30\", \"17:00\"]\nprocedures = []\napplicants = []\n",
       "profiles/x.toml:20 counters[1].id"},
      {"id differs from the file name", Replace(kValid, "id = \"x\"", "id = \"y\""),
       "profiles/x.toml:1 id"},
      {"missing key", Replace(kValid, "name_ja = \"x市\"\n", ""), "profiles/x.toml:1 name_ja"},
      {"bad id combination", Replace(kValid, "id = \"A1\"", "id = \"C1\""),
       "profiles/x.toml:11 document_inquiry.visits[1].documents[0].id"},
      {"bad leap setting", std::string(kValid) + "[rules]\nleap_day_birthday = \"feb29\"\n",
       "profiles/x.toml:20 rules.leap_day_birthday"},
      {"card application months out of range (R-CARD-3)",
       std::string(kValid) + "[rules]\ncard_application_months = 0\n",
       "profiles/x.toml:20 rules.card_application_months"},
      {"syntax error", Replace(kValid, "name_ja = \"x市\"", "name_ja = \"x市"), "profiles/x.toml:2"},
      {"a local government code without its check digit",
       Replace(kValid, "\"999997\"", "\"999990\""), "profiles/x.toml:7 local_government_code"},
      {"one inquiry visit only",
       Replace(kValid, "[[document_inquiry.visits]]\ndocuments = [{ item = \"holder_card\" }]\n", ""),
       "profiles/x.toml:8 document_inquiry.visits"},
  };
  for (const Broken& c : cases) {
    auto m = ParseProfile(c.text, "profiles/x.toml");
    ASSERT_FALSE(m.ok()) << c.what;
    EXPECT_EQ(m.error().field, c.field) << c.what << ": " << m.error().ToString();
    EXPECT_FALSE(m.error().message.empty()) << c.what;
  }
}

// R-NOT-1/3: the notice lead times, in days before the certificate's expiry.
TEST(ParseProfile, NoticeLeadTimes) {
  auto reg = Registry::Builtin();
  ASSERT_TRUE(reg.ok());
  for (const Municipality& m : reg->all()) {
    EXPECT_GE(m.notices.jlis_lead_days, 61) << m.id;  // about 2-3 months (seeds 000, 001, 004)
    EXPECT_LE(m.notices.jlis_lead_days, 92) << m.id;
  }
  const Municipality& yokohama = **reg->Find("yokohama");
  EXPECT_GT(yokohama.notices.city_lead_days, yokohama.notices.jlis_lead_days);  // R-NOT-3
  EXPECT_EQ((**reg->Find("kanazawa")).notices.jlis_lead_days, 76);  // 約2か月半前
  EXPECT_EQ((**reg->Find("yamagata")).notices.city_lead_days, 0);

  auto parsed = ParseProfile(std::string(kValid) + "[notices]\njlis_lead_days = 60\ncity_lead_days = 90\n",
                             "profiles/x.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->notices.jlis_lead_days, 60);
  EXPECT_EQ(parsed->notices.city_lead_days, 90);
  EXPECT_EQ(ParseProfile(kValid, "profiles/x.toml")->notices.city_lead_days, 0);

  const Broken cases[] = {
      {"city notice after J-LIS's", std::string(kValid) + "[notices]\njlis_lead_days = 76\ncity_lead_days = 70\n",
       "profiles/x.toml:21 notices.city_lead_days"},
      {"lead out of range", std::string(kValid) + "[notices]\njlis_lead_days = 0\n",
       "profiles/x.toml:20 notices.jlis_lead_days"},
      {"lead not a number", std::string(kValid) + "[notices]\njlis_lead_days = \"2.5 months\"\n",
       "profiles/x.toml:20 notices.jlis_lead_days"},
      {"unknown notice key", std::string(kValid) + "[notices]\nlead_months = 2\n",
       "profiles/x.toml:20 notices.lead_months"},
      {"phone with letters", std::string(kValid) + "[contact]\nphone = \"076-220-CALL\"\n",
       "profiles/x.toml:20 contact.phone"},
      {"phone too short", std::string(kValid) + "[contact]\nbooking_phone = \"110\"\n",
       "profiles/x.toml:20 contact.booking_phone"},
      {"booking URL not http", std::string(kValid) + "[contact]\nbooking_url = \"javascript:alert(1)\"\n",
       "profiles/x.toml:20 contact.booking_url"},
  };
  for (const Broken& c : cases) {
    auto m = ParseProfile(c.text, "profiles/x.toml");
    ASSERT_FALSE(m.ok()) << c.what;
    EXPECT_EQ(m.error().field, c.field) << c.what << ": " << m.error().ToString();
  }
}

// R-OFF-6 and the slot settings (local, not from a seed) of [reservation].
TEST(ParseProfile, ReservationSlotsAndReservationId) {
  auto reg = Registry::Builtin();
  ASSERT_TRUE(reg.ok());
  const Municipality& yokohama = **reg->Find("yokohama");
  EXPECT_TRUE(yokohama.reservation.requires_reservation_id);  // R-OFF-6: 予約ID
  EXPECT_EQ(yokohama.reservation.slot_minutes, 30);
  EXPECT_EQ(yokohama.reservation.slot_capacity, 2);
  const Municipality& kanazawa = **reg->Find("kanazawa");
  EXPECT_FALSE(kanazawa.reservation.requires_reservation_id);  // LINE, no ID (R-OFF-3)
  EXPECT_EQ(kanazawa.reservation.min_days_ahead, 7);
  EXPECT_EQ(kanazawa.reservation.slot_minutes, 30);
  EXPECT_EQ(kanazawa.reservation.slot_capacity, 2);

  auto defaults = ParseProfile(kValid, "profiles/x.toml");
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->reservation.requires_reservation_id);
  EXPECT_EQ(defaults->reservation.slot_minutes, 30);
  EXPECT_EQ(defaults->reservation.slot_capacity, 1);
  auto set = ParseProfile(std::string(kValid) +
                              "[reservation]\nslot_minutes = 15\nslot_capacity = 4\n"
                              "requires_reservation_id = true\n",
                          "profiles/x.toml");
  ASSERT_TRUE(set.ok()) << set.error().ToString();
  EXPECT_EQ(set->reservation.slot_minutes, 15);
  EXPECT_EQ(set->reservation.slot_capacity, 4);
  EXPECT_TRUE(set->reservation.requires_reservation_id);

  const Broken cases[] = {
      {"zero slot length", std::string(kValid) + "[reservation]\nslot_minutes = 0\n",
       "profiles/x.toml:20 reservation.slot_minutes"},
      {"negative capacity", std::string(kValid) + "[reservation]\nslot_capacity = -2\n",
       "profiles/x.toml:20 reservation.slot_capacity"},
      {"slot longer than a day", std::string(kValid) + "[reservation]\nslot_minutes = 1441\n",
       "profiles/x.toml:20 reservation.slot_minutes"},
      {"capacity as text", std::string(kValid) + "[reservation]\nslot_capacity = \"2\"\n",
       "profiles/x.toml:20 reservation.slot_capacity"},
      {"reservation id not a bool",
       std::string(kValid) + "[reservation]\nrequires_reservation_id = \"yes\"\n",
       "profiles/x.toml:20 reservation.requires_reservation_id"},
  };
  for (const Broken& c : cases) {
    auto m = ParseProfile(c.text, "profiles/x.toml");
    ASSERT_FALSE(m.ok()) << c.what;
    EXPECT_EQ(m.error().field, c.field) << c.what << ": " << m.error().ToString();
    EXPECT_FALSE(m.error().message.empty()) << c.what;
  }
}

}  // namespace
}  // namespace mynacert::profiles
