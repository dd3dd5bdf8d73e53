// The expiry-notice batch (R-NOT): selection with real dates, idempotency and resumption, the
// letters as PDF read back with pdftotext, the mail vendor's CSV.
//
// Residents, cards and certificates are inserted through counter::CounterStore directly (no CA
// is needed to decide who gets a notice).
#include "notices/notices.h"

#include <gtest/gtest.h>

#include "store/testing.h"
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "notices/letter.h"
#include "notices/pdf.h"
#include "notices/pickup_notice.h"
#include "counter/card_renewal.h"

namespace mynacert::notices {
namespace {

constexpr Date kExpiry = Date::Ymd(2026, 7, 7);

struct HolderSpec {
  std::string municipality = "yamagata";
  std::string name = "山形　花子";
  std::string address = "山形県山形市旅篭町二丁目3番25号";
  Date birth = Date::Ymd(1980, 7, 7);
  Date auth_expiry = kExpiry;
  std::optional<Date> sign_expiry = kExpiry;  // nullopt: no sign cert (under 15)
  bool forwarding = false;
  bool adult_ward = false;
  std::string card_state = "active";
  std::string cert_state = "active";
  bool renewed = false;  // renewed inside the window: new certs to expiry + 5 years (R-VAL-1a)
  std::optional<Date> card_expiry;  // default: auth_expiry + 5 years
};

// The notice batch's selection and its records on both engines (store/testing.h).
class NoticesTest : public store::testing::EngineTest {
 protected:
  void SetUp() override {
    store::testing::EngineTest::SetUp();
    if (IsSkipped() || HasFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("mynacert-notices-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto reg = profiles::Registry::Builtin();
    ASSERT_TRUE(reg.ok());
    profiles_ = std::make_unique<profiles::Registry>(std::move(reg).value());
    auto s = counter::CounterStore::Open(Db());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
  }
  void TearDown() override {
    if (!std::getenv("MYNACERT_NOTICES_KEEP")) std::filesystem::remove_all(dir_);  // to look at the PDFs
  }

  std::string Db() const { return postgres() ? locator() : (dir_ / "counter.db").string(); }

  int64_t Holder(const HolderSpec& h) {
    counter::Resident r;
    r.municipality = h.municipality;
    r.name = h.name;
    r.name_kana = "ヤマガタ　ハナコ";
    r.address = h.address;
    r.birth = h.birth;
    r.sex = 2;
    r.household = "H" + std::to_string(++households_);
    r.forwarding = h.forwarding;
    r.adult_ward = h.adult_ward;
    auto id = store_->AddResident(r, 1);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    counter::CardRecord card;
    card.resident_id = *id;
    card.location = "file:/dev/null";
    card.chip_id = "00";
    card.issued = h.auth_expiry.AddYearsClamped(-5);
    card.applied = card.issued.AddDays(-30);
    card.expires = h.card_expiry.value_or(h.auth_expiry.AddYearsClamped(5));
    card.state = h.card_state;
    auto card_id = store_->AddCard(card, 1);
    EXPECT_TRUE(card_id.ok());
    auto cert = [&](const std::string& kind, Date expiry, const std::string& state, int n) {
      counter::CertRecord c;
      c.resident_id = *id;
      c.card_id = *card_id;
      c.kind = kind;
      c.serial = kind + "-" + std::to_string(*id) + "-" + std::to_string(n);
      c.issued = expiry.AddYearsClamped(-5);
      c.last_valid_day = expiry;
      c.state = state;
      EXPECT_TRUE(store_->AddCert(c).ok());
    };
    const std::string first_state = h.renewed ? "superseded" : h.cert_state;
    cert("auth", h.auth_expiry, first_state, 1);
    if (h.sign_expiry) cert("sign", *h.sign_expiry, first_state, 1);
    if (h.renewed) {
      cert("auth", h.auth_expiry.AddYearsClamped(5), "active", 2);
      if (h.sign_expiry) cert("sign", h.sign_expiry->AddYearsClamped(5), "active", 2);
    }
    return *id;
  }

  // What SelectDue says about one resident on `day`: "city", "jlis", "jlis:undeliverable", …
  std::vector<std::string> DueFor(int64_t resident, Date day, Selection* out = nullptr) {
    auto sel = SelectDue(store_->db(), *profiles_, day);
    EXPECT_TRUE(sel.ok()) << sel.error().ToString();
    std::vector<std::string> got;
    for (const DueNotice& d : sel->due) {
      if (d.resident_id != resident) continue;
      got.push_back(std::string(KindName(d.kind)) + "@" + d.cert_expiry.ToString() +
                    (d.undeliverable ? ":undeliverable" : "") + (d.sign ? "" : ":auth-only"));
    }
    if (out) *out = *sel;
    return got;
  }

  RunOptions Options(Date day, bool pdf = false) {
    RunOptions o;
    o.run_date = day;
    o.out_dir = (dir_ / "out").string();
    o.pdf = pdf;
    o.now = 1780000000;
    o.reservation_ids = [this](int64_t resident, const std::string& municipality, Date expiry,
                               Date window_start) -> Result<std::string> {
      issued_.push_back({resident, window_start});
      EXPECT_EQ(municipality, "yokohama");
      return "Y" + std::to_string(resident) + "-" + std::to_string(expiry.day()) + "41";
    };
    return o;
  }

  RunReport Run(const RunOptions& o) {
    auto r = RunBatch(*store_, *profiles_, o);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : RunReport{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<profiles::Registry> profiles_;
  std::unique_ptr<counter::CounterStore> store_;
  int households_ = 0;
  std::vector<std::pair<int64_t, Date>> issued_;  // reservation IDs asked for
};

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

// ---- selection (R-NOT-1..4), real dates ----

struct SelectionCase {
  const char* what;
  HolderSpec holder;
  Date day;
  std::vector<std::string> due;
};

HolderSpec Yamagata() { return HolderSpec{}; }
HolderSpec With(HolderSpec h, void (*f)(HolderSpec&)) {
  f(h);
  return h;
}

TEST_P(NoticesTest, SelectionWithRealDates) {
  // Yamagata's lead is 76 days: 2026-07-07 − 76 days = 2026-04-22 (R-NOT-1).
  // Yokohama's city notice 95 days before: 2026-04-03 (R-NOT-3).
  const std::string j = "jlis@2026-07-07";
  const SelectionCase cases[] = {
      {"the day before the send date", Yamagata(), Date::Ymd(2026, 4, 21), {}},
      {"the send date", Yamagata(), Date::Ymd(2026, 4, 22), {j}},
      {"a later day catches up", Yamagata(), Date::Ymd(2026, 6, 1), {j}},
      {"the expiry day itself", Yamagata(), kExpiry, {j}},
      {"never after expiry", Yamagata(), Date::Ymd(2026, 7, 8), {}},
      {"renewed: the active certs expire 2031-07-07 (R-NOT-4)",
       With(Yamagata(), [](HolderSpec& h) { h.renewed = true; }), Date::Ymd(2026, 5, 1), {}},
      {"forwarding request on file: undeliverable (R-NOT-2)",
       With(Yamagata(), [](HolderSpec& h) { h.forwarding = true; }), Date::Ymd(2026, 5, 1),
       {j + ":undeliverable"}},
      {"card returned (deceased, 返納)",
       With(Yamagata(), [](HolderSpec& h) { h.card_state = "returned"; }), Date::Ymd(2026, 5, 1), {}},
      {"no active certificate (revoked)",
       With(Yamagata(), [](HolderSpec& h) { h.cert_state = "revoked"; }), Date::Ymd(2026, 5, 1), {}},
      {"under 15: auth cert only",
       With(Yamagata(), [](HolderSpec& h) { h.birth = Date::Ymd(2016, 7, 7); h.sign_expiry.reset(); }),
       Date::Ymd(2026, 5, 1), {j + ":auth-only"}},
      {"a sign cert expiring on another day gets its own notice",
       With(Yamagata(), [](HolderSpec& h) { h.sign_expiry = Date::Ymd(2026, 6, 1); }),
       Date::Ymd(2026, 5, 1), {"jlis@2026-06-01", j + ":auth-only"}},
      {"Kanazawa: about 2.5 months (76 days)",
       With(Yamagata(), [](HolderSpec& h) { h.municipality = "kanazawa"; }), Date::Ymd(2026, 4, 22), {j}},
      {"Yokohama: the city notice is not due yet",
       With(Yamagata(), [](HolderSpec& h) { h.municipality = "yokohama"; }), Date::Ymd(2026, 4, 2), {}},
      {"Yokohama: the city notice from 95 days before",
       With(Yamagata(), [](HolderSpec& h) { h.municipality = "yokohama"; }), Date::Ymd(2026, 4, 3),
       {"city@2026-07-07"}},
      {"Yokohama: J-LIS's waits for the city's, even when both are due (R-NOT-3)",
       With(Yamagata(), [](HolderSpec& h) { h.municipality = "yokohama"; }), Date::Ymd(2026, 5, 1),
       {"city@2026-07-07"}},
  };
  for (const SelectionCase& c : cases) {
    const int64_t id = Holder(c.holder);
    EXPECT_EQ(DueFor(id, c.day), c.due) << c.what;
  }
}

TEST_P(NoticesTest, TheSendDateIsTheLeadBeforeExpiry) {
  const int64_t id = Holder(Yamagata());
  Selection sel;
  ASSERT_EQ(DueFor(id, Date::Ymd(2026, 5, 1), &sel).size(), 1u);
  EXPECT_EQ(sel.due[0].send_date, Date::Ymd(2026, 4, 22));
  EXPECT_EQ(sel.due[0].card_expiry, Date::Ymd(2031, 7, 7));
  EXPECT_TRUE(sel.due[0].auth && sel.due[0].sign);
}

// ---- Yokohama: the city notice first, with a reservation ID; then J-LIS's ----

TEST_P(NoticesTest, YokohamaCityNoticeFirstThenJlis) {
  HolderSpec h;
  h.municipality = "yokohama";
  h.name = "横浜　太郎";
  h.address = "神奈川県横浜市中区港町1丁目1番地";
  const int64_t id = Holder(h);

  RunReport first = Run(Options(Date::Ymd(2026, 4, 3)));
  EXPECT_EQ(first.mailed_city, 1);
  EXPECT_EQ(first.mailed_jlis, 0);
  ASSERT_EQ(first.produced.size(), 1u);
  EXPECT_EQ(first.produced[0].kind, Kind::kCity);
  EXPECT_EQ(first.produced[0].reservation_id, "Y" + std::to_string(id) + "-741");
  ASSERT_EQ(issued_.size(), 1u);
  EXPECT_EQ(issued_[0].second, Date::Ymd(2026, 4, 8));  // R-WIN-1: expiry 7/7 -> from 4/8

  // J-LIS's is not due before its own send date (2026-04-22) …
  RunReport early = Run(Options(Date::Ymd(2026, 4, 21)));
  EXPECT_EQ(early.mailed_jlis + early.mailed_city, 0);
  EXPECT_EQ(early.already_sent, 1);
  // … and goes out from then, after the city's.
  RunReport second = Run(Options(Date::Ymd(2026, 4, 22), true));
  EXPECT_EQ(second.mailed_jlis, 1);
  EXPECT_EQ(second.mailed_city, 0);
  EXPECT_EQ(issued_.size(), 1u);
  ASSERT_EQ(second.produced.size(), 1u);
  EXPECT_EQ(second.produced[0].pages, 2);  // J-LIS's letter lists all 18 wards, still one page
}

TEST_P(NoticesTest, YokohamaCatchUpSendsTheCityNoticeOneDayEarlier) {
  HolderSpec h;
  h.municipality = "yokohama";
  h.address = "神奈川県横浜市港南区港南4丁目2番10号";
  Holder(h);
  RunReport a = Run(Options(Date::Ymd(2026, 5, 1)));  // both due; J-LIS's held
  EXPECT_EQ(a.mailed_city, 1);
  EXPECT_EQ(a.mailed_jlis, 0);
  EXPECT_EQ(a.waiting_for_city, 1);
  RunReport again = Run(Options(Date::Ymd(2026, 5, 1)));  // same day: still held
  EXPECT_EQ(again.mailed_jlis + again.mailed_city, 0);
  RunReport b = Run(Options(Date::Ymd(2026, 5, 2)));
  EXPECT_EQ(b.mailed_jlis, 1);
}

TEST_P(NoticesTest, YokohamaHolderWhoRenewedAfterTheCityNoticeGetsNoJlisNotice) {
  HolderSpec h;
  h.municipality = "yokohama";
  const int64_t id = Holder(h);
  EXPECT_EQ(Run(Options(Date::Ymd(2026, 4, 3))).mailed_city, 1);
  // Renewed at the ward on 2026-04-10 (R-VAL-1a: to 2031-07-07).
  auto certs = store_->Certs(id);
  ASSERT_TRUE(certs.ok());
  auto card = store_->ActiveCard(id);
  ASSERT_TRUE(card.ok() && *card);
  for (const counter::CertRecord& c : *certs) {
    ASSERT_TRUE(store_->EndCert(c.kind, c.serial, "superseded", "superseded", Date::Ymd(2026, 4, 10)).ok());
    counter::CertRecord n = c;
    n.serial += "-renewed";
    n.issued = Date::Ymd(2026, 4, 10);
    n.last_valid_day = Date::Ymd(2031, 7, 7);
    n.renewal = true;
    ASSERT_TRUE(store_->AddCert(n).ok());
  }
  RunReport r = Run(Options(Date::Ymd(2026, 4, 22)));
  EXPECT_EQ(r.mailed_jlis + r.mailed_city + r.waiting_for_city, 0);  // R-NOT-4
}

TEST_P(NoticesTest, ForwardingIsListedAsUndeliverableNotMailed) {
  HolderSpec h;
  h.forwarding = true;
  const int64_t id = Holder(h);
  RunReport r = Run(Options(Date::Ymd(2026, 5, 1), true));
  EXPECT_EQ(r.undeliverable, 1);
  EXPECT_EQ(r.mailed_jlis, 0);
  ASSERT_EQ(r.produced.size(), 1u);
  EXPECT_EQ(r.produced[0].outcome, "undeliverable");
  EXPECT_TRUE(r.produced[0].letter_file.empty());  // no letter rendered
  EXPECT_EQ(Lines(ReadAll(r.csv_path)).size(), 1u);  // header only: nothing for the vendor
  const auto staff = Lines(ReadAll(r.undeliverable_csv_path));
  ASSERT_EQ(staff.size(), 2u);
  EXPECT_NE(staff[1].find(std::to_string(id)), std::string::npos);
  // Recorded once: the next day does not list it again.
  EXPECT_EQ(Run(Options(Date::Ymd(2026, 5, 2))).undeliverable, 0);
}

// ---- idempotency ----

TEST_P(NoticesTest, RunningTheSameDayTwiceSendsNothingTwice) {
  for (int i = 0; i < 3; ++i) Holder(Yamagata());
  RunReport first = Run(Options(Date::Ymd(2026, 5, 1)));
  EXPECT_EQ(first.mailed_jlis, 3);
  EXPECT_EQ(first.batch_id, "20260501-1");
  RunReport second = Run(Options(Date::Ymd(2026, 5, 1)));
  EXPECT_EQ(second.mailed_jlis, 0);
  EXPECT_EQ(second.already_sent, 3);
  EXPECT_EQ(second.batch_id, "20260501-2");
  EXPECT_FALSE(second.resumed);
  EXPECT_EQ(Lines(ReadAll(second.csv_path)).size(), 1u);  // the second CSV is empty
  // Nor a later day.
  EXPECT_EQ(Run(Options(Date::Ymd(2026, 5, 2))).mailed_jlis, 0);
  auto listed = ListSent(store_->db(), Date::Ymd(2026, 5, 1));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 3u);
}

TEST_P(NoticesTest, APartialRunIsResumedWithoutDuplicates) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(Holder(Yamagata()));
  RunOptions o = Options(Date::Ymd(2026, 5, 1));
  o.chunk_size = 2;
  o.after_chunk = [](size_t chunk) -> Status {
    if (chunk == 2) return Error{ErrorCode::kInternal, "test", "crash after chunk 2", ""};
    return {};
  };
  auto crashed = RunBatch(*store_, *profiles_, o);
  ASSERT_FALSE(crashed.ok());
  auto partial = ListSent(store_->db(), Date::Ymd(2026, 5, 1));
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->size(), 4u);  // two chunks committed

  // The store is reopened, as a restarted process would.
  store_.reset();
  auto s = counter::CounterStore::Open(Db());
  ASSERT_TRUE(s.ok());
  store_ = std::move(s).value();
  RunOptions again = Options(Date::Ymd(2026, 5, 1));
  again.chunk_size = 2;
  std::vector<std::pair<size_t, size_t>> progress;
  again.progress = [&](size_t done, size_t total) { progress.emplace_back(done, total); };
  RunReport resumed = Run(again);
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(resumed.batch_id, "20260501-1");
  EXPECT_EQ(resumed.mailed_jlis, 3);
  EXPECT_EQ(resumed.already_sent, 4);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(size_t{3}, size_t{3}));

