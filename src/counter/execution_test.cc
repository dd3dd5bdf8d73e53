// The execution journal under kill -9: the process is killed (SIGKILL, by the failpoint hook)
// after each step's action and after each step's commit in turn; a restarted counter's
// Recover() must leave card, CA and store agreeing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>

#include "counter/testing.h"
#include "pki/openssl.h"

namespace mynacert::counter {
namespace {

using testing::CounterTest;

constexpr Date kBirth = Date::Ymd(1980, 7, 7);
constexpr Date kCardIssued = Date::Ymd(2021, 7, 7);
constexpr Date kInWindow = Date::Ymd(2026, 5, 1);

class Recovery : public testing::CounterEngineTest {
 protected:
  // Runs `body` in a child process with MYNACERT_FAILPOINT=point; expects it to die by SIGKILL.
  template <typename F>
  void CrashAt(const std::string& point, F body) {
    counter_.reset();
    store_.reset();
    ca_store_.reset();
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      setenv("MYNACERT_FAILPOINT", point.c_str(), 1);
      Reopen();
      body();
      _exit(0);  // the failpoint was not reached
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << point << ": the child was not killed there (status " << status << ")";
    Reopen();
  }

  // Card, CA and store agree: the card holds the holder's only good certificate of each kind,
  // which the CA issued and the counter records as active; every other one is revoked.
  void ExpectConsistent(int64_t r) {
    auto card = *store_->ActiveCard(r);
    ASSERT_TRUE(card);
    auto in_ca = *ca_store_->FindByHolder("resident:" + std::to_string(r));
    for (const char* kind : {"auth", "sign"}) {
      const pki::CaKind ca_kind =
          std::string(kind) == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth;
      const std::string on_card =
          CardCert(r, std::string(kind) == "sign" ? card::CertSlot::kSign : card::CertSlot::kAuth,
                   std::string(kind) == "sign" ? "ABC123" : "");
      ASSERT_FALSE(on_card.empty()) << kind;
      int good = 0;
      for (const pki::IssuedCert& c : in_ca) {
        if (c.kind != ca_kind || c.state != pki::CertState::kGood) continue;
        ++good;
        EXPECT_EQ(c.der, on_card) << kind << ": a good certificate that is not on the card";
      }
      EXPECT_EQ(good, 1) << kind;
      auto active = *store_->ActiveCert(card->id, kind);
      ASSERT_TRUE(active) << kind;
      auto x509 = pki::ParseCertificateDer(on_card);
      ASSERT_TRUE(x509.ok());
      EXPECT_EQ(active->serial, pki::SerialHex(X509_get0_serialNumber(x509->get()))) << kind;
    }
    auto verified = store_->audit().Verify();
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->ok) << verified->problem;
  }
};

TEST_P(Recovery, KillNineAtEveryStepOfARenewal) {
  const std::vector<std::string> steps = {
      "check_pins", "keygen:auth", "keygen:sign",     "issue:auth",      "issue:sign",
      "write:auth", "write:sign",  "revoke_old:auth", "revoke_old:sign", "close"};
  for (const std::string& step : steps) {
    for (const char* when : {":started", ":acted", ":done"}) {
      const std::string point = step + when;
      SCOPED_TRACE(point);
      const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
      const int64_t c = Open(r, "renewal", "self", "yamagata-cityhall", kInWindow, true);
      ASSERT_TRUE(PresentItem(c, "holder_card").ok());
      ASSERT_EQ(DecideOk(c).outcome, Outcome::kAccepted);
      CrashAt(point, [&] { (void)counter_->Execute(c, env_); });

      env_.today = kInWindow;
      auto recovered = counter_->Recover(env_);
      ASSERT_TRUE(recovered.ok()) << recovered.error().ToString();
      EXPECT_TRUE(recovered->problems.empty()) << recovered->problems.front();
      auto the_case = *store_->GetCase(c);
      const bool before_keys = step == "check_pins";
      if (before_keys) {
        // Rolled back: nothing but a PIN check reached the card; run it again.
        EXPECT_EQ(the_case.state, "accepted");
        EXPECT_EQ(recovered->rolled_back, std::vector<int64_t>{c});
        auto again = counter_->Execute(c, env_);
        ASSERT_TRUE(again.ok()) << again.error().ToString();
        EXPECT_TRUE(again->completed);
      } else if (point == "close:done") {
        EXPECT_TRUE(recovered->finished.empty());  // already complete when killed
      } else {
        EXPECT_EQ(recovered->finished, std::vector<int64_t>{c});
      }
      EXPECT_EQ(store_->GetCase(c)->state, "done");
      ExpectConsistent(r);
      // A second recovery finds nothing to do.
      auto idle = counter_->Recover(env_);
      ASSERT_TRUE(idle.ok());
      EXPECT_TRUE(idle->finished.empty() && idle->rolled_back.empty());
    }
  }
}

// Several instances share one database and one home: an instance that starts (and recovers)
// while another is executing a case must leave that case alone. The lease (its lock file) is
// what tells a live execution from an interrupted one.
TEST_P(Recovery, RecoveryLeavesACaseWhoseExecutionIsAliveElsewhere) {
  const int64_t r = ResidentWithCard("yamagata", kBirth, kCardIssued);
  const int64_t c = Open(r, "renewal", "self", "yamagata-cityhall", kInWindow, true);
  ASSERT_TRUE(PresentItem(c, "holder_card").ok());
  ASSERT_EQ(DecideOk(c).outcome, Outcome::kAccepted);
  CrashAt("issue:auth:done", [&] { (void)counter_->Execute(c, env_); });
  ASSERT_EQ(store_->GetCase(c)->state, "executing");
  env_.today = kInWindow;
  {
    // Another process's execution, alive: it holds the case's lease (a second open of the lock
    // file conflicts even within one process).
    auto held = FileLock::Take(dir_ / "run" / ("case-" + std::to_string(c) + ".lock"), "case");
    ASSERT_TRUE(held.ok()) << held.error().ToString();
    auto recovered = counter_->Recover(env_);
    ASSERT_TRUE(recovered.ok()) << recovered.error().ToString();
    EXPECT_EQ(recovered->running_elsewhere, std::vector<int64_t>{c});
    EXPECT_TRUE(recovered->finished.empty());
    EXPECT_EQ(store_->GetCase(c)->state, "executing");  // untouched
    auto twice = counter_->Execute(c, env_);  // nor executed a second time
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().field, "case");
  }
  // That process died (its lease released): now the execution is interrupted, and finished.
  auto recovered = counter_->Recover(env_);
  ASSERT_TRUE(recovered.ok()) << recovered.error().ToString();
  EXPECT_EQ(recovered->finished, std::vector<int64_t>{c});
  EXPECT_EQ(store_->GetCase(c)->state, "done");
  ExpectConsistent(r);
}

