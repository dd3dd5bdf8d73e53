// Runs src/rules/testdata/seed_examples.txt: one row per worked example of the seeds.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "rules/assessment.h"

namespace mynacert::rules {
namespace {

std::string Trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(Trim(item));
  return out;
}

std::map<std::string, std::string> KeyValues(const std::string& s) {
  std::map<std::string, std::string> kv;
  for (const std::string& w : Split(s, ' ')) {
    if (w.empty()) continue;
    const auto eq = w.find('=');
    kv[w.substr(0, eq)] = eq == std::string::npos ? "true" : w.substr(eq + 1);
  }
  return kv;
}

Date MustDate(const std::string& s) {
  auto d = Date::Parse(s);
  EXPECT_TRUE(d.ok()) << s;
  return d.ok() ? *d : Date();
}

std::string Actual(const Assessment& a, const std::string& path) {
  auto opt = [](const std::optional<Date>& d) { return d ? d->ToString() : "null"; };
  const auto cert = [&](const CertAssessment& c, const std::string& field) -> std::string {
    if (field == "expires") return c.issued ? c.validity.expires.ToString() : "null";
    if (field == "renewal_from") return c.issued ? c.renewal_from.ToString() : "null";
    if (field == "status") return std::string(CertStatusName(c.status));
    if (field == "if_issued_today") return opt(c.if_issued_today);
    if (field == "eligible") return c.eligible ? "true" : "false";
    return "?unknown field " + field;
  };
  if (path == "card.expires") return a.card.expires.ToString();
  if (path == "health_insurance_until") return a.health_insurance_until.ToString();
  if (path.rfind("auth.", 0) == 0) return cert(a.auth, path.substr(5));
  if (path.rfind("sign.", 0) == 0) return cert(a.sign, path.substr(5));
  return "?unknown path " + path;
}

struct Row {
  int line;
  std::string rule, seed, what, inputs, expectations;
};

std::vector<Row> LoadRows() {
  std::ifstream in(std::string(MYNACERT_SOURCE_DIR) + "/src/rules/testdata/seed_examples.txt");
  EXPECT_TRUE(in.good());
  std::vector<Row> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    const auto cols = Split(line, '|');
    EXPECT_EQ(cols.size(), 5u) << "line " << n;
    if (cols.size() == 5) rows.push_back({n, cols[0], cols[1], cols[2], cols[3], cols[4]});
  }
  return rows;
}

TEST(SeedExamples, EveryRowHoldsAndCitesItsRule) {
  const std::vector<Row> rows = LoadRows();
  ASSERT_GE(rows.size(), 35u);  // guards against a parse that silently drops rows
  for (const Row& row : rows) {
    SCOPED_TRACE("seed_examples.txt:" + std::to_string(row.line) + " " + row.rule + " (seed " +
                 row.seed + ") " + row.what);
    ASSERT_TRUE(IsKnownRule(row.rule)) << row.rule;
    auto in = KeyValues(row.inputs);
    Facts f;
    f.birth = MustDate(in.at("birth"));
    f.card_issued = MustDate(in.at("card-issued"));
    f.card_applied = in.count("card-applied") ? MustDate(in["card-applied"]) : f.card_issued;
    if (in.count("cert-issued")) f.cert_issued = MustDate(in["cert-issued"]);
    if (in.count("stay-until")) f.stay_until = MustDate(in["stay-until"]);
    if (in.count("sign-revoked-on")) f.sign_revoked_on = MustDate(in["sign-revoked-on"]);
    f.cert_renewal = in.count("cert-renewal") > 0;
    f.abroad = in.count("abroad") > 0;
    f.adult_ward = in.count("adult-ward") > 0;
    profiles::RuleSettings s;
    if (in.count("leap") && in["leap"] == "mar1")
      s.leap_day_birthday = profiles::LeapDayBirthday::kMar1;
    if (in.count("reading") && in["reading"] == "B")
      s.window_reading = profiles::WindowReading::kCivilCode;
    auto a = Assess(f, MustDate(in.at("today")), s);
    ASSERT_TRUE(a.ok()) << a.error().ToString();
    for (const auto& [path, want] : KeyValues(row.expectations)) {
      EXPECT_EQ(Actual(*a, path), want) << path;
    }
    bool cited = false;
    for (const Reason& r : Explain(*a, s)) cited = cited || r.rule == row.rule;
    EXPECT_TRUE(cited) << "the assessment does not cite " << row.rule;
  }
}

}  // namespace
}  // namespace mynacert::rules