  auto all = ListSent(store_->db(), Date::Ymd(2026, 5, 1));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 7u);
  std::map<int64_t, int> per_resident;
  for (const SentNotice& n : *all) ++per_resident[n.resident_id];
  for (int64_t id : ids) EXPECT_EQ(per_resident[id], 1) << id;
  // The batch's CSV lists all seven, the chunks before the crash included.
  EXPECT_EQ(Lines(ReadAll(resumed.csv_path)).size(), 8u);
}

// ---- letters ----

// pdftotext's text of pages [first, first + pages) of a PDF ("" when it fails).
std::string PdfText(const std::string& pdf, int first, int pages) {
  const std::string txt = pdf + "." + std::to_string(first) + ".txt";
  const std::string cmd = "pdftotext -enc UTF-8 -f " + std::to_string(first) + " -l " +
                          std::to_string(first + pages - 1) + " '" + pdf + "' '" + txt +
                          "' 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return {};
  return ReadAll(txt);
}

bool UnderCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string_view(ci) == "true";
}
// pdftotext (poppler-utils) reads the letters back; under CI its absence fails the test (the
// install step brings it), elsewhere it skips.
bool HavePdftotext() {
  if (std::system("command -v pdftotext >/dev/null 2>&1") == 0) return true;
  if (UnderCi()) ADD_FAILURE() << "pdftotext (poppler-utils) is not installed (CI installs it)";
  return false;
}