TEST_P(Recovery, KillNineDuringCardIssuance) {
  for (const char* point :
       {"create_card:started", "create_card:done", "write_ca:acted", "write_data:started",
        "write_data:acted", "write:sign:acted"}) {
    SCOPED_TRACE(point);
    Resident res;
    res.municipality = "suzuka";
    res.name = "鈴鹿　一郎";
    res.address = "三重県鈴鹿市神戸一丁目18番18号";
    res.birth = kBirth;
    res.sex = 1;
    res.household = "S1";
    auto r = counter_->AddResident(res, "clerk-1", env_.now);
    ASSERT_TRUE(r.ok());
    pins_ = {{"init:auth", "1234"}, {"init:sign", "ABC123"}, {"init:text", "1234"},
             {"init:juki", "1234"}, {"auth", "1234"},        {"sign", "ABC123"}};
    env_.today = kCardIssued;
    CrashAt(point, [&] { (void)counter_->IssueCard(*r, kCardIssued.AddDays(-30), env_); });
    env_.today = kCardIssued;
    auto recovered = counter_->Recover(env_);
    ASSERT_TRUE(recovered.ok()) << recovered.error().ToString();
    EXPECT_TRUE(recovered->problems.empty()) << recovered->problems.front();
    if (std::string(point) == "create_card:started") {
      EXPECT_EQ(recovered->rolled_back.size(), 1u);
      EXPECT_FALSE(*store_->ActiveCard(*r));
      auto again = counter_->IssueCard(*r, kCardIssued.AddDays(-30), env_);
      ASSERT_TRUE(again.ok()) << again.error().ToString();
    } else {
      EXPECT_EQ(recovered->finished.size(), 1u);
    }
    ExpectConsistent(*r);
    // The chip's data were written (again, after a crash inside write_data) and verify.
    const card::TextApData text = ReadTextAp(*r, card::PinId::kText, "1234");
    EXPECT_EQ(text.holder.name, "鈴鹿　一郎");
    EXPECT_TRUE(text.signature_verified) << text.signature_problem;
    // The card face too, its key made again if write_data was redone: it answers for the records.
    const card::CardFaceRead face = ReadCardFace(*r, card::PinId::kVisualB, PinB(*r));
    EXPECT_TRUE(face.signature_verified) << face.signature_problem;
    EXPECT_TRUE(face.chip_present);
  }
}