// The QR codes on page `page` of a PDF, as zbarimg decodes them from pdftoppm's bitmap ("" when
// either fails).
std::string PdfQrCodes(const std::string& pdf, int page) {
  const std::string png = pdf + ".qr";
  const std::string cmd = "pdftoppm -r 200 -gray -singlefile -f " + std::to_string(page) + " -l " +
                          std::to_string(page) + " -png '" + pdf + "' '" + png + "' && zbarimg --quiet --raw '" +
                          png + ".png' 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return "";
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  pclose(p);
  std::filesystem::remove(png + ".png");
  return out;
}

TEST_P(NoticesTest, TheLetterOpensAndSaysWhoAndWhen) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  Holder(Yamagata());
  HolderSpec comma;
  comma.name = "最上　一郎";
  comma.address = "山形県山形市七日町1丁目, 2番";  // a comma: quoted in the CSV
  Holder(comma);
  RunReport r = Run(Options(Date::Ymd(2026, 5, 1), true));
  ASSERT_EQ(r.mailed_jlis, 2);
  const SentNotice& n = r.produced[0];
  ASSERT_FALSE(n.letter_file.empty());
  EXPECT_EQ(n.first_page, 1);
  EXPECT_EQ(n.pages, 2);
  // Both letters are page ranges of the chunk's print file (notices/pdf.h).
  EXPECT_EQ(r.produced[1].letter_file, n.letter_file);
  EXPECT_EQ(r.produced[1].first_page, 3);
  const std::string text = PdfText(n.letter_file, n.first_page, n.pages);
  ASSERT_FALSE(text.empty());
  EXPECT_NE(text.find("山形"), std::string::npos);
  EXPECT_NE(text.find("花子"), std::string::npos);
  EXPECT_NE(text.find("2026-07-07"), std::string::npos);   // the expiry
  EXPECT_NE(text.find("2026-04-08"), std::string::npos);   // the window start (R-WIN-1)
  EXPECT_NE(text.find("照会書兼回答書"), std::string::npos);  // page 2 (R-PROC-4)
  EXPECT_NE(text.find("目隠し"), std::string::npos);
  EXPECT_NE(text.find("R-NOT-4"), std::string::npos);
  EXPECT_NE(text.find("08:30"), std::string::npos);  // the counter's hours
  EXPECT_EQ(text.find("最上"), std::string::npos);    // the next letter is not in this range
  const std::string second = PdfText(n.letter_file, 3, 2);
  EXPECT_NE(second.find("最上"), std::string::npos);
  EXPECT_EQ(second.find("花子"), std::string::npos);

  // The mail vendor's CSV: a header and one row per mailed letter.
  const auto csv = Lines(ReadAll(r.csv_path));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_EQ(csv[0], "letter_id,kind,postal_name,address,file,first_page,pages");
  EXPECT_EQ(csv[1], n.letter_id + ",jlis,山形　花子 様,山形県山形市旅篭町二丁目3番25号,"
                    "20260501-1-000001.pdf,1,2");
  EXPECT_NE(csv[2].find(",\"山形県山形市七日町1丁目, 2番\","), std::string::npos) << csv[2];
}

TEST_P(NoticesTest, TheYokohamaCityLetterShowsTheReservationIdAndTheWard) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  HolderSpec h;
  h.municipality = "yokohama";
  h.name = "横浜　太郎";
  h.address = "神奈川県横浜市青葉区市ケ尾町31番地4";
  const int64_t id = Holder(h);
  RunReport r = Run(Options(Date::Ymd(2026, 4, 3), true));
  ASSERT_EQ(r.mailed_city, 1);
  EXPECT_EQ(r.produced[0].pages, 2);
  const std::string text = PdfText(r.produced[0].letter_file, 1, r.produced[0].pages);
  EXPECT_NE(text.find("予約ID"), std::string::npos);
  EXPECT_NE(text.find("Y" + std::to_string(id) + "-741"), std::string::npos);
  EXPECT_NE(text.find("青葉区役所戸籍課登録担当"), std::string::npos);  // the ward's counter
  EXPECT_EQ(text.find("鶴見区役所"), std::string::npos);              // and only it
  EXPECT_NE(text.find("2026-07-07"), std::string::npos);
  // Without a booking address the letter gives the phones of seed 003 (issue 16).
  EXPECT_NE(text.find("0120-769-706"), std::string::npos);
  EXPECT_NE(text.find("045-550-5454"), std::string::npos);
}

// With the residents' page configured, the letter prints it and a QR code that opens the
// booking form with the 予約ID (issue 16); zbarimg reads the code off the printed page.
TEST_P(NoticesTest, TheCityLetterCarriesTheBookingPageAsAQrCode) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  if (std::system("command -v zbarimg >/dev/null 2>&1") != 0) {
    if (UnderCi()) FAIL() << "zbarimg (zbar-tools) is not installed (CI installs it)";
    GTEST_SKIP() << "zbarimg not installed";
  }
  HolderSpec h;
  h.municipality = "yokohama";
  h.name = "横浜　花子";
  h.address = "神奈川県横浜市中区港町1丁目1番地";
  const int64_t id = Holder(h);
  RunOptions o = Options(Date::Ymd(2026, 4, 3), true);
  o.booking_url = "https://mynacert.example.lg.jp/";
  RunReport r = Run(o);
  ASSERT_EQ(r.mailed_city, 1);
  // The form opens on the ward's counter of the address (R-NOT-3: 中区).
  const std::string url = "https://mynacert.example.lg.jp/#/book/Y" + std::to_string(id) + "-741/yokohama-naka";
  const std::string text = PdfText(r.produced[0].letter_file, r.produced[0].first_page, 1);
  EXPECT_NE(text.find(url), std::string::npos) << text;
  EXPECT_NE(text.find("電話予約"), std::string::npos);
  const std::string codes = PdfQrCodes(r.produced[0].letter_file, r.produced[0].first_page);
  EXPECT_EQ(codes, url + "\n");
}

// ---- the card's own expiry notice (R-CARD-1..4) ----

// A holder whose CARD expires 80 days after 2026-05-01 (2026-07-20), the certificates with it
// (R-VAL-5): Yamagata's J-LIS certificate notice is due only from 2026-05-05 (76 days), the card
// notice (90 days) from 2026-04-21.
constexpr Date kCardRun = Date::Ymd(2026, 5, 1);
constexpr Date kCardExpiry = Date::Ymd(2026, 7, 20);
HolderSpec CardHolder() {
  HolderSpec h;
  h.auth_expiry = kCardExpiry;
  h.sign_expiry = kCardExpiry;
  h.card_expiry = kCardExpiry;
  return h;
}

// The card notices SelectDue gives a resident on `day`: "card@2026-07-20" (":undeliverable").
std::vector<std::string> CardDue(const profiles::Registry& reg, store::Database& db, int64_t resident, Date day) {
  auto sel = SelectDue(db, reg, day);
  EXPECT_TRUE(sel.ok()) << sel.error().ToString();
  std::vector<std::string> got;
  if (!sel.ok()) return got;
  for (const DueNotice& d : sel->due) {
    if (d.resident_id != resident || d.kind != Kind::kCard) continue;
    EXPECT_EQ(d.card_expiry, d.cert_expiry);
    EXPECT_FALSE(d.auth || d.sign);
    got.push_back("card@" + d.cert_expiry.ToString() + (d.undeliverable ? ":undeliverable" : ""));
  }
  return got;
}

TEST_P(NoticesTest, CardNoticeSelectionWithRealDates) {
  const int64_t id = Holder(CardHolder());
  const std::vector<std::string> c = {"card@2026-07-20"};
  // 2026-07-20 − 90 days = 2026-04-21.
  EXPECT_EQ(CardDue(*profiles_, store_->db(), id, Date::Ymd(2026, 4, 20)), std::vector<std::string>{});
  EXPECT_EQ(CardDue(*profiles_, store_->db(), id, Date::Ymd(2026, 4, 21)), c);
  EXPECT_EQ(CardDue(*profiles_, store_->db(), id, kCardRun), c);  // a missed day is caught up
  EXPECT_EQ(CardDue(*profiles_, store_->db(), id, kCardExpiry), c);
  EXPECT_EQ(CardDue(*profiles_, store_->db(), id, kCardExpiry.AddDays(1)), std::vector<std::string>{});
  // The certificate notice is another kind, on its own dates.
  EXPECT_EQ(DueFor(id, kCardRun), std::vector<std::string>{"card@2026-07-20:auth-only"});
  EXPECT_EQ(DueFor(id, Date::Ymd(2026, 5, 5)),
            (std::vector<std::string>{"jlis@2026-07-20", "card@2026-07-20:auth-only"}));
  // A returned card gets none.
  HolderSpec returned = CardHolder();
  returned.card_state = "returned";
  EXPECT_EQ(CardDue(*profiles_, store_->db(), Holder(returned), kCardRun), std::vector<std::string>{});
}