// A move at the counter with the card there (issue 19, R-CERT-5): the record, the sign
// certificate's revocation and the chip's new address in one journaled case; killed at every
// step, recovery brings all three to the same end.
TEST_P(Recovery, KillNineAtEveryStepOfAMoveWrittenOntoTheCard) {
  for (const char* point :
       {"revoke:sign:started", "revoke:sign:acted", "revoke:sign:done", "write_data:started",
        "write_data:acted", "write_data:done", "close:started", "close:acted", ""}) {
    SCOPED_TRACE(point);
    const int64_t r = ResidentWithCard("yokohama", kBirth, kCardIssued);
    auto card = *store_->ActiveCard(r);
    const std::string serial = (*store_->ActiveCert(card->id, "sign"))->serial;
    const card::CardFaceRead before = ReadCardFace(r, card::PinId::kVisualB, PinB(r));
    ASSERT_FALSE(before.face.images.address_png.empty());
    ResidentChange move;
    move.address = "神奈川県横浜市中区港町一丁目1番地";
    env_.today = Date::Ymd(2025, 3, 1);
    if (*point) {
      CrashAt(point, [&] {
        (void)counter_->ChangeResidentWithCard(r, move, env_.today, env_);
      });
      auto recovered = counter_->Recover(env_);
      ASSERT_TRUE(recovered.ok()) << recovered.error().ToString();
      EXPECT_TRUE(recovered->problems.empty()) << recovered->problems.front();
      EXPECT_EQ(recovered->finished.size(), 1u);
    } else {
      ExecutionReport run;
      auto changed = counter_->ChangeResidentWithCard(r, move, env_.today, env_, &run);
      ASSERT_TRUE(changed.ok()) << changed.error().ToString();
      EXPECT_EQ(changed->revoked_serials, std::vector<std::string>{serial});
      EXPECT_EQ(run.steps_done, (std::vector<std::string>{"revoke:sign", "write_data", "close"}));
      EXPECT_TRUE(run.completed);
    }
    EXPECT_EQ((*store_->GetResident(r)).address, "神奈川県横浜市中区港町一丁目1番地");
    auto in_ca = *ca_store_->Find(pki::CaKind::kSign, serial);
    EXPECT_EQ(in_ca->state, pki::CertState::kRevoked);
    EXPECT_EQ(in_ca->reason, pki::RevocationReason::kAffiliationChanged);
    EXPECT_EQ((*store_->ActiveCert(card->id, "sign")), std::nullopt);
    const card::TextApData text = ReadTextAp(r, card::PinId::kText, "1234");
    EXPECT_EQ(text.holder.address, "神奈川県横浜市中区港町一丁目１番地");
    EXPECT_TRUE(text.signature_verified) << text.signature_problem;
    // The card face stays as printed (the move goes on its 追記欄), still signed.
    const card::CardFaceRead after = ReadCardFace(r, card::PinId::kVisualB, PinB(r));
    EXPECT_EQ(after.face.images.address_png, before.face.images.address_png);
    EXPECT_TRUE(after.signature_verified) << after.signature_problem;
    auto verified = store_->audit().Verify();
    ASSERT_TRUE(verified.ok());
    EXPECT_TRUE(verified->ok) << verified->problem;
  }
}

// The journal's step names as stored (case_steps.step): each parses to its kind and back to
// the same text; a name the journal never wrote is an error naming the field.
TEST(ExecutionStepNames, StoredNamesRoundTrip) {
  for (const char* text :
       {"check_pins", "reset_pin:auth", "reset_pin:sign", "reset_pin:text", "reset_pin:juki",
        "keygen:auth", "keygen:sign", "issue:auth", "issue:sign", "write:auth", "write:sign",
        "revoke_old:auth", "revoke_old:sign", "create_card", "write_ca", "write_data", "close"}) {
    auto step = ParseStep(text, "case_steps.step");
    ASSERT_TRUE(step.ok()) << text;
    EXPECT_EQ(FormatStep(*step), text);
  }
  auto keygen = ParseStep("keygen:sign", "case_steps.step");
  ASSERT_TRUE(keygen.ok());
  EXPECT_EQ(*keygen, MakeStep(StepKind::kKeygen, pki::CaKind::kSign));
  auto reset = ParseStep("reset_pin:juki", "case_steps.step");
  ASSERT_TRUE(reset.ok());
  EXPECT_EQ(*reset, MakeResetPin(card::PinId::kJuki));
}

TEST(ExecutionStepNames, UnknownNamesAreErrorsNamingTheField) {
  for (const char* text : {"", "keygen", "keygen:", "keygen:juki", "reset_pin:visual", "close:auth",
                           "check_pins:sign", "format_card", "Close"}) {
    auto step = ParseStep(text, "case_steps.step");
    ASSERT_FALSE(step.ok()) << text;
    EXPECT_EQ(step.error().field, "case_steps.step") << text;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, Recovery, ::testing::ValuesIn(store::testing::kEngines),
                         store::testing::EngineName);

}  // namespace
}  // namespace mynacert::counter