TEST_P(NoticesTest, CardNoticeOnceWithItsApplication) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  const int64_t id = Holder(CardHolder());
  RunOptions o = Options(kCardRun, true);
  o.booking_url = "https://mynacert.example.lg.jp/";
  RunReport r = Run(o);
  EXPECT_EQ(r.mailed_card, 1);
  EXPECT_EQ(r.mailed_jlis + r.mailed_city + r.undeliverable, 0);
  ASSERT_EQ(r.produced.size(), 1u);
  const SentNotice& n = r.produced[0];
  EXPECT_EQ(n.kind, Kind::kCard);
  EXPECT_EQ(n.cert_expiry, kCardExpiry);  // the card's expiry, in cert_expiry
  EXPECT_EQ(n.letter_id, "card-20260720-" + std::string(9 - std::to_string(id).size(), '0') + std::to_string(id));
  ASSERT_EQ(n.application_id.size(), 23u);

  // The application the form carries: opened with the notice, state noticed.
  auto apps = store_->CardApplications(id);
  ASSERT_TRUE(apps.ok()) << apps.error().ToString();
  ASSERT_EQ(apps->size(), 1u);
  EXPECT_EQ((*apps)[0].id, n.application_id);
  EXPECT_EQ((*apps)[0].state, "noticed");
  EXPECT_EQ((*apps)[0].card_expiry, kCardExpiry);
  EXPECT_EQ((*apps)[0].noticed_on, kCardRun);

  // The letter: two pages, the notice and the 交付申請書.
  ASSERT_FALSE(n.letter_file.empty());
  EXPECT_EQ(n.pages, 2);
  const std::string grouped = GroupedApplicationId(n.application_id);
  EXPECT_EQ(grouped.size(), 23u + 5u);  // 4-4-4-4-4-3
  const std::string page1 = PdfText(n.letter_file, n.first_page, 1);
  EXPECT_NE(page1.find("2026年(令和8年)7月20日(月)"), std::string::npos) << page1;
  EXPECT_NE(page1.find("Mon 20 July 2026"), std::string::npos);
  EXPECT_NE(page1.find("無料"), std::string::npos);        // R-CARD-3
  EXPECT_NE(page1.find("交付通知書"), std::string::npos);  // R-CARD-2
  EXPECT_NE(page1.find("証明写真機"), std::string::npos);  // R-CARD-1
  EXPECT_NE(page1.find("R-CARD-4"), std::string::npos);
  EXPECT_NE(page1.find(grouped), std::string::npos);
  const int form_page = n.first_page + n.pages - 1;
  const std::string page2 = PdfText(n.letter_file, form_page, 1);
  EXPECT_NE(page2.find("交付申請書"), std::string::npos) << page2;
  EXPECT_NE(page2.find(grouped), std::string::npos) << page2;
  EXPECT_NE(page2.find("顔認証マイナンバーカード希望"), std::string::npos);
  EXPECT_NE(page2.find("縦4.5cm×横3.5cm"), std::string::npos);
  EXPECT_NE(page2.find("1980年(昭和55年)7月7日"), std::string::npos);
  if (std::system("command -v zbarimg >/dev/null 2>&1") == 0) {
    EXPECT_EQ(PdfQrCodes(n.letter_file, form_page),
              "https://mynacert.example.lg.jp/#/apply/" + n.application_id + "\n");
    EXPECT_EQ(PdfQrCodes(n.letter_file, n.first_page), "");  // page 1 has none
  } else if (UnderCi()) {
    ADD_FAILURE() << "zbarimg (zbar-tools) is not installed (CI installs it)";
  }
  // The mail vendor's CSV lists it as kind card.
  const auto csv = Lines(ReadAll(r.csv_path));
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_EQ(csv[1].rfind(n.letter_id + ",card,", 0), 0u) << csv[1];

  // Exactly once: the same day again, and a later day, find it recorded; the application
  // stays the one.
  RunReport again = Run(o);
  EXPECT_EQ(again.mailed_card, 0);
  EXPECT_EQ(again.already_sent, 1);
  EXPECT_EQ(Run(Options(Date::Ymd(2026, 5, 2))).mailed_card, 0);
  apps = store_->CardApplications(id);
  ASSERT_TRUE(apps.ok());
  EXPECT_EQ(apps->size(), 1u);
  auto listed = ListSent(store_->db(), kCardRun);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].application_id, n.application_id);
  EXPECT_EQ((*listed)[0].kind, Kind::kCard);
}

TEST_P(NoticesTest, AResumedRunKeepsTheCardNoticesApplications) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(Holder(CardHolder()));
  RunOptions o = Options(kCardRun);
  o.chunk_size = 1;
  o.after_chunk = [](size_t chunk) -> Status {
    if (chunk == 1) return Error{ErrorCode::kInternal, "test", "crash after chunk 1", ""};
    return {};
  };
  ASSERT_FALSE(RunBatch(*store_, *profiles_, o).ok());
  auto first = store_->CardApplications(ids[0]);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);  // committed with its notice
  auto second = store_->CardApplications(ids[1]);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty());  // nothing of the chunks not run
  o.after_chunk = nullptr;
  RunReport resumed = Run(o);
  EXPECT_TRUE(resumed.resumed);
  EXPECT_EQ(resumed.mailed_card, 2);
  auto all = ListSent(store_->db(), kCardRun);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  for (const SentNotice& n : *all) {
    auto apps = store_->CardApplications(n.resident_id);
    ASSERT_TRUE(apps.ok());
    ASSERT_EQ(apps->size(), 1u) << n.resident_id;
    EXPECT_EQ((*apps)[0].id, n.application_id);
  }
}

TEST_P(NoticesTest, CardNoticeWithoutABookingAddressHasNoQrCode) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  Holder(CardHolder());
  RunReport r = Run(Options(kCardRun, true));
  ASSERT_EQ(r.mailed_card, 1);
  const SentNotice& n = r.produced[0];
  const int form_page = n.first_page + n.pages - 1;
  const std::string page2 = PdfText(n.letter_file, form_page, 1);
  EXPECT_NE(page2.find("QR コードはありません"), std::string::npos) << page2;
  EXPECT_EQ(page2.find("#/apply/"), std::string::npos);
  if (std::system("command -v zbarimg >/dev/null 2>&1") == 0) {
    EXPECT_EQ(PdfQrCodes(n.letter_file, form_page), "");
  }
}

TEST_P(NoticesTest, CardNoticeWithForwardingIsUndeliverableWithItsApplication) {
  HolderSpec h = CardHolder();
  h.forwarding = true;
  const int64_t id = Holder(h);
  EXPECT_EQ(CardDue(*profiles_, store_->db(), id, kCardRun), std::vector<std::string>{"card@2026-07-20:undeliverable"});
  RunReport r = Run(Options(kCardRun, true));
  EXPECT_EQ(r.mailed_card, 0);
  EXPECT_EQ(r.undeliverable, 1);
  ASSERT_EQ(r.produced.size(), 1u);
  EXPECT_EQ(r.produced[0].outcome, "undeliverable");
  EXPECT_TRUE(r.produced[0].letter_file.empty());
  // The form's ID exists for staff to hand to a holder who asks (R-NOT-2).
  ASSERT_EQ(r.produced[0].application_id.size(), 23u);
  const auto staff = Lines(ReadAll(r.undeliverable_csv_path));
  ASSERT_EQ(staff.size(), 2u);
  EXPECT_NE(staff[1].find("," + r.produced[0].application_id), std::string::npos) << staff[1];
  EXPECT_EQ(Lines(ReadAll(r.csv_path)).size(), 1u);
  EXPECT_EQ(Run(Options(kCardRun.AddDays(1))).undeliverable, 0);  // recorded once
}

TEST_P(NoticesTest, CardLeadZeroSendsNoCardNotice) {
  // A sixth municipality whose profile sets notices.card_lead_days = 0.
  const std::filesystem::path extra = dir_ / "profiles";
  std::filesystem::create_directories(extra);
  std::string toml = ReadAll(std::string(MYNACERT_SOURCE_DIR) + "/tests/data/profiles/sixth/testshi.toml");
  ASSERT_FALSE(toml.empty());
  const auto counters = toml.find("[[counters]]");
  ASSERT_NE(counters, std::string::npos);
  toml.insert(counters, "[notices]\ncard_lead_days = 0\n\n");
  std::ofstream(extra / "testshi.toml") << toml;
  auto reg = profiles::Registry::Load(extra.string());
  ASSERT_TRUE(reg.ok()) << reg.error().ToString();
  ASSERT_EQ((*reg->Find("testshi"))->notices.card_lead_days, 0);
  profiles_ = std::make_unique<profiles::Registry>(std::move(reg).value());

  HolderSpec h = CardHolder();
  h.municipality = "testshi";
  const int64_t none = Holder(h);
  const int64_t yamagata = Holder(CardHolder());
  for (Date day : {Date::Ymd(2026, 4, 21), kCardRun, kCardExpiry}) {
    EXPECT_EQ(CardDue(*profiles_, store_->db(), none, day), std::vector<std::string>{}) << day;
    EXPECT_EQ(CardDue(*profiles_, store_->db(), yamagata, day).size(), 1u) << day;
  }
  RunReport r = Run(Options(kCardRun));
  EXPECT_EQ(r.mailed_card, 1);  // Yamagata's holder only
  auto apps = store_->CardApplications(none);
  ASSERT_TRUE(apps.ok());
  EXPECT_TRUE(apps->empty());
}

TEST_P(NoticesTest, TheCardLetterIsComposedFromTheRules) {
  const profiles::Municipality& kanazawa = **profiles_->Find("kanazawa");
  counter::Resident r;
  r.name = "金沢　花子";
  r.address = "石川県金沢市広坂1丁目1番1号";
  r.birth = Date::Ymd(2016, 1, 1);  // 10: the legal representative signs (R-PROC-2)
  DueNotice due;
  due.resident_id = 7;
  due.municipality = "kanazawa";
  due.kind = Kind::kCard;
  due.cert_expiry = due.card_expiry = Date::Ymd(2027, 2, 10);
  const std::string app = "12345678901234567890123";
  auto l = ComposeCardLetter(kanazawa, r, due, Date::Ymd(2026, 11, 12), "card-20270210-000000007", app,
                             "https://mynacert.example.lg.jp");
  ASSERT_TRUE(l.ok()) << l.error().ToString();
  EXPECT_EQ(l->card_expiry_ja, "2027年(令和9年)2月10日(水)");
  EXPECT_EQ(l->application_id_grouped, "1234 5678 9012 3456 7890 123");
  EXPECT_EQ(l->apply_url, "https://mynacert.example.lg.jp/#/apply/" + app);
  EXPECT_TRUE(l->legal_rep);
  std::string all;
  for (const Bilingual& b : l->card_intro) all += b.ja + "\n" + b.en + "\n";
  for (const CardSection& s : l->card_sections)
    for (const Bilingual& b : s.items) all += b.ja + "\n" + b.en + "\n";
  for (const char* want : {"R-CARD-4", "無料", "交付通知書", "証明写真機", "窓口", "郵送", "法定代理人", "R-FACE-1"}) {
    EXPECT_NE(all.find(want), std::string::npos) << want;
  }
  // A certificate composer refuses a card notice and vice versa.
  EXPECT_FALSE(ComposeLetter(kanazawa, r, due, Date::Ymd(2026, 11, 12), "x", "").ok());
  due.kind = Kind::kJlis;
  EXPECT_FALSE(ComposeCardLetter(kanazawa, r, due, Date::Ymd(2026, 11, 12), "x", app).ok());
}

TEST_P(NoticesTest, ThePickupNoticeSaysWhatToBringAndWhereToBook) {
  if (!HavePdftotext()) GTEST_SKIP() << "pdftotext (poppler-utils) not installed";
  const profiles::Municipality& yamagata = **profiles_->Find("yamagata");
  counter::Resident r;
  r.id = 9;
  r.municipality = "yamagata";
  r.name = "山形　花子";
  r.address = "山形県山形市旅篭町二丁目3番25号";
  r.birth = Date::Ymd(1980, 7, 7);
  counter::CardApplication a;
  a.id = "98765432109876543210987";
  a.resident_id = 9;
  a.card_expiry = kCardExpiry;
  a.state = "produced";
  a.applied_on = Date::Ymd(2026, 5, 10);
  a.produced_on = Date::Ymd(2026, 6, 1);
  a.new_card_expiry = Date::Ymd(2036, 7, 7);
  auto composed = ComposePickupNotice(yamagata, r, a, Date::Ymd(2026, 6, 2), "https://mynacert.example.lg.jp/");
  ASSERT_TRUE(composed.ok()) << composed.error().ToString();
  EXPECT_EQ(composed->booking_url, "https://mynacert.example.lg.jp/#/book");
  EXPECT_FALSE(composed->legal_rep);
  std::string bring;
  for (const Bilingual& b : composed->bring) bring += b.ja + "\n";
  EXPECT_NE(bring.find("交付通知書"), std::string::npos) << bring;
  EXPECT_NE(bring.find("返納"), std::string::npos) << bring;  // the current card is returned
  EXPECT_NE(bring.find("B×2"), std::string::npos) << bring;   // A×1 or B×2
  ASSERT_GE(composed->pins.size(), 3u);  // auth, sign, 住基 and text

  auto pdf = RenderPickupNotice(yamagata, r, a, Date::Ymd(2026, 6, 2), "https://mynacert.example.lg.jp/");
  ASSERT_TRUE(pdf.ok()) << pdf.error().ToString();
  const std::filesystem::path file = dir_ / "pickup.pdf";
  std::ofstream(file, std::ios::binary) << *pdf;
  const std::string text = PdfText(file.string(), 1, 1);
  EXPECT_NE(text.find("交付通知書"), std::string::npos) << text;
  EXPECT_NE(text.find("9876 5432 1098 7654 3210 987"), std::string::npos);
  EXPECT_NE(text.find("数字4桁"), std::string::npos);
  EXPECT_NE(text.find("英数字6〜16文字"), std::string::npos);
  EXPECT_NE(text.find("住民基本台帳用"), std::string::npos);
  if (std::system("command -v zbarimg >/dev/null 2>&1") == 0) {
    EXPECT_EQ(PdfQrCodes(file.string(), 1), "https://mynacert.example.lg.jp/#/book\n");
  }

  // A ten-year-old comes with the legal representative; no sign certificate PIN.
  r.birth = Date::Ymd(2016, 1, 1);
  composed = ComposePickupNotice(yamagata, r, a, Date::Ymd(2026, 6, 2), "");
  ASSERT_TRUE(composed.ok()) << composed.error().ToString();
  EXPECT_TRUE(composed->legal_rep);
  EXPECT_TRUE(composed->booking_url.empty());
  std::string pins;
  for (const Bilingual& b : composed->pins) pins += b.ja + "\n";
  EXPECT_EQ(pins.find("署名用"), std::string::npos) << pins;
}

TEST_P(NoticesTest, WardCounterMatchesTheWardNotASuffix) {
  const profiles::Municipality& y = **profiles_->Find("yokohama");
  const profiles::Counter* minami = WardCounter(y, "神奈川県横浜市南区浦舟町3丁目46番地");
  const profiles::Counter* konan = WardCounter(y, "神奈川県横浜市港南区港南4丁目2番10号");
  ASSERT_TRUE(minami && konan);
  EXPECT_EQ(minami->id, "yokohama-minami");
  EXPECT_EQ(konan->id, "yokohama-konan");
  EXPECT_EQ(WardCounter(y, "東京都世田谷区世田谷4丁目21番27号"), nullptr);
}

TEST_P(NoticesTest, TheLetterPlansSelfAndAgentFromTheRulesEngine) {
  const profiles::Municipality& kanazawa = **profiles_->Find("kanazawa");
  counter::Resident r;
  r.name = "金沢　花子";
  r.address = "石川県金沢市広坂1丁目1番1号";
  r.birth = Date::Ymd(1980, 7, 7);
  DueNotice due;
  due.resident_id = 1;
  due.municipality = "kanazawa";
  due.cert_expiry = kExpiry;
  due.auth = due.sign = true;
  due.card_expiry = Date::Ymd(2031, 7, 7);
  auto l = ComposeLetter(kanazawa, r, due, Date::Ymd(2026, 5, 1), "jlis-20260707-000000001", "");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->window_start, Date::Ymd(2026, 4, 8));
  ASSERT_EQ(l->plans.size(), 2u);
  EXPECT_EQ(l->plans[0].visits, 1);  // self (R-PROC-1)
  EXPECT_EQ(l->plans[1].visits, 1);  // agent with the form (R-PROC-4)
  bool three_visits = false;  // Kanazawa's 文書照会 has 3 visits (R-PROC-6)
  for (const std::string& n : l->plans[1].notes) three_visits |= n.find("3回の来庁") != std::string::npos;
  EXPECT_TRUE(three_visits);
  EXPECT_FALSE(l->card_expires_too);

  // A 10-year-old: the parent comes (R-PROC-2); the card expires with the cert (R-WIN-6).
  r.birth = Date::Ymd(2016, 1, 1);
  due.sign = false;
  due.card_expiry = kExpiry;
  l = ComposeLetter(kanazawa, r, due, Date::Ymd(2026, 5, 1), "jlis-20260707-000000001", "");
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->plans.size(), 1u);
  EXPECT_NE(l->plans[0].title_ja.find("法定代理人"), std::string::npos);
  EXPECT_TRUE(l->card_expires_too);
  ASSERT_EQ(l->certs.size(), 1u);
}

TEST_P(NoticesTest, RenderingIsFastWithFontsLoadedOnce) {
  auto renderer = LetterRenderer::Create();
  ASSERT_TRUE(renderer.ok()) << renderer.error().ToString();
  const profiles::Municipality& setagaya = **profiles_->Find("setagaya");  // 22 counters
  counter::Resident r;
  r.name = "世田谷　一郎";
  r.address = "東京都世田谷区世田谷4丁目21番27号";
  r.birth = Date::Ymd(1980, 7, 7);
  DueNotice due;
  due.municipality = "setagaya";
  due.cert_expiry = kExpiry;
  due.auth = due.sign = true;
  due.card_expiry = Date::Ymd(2031, 7, 7);
  auto l = ComposeLetter(setagaya, r, due, Date::Ymd(2026, 5, 1), "jlis-20260707-000000001", "");
  ASSERT_TRUE(l.ok());
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };

  // One letter alone in a file: the fonts' subsets dominate.
  const auto t0 = std::chrono::steady_clock::now();
  auto pages = (*renderer)->Render(*l, (dir_ / "one.pdf").string());
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(pages.ok()) << pages.error().ToString();
  EXPECT_EQ(*pages, 2);  // Setagaya's 22 counters still fit on page 1

  // A chunk's print file: the fonts are embedded once.
  constexpr int kLetters = 100;
  ASSERT_TRUE((*renderer)->Open((dir_ / "chunk.pdf").string()).ok());
  for (int i = 0; i < kLetters; ++i) ASSERT_TRUE((*renderer)->Append(*l).ok());
  ASSERT_TRUE((*renderer)->Close().ok());
  const auto t2 = std::chrono::steady_clock::now();
  EXPECT_EQ((*renderer)->pages_written(), 2 * kLetters);
  const auto one = std::filesystem::file_size(dir_ / "one.pdf");
  const auto chunk = std::filesystem::file_size(dir_ / "chunk.pdf");
  std::printf("one letter alone: %.1f ms, %ju bytes; in a print file of %d: %.1f ms, %ju bytes per letter\n",
              ms(t0, t1), static_cast<uintmax_t>(one), kLetters, ms(t1, t2) / kLetters,
              static_cast<uintmax_t>(chunk / kLetters));
  // Relative to the first letter, not a wall-clock bound (the speed itself is benchmarked in
  // bench/): a letter in a print file costs under a fifth of one alone — the fonts were loaded
  // and embedded once (≈ 25× less under ASan, more in the release build).
  EXPECT_LT(ms(t1, t2) / kLetters, ms(t0, t1) / 5);
  EXPECT_LT(chunk / kLetters, one / 4);
}

// ---- scale (run by hand: --gtest_also_run_disabled_tests; MYNACERT_NOTICES_N holders) ----

// n holders written by the database itself (one INSERT … SELECT per table over a series), as
// Holder() would write them: 10 M holders row by row through libpq would take longer than the
// batch being measured. Expiries spread over five years from 2026-01-01 (about 4 % fall in a
// 76-day window); every fifth holder in Yokohama. Ids are the series (the store's id counters
// are not advanced: nothing is added afterwards).
void FillHolders(store::Database& db, bool postgres, int64_t n) {
  const std::string series =
      postgres ? " FROM generate_series(0, $1 - 1) AS g(i)"
               : " FROM (WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g "
                 "WHERE i + 1 < $1) SELECT i FROM g)";
  // The certificate's last valid day, shifted by `years`, as TEXT 'YYYY-MM-DD'.
  auto day = [postgres](int years, int days = 0) {
    if (postgres) {
      return "to_char(DATE '2026-01-01' + CAST(i % 1826 AS INTEGER) + (" + std::to_string(days) +
             ") + INTERVAL '" + std::to_string(years) + " years', 'YYYY-MM-DD')";
    }
    return "date('2026-01-01', '+' || (i % 1826) || ' days', '" + std::to_string(years) +
           " years', '" + std::to_string(days) + " days')";
  };
  const std::string my_number = counter::MyNumberWithCheckDigit("12345678901");
  const std::vector<std::string> statements = {
      "INSERT INTO residents (id, municipality, name, name_kana, tsusho, kyuuji, address, birth, "
      "sex, household, nationality, stay_until, adult_ward, abroad, forwarding, my_number, "
      "created_at, updated_at) SELECT i + 1, CASE WHEN i % 5 = 0 THEN 'yokohama' ELSE "
      "'yamagata' END, '山形　花子', 'ヤマガタ　ハナコ', '', '', "
      "'山形県山形市旅篭町二丁目3番25号', '1980-07-07', 2, 'H' || i, 'JP', NULL, 0, 0, 0, '" +
          my_number + "', 1, 1" + series,
      "INSERT INTO cards (id, resident_id, location, chip_id, applied, issued, expires, state, "
      "created_at) SELECT i + 1, i + 1, 'file:/dev/null', '00', " + day(-5, -30) + ", " +
          day(-5) + ", " + day(5) + ", 'active', 1" + series,
      "INSERT INTO certificates (id, resident_id, card_id, kind, serial, issued, last_valid_day, "
      "renewal, state, reason, ended_on, case_id) SELECT 2 * i + 1, i + 1, i + 1, 'auth', "
      "'auth-' || (i + 1) || '-1', " + day(-5) + ", " + day(0) + ", 0, 'active', '', NULL, NULL" +
          series,
      "INSERT INTO certificates (id, resident_id, card_id, kind, serial, issued, last_valid_day, "
      "renewal, state, reason, ended_on, case_id) SELECT 2 * i + 2, i + 1, i + 1, 'sign', "
      "'sign-' || (i + 1) || '-1', " + day(-5) + ", " + day(0) + ", 0, 'active', '', NULL, NULL" +
          series,
  };
  // As a bulk load is done: the secondary indexes dropped before and built after (their
  // definitions read from the database, so they stay the migrations' own), and a large page
  // cache for SQLite.
  std::vector<std::pair<std::string, std::string>> indexes;
  {
    auto q = db.Prepare(
        postgres ? "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('residents', "
                   "'cards', 'certificates') AND indexname NOT LIKE '%_pkey'"
                 : "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN "
                   "('residents', 'cards', 'certificates') AND sql IS NOT NULL");
    ASSERT_TRUE(q.ok());
    for (;;) {
      auto row = (*q)->Step();
      ASSERT_TRUE(row.ok());
      if (!*row) break;
      indexes.emplace_back((*q)->ColumnText(0), (*q)->ColumnText(1));
    }
  }
  ASSERT_FALSE(indexes.empty());
  if (!postgres) {
    ASSERT_TRUE(db.Execute("PRAGMA cache_size = -1000000").ok());  // 1 GB
  }
  for (const auto& [name, sql] : indexes) ASSERT_TRUE(db.Execute("DROP INDEX " + name).ok());
  auto tx = store::Transaction::Begin(db);
  ASSERT_TRUE(tx.ok());
  for (const std::string& sql : statements) {
    auto st = db.Prepare(sql);
    ASSERT_TRUE(st.ok()) << st.error().ToString();
    ASSERT_TRUE((*st)->BindInt(1, n).ok());
    auto done = (*st)->Step();
    ASSERT_TRUE(done.ok()) << done.error().ToString() << "\n" << sql;
  }
  ASSERT_TRUE(tx->Commit().ok());
  for (const auto& [name, sql] : indexes) ASSERT_TRUE(db.Execute(sql).ok()) << sql;
  auto analyze = db.Prepare("ANALYZE");  // the planner's statistics, as after any bulk load
  ASSERT_TRUE(analyze.ok());
  ASSERT_TRUE((*analyze)->Step().ok());
}

TEST_P(NoticesTest, DISABLED_SelectionOverManyHolders) {
  const char* env = std::getenv("MYNACERT_NOTICES_N");
  const int64_t n = env ? std::atoll(env) : 100000;
  const auto t_fill = std::chrono::steady_clock::now();
  FillHolders(store_->db(), postgres(), n);
  if (HasFatalFailure()) return;
  std::printf("%lld holders written in %.0f s\n", static_cast<long long>(n),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t_fill).count());
  const auto t0 = std::chrono::steady_clock::now();
  auto sel = SelectDue(store_->db(), *profiles_, Date::Ymd(2026, 5, 1));
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(sel.ok());
  RunOptions o = Options(Date::Ymd(2026, 5, 1));
  o.chunk_size = 1000;
  RunReport r = Run(o);
  const auto t2 = std::chrono::steady_clock::now();
  RunReport again = Run(o);
  const auto t3 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf("%lld holders: select %.0f ms (%zu due), run --no-pdf %.0f ms (jlis %d, city %d), rerun %.0f ms (skipped %d)\n",
              static_cast<long long>(n), ms(t0, t1), sel->due.size(), ms(t1, t2), r.mailed_jlis, r.mailed_city, ms(t2, t3),
              again.already_sent);
  EXPECT_EQ(again.mailed_jlis + again.mailed_city, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, NoticesTest, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::notices
