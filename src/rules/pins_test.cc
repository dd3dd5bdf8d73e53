#include "rules/pins.h"

#include <gtest/gtest.h>

namespace mynacert::rules {
namespace {

struct PinCase {
  PinKind kind;
  const char* input;
  const char* normalized;  // nullptr: refused
};

TEST(NormalizePin, FormatsOfRCert2) {
  const PinCase cases[] = {
      {PinKind::kSign, "ABC123", "ABC123"},
      {PinKind::kSign, "abc123", "ABC123"},  // lowercase converted (sign PIN only)
      {PinKind::kSign, "A1B2C3D4E5F6G7H8", "A1B2C3D4E5F6G7H8"},
      {PinKind::kSign, "AB123", nullptr},              // 5 characters
      {PinKind::kSign, "A1B2C3D4E5F6G7H8I", nullptr},  // 17 characters
      {PinKind::kSign, "ABCDEF", nullptr},             // no digit
      {PinKind::kSign, "123456", nullptr},             // no letter
      {PinKind::kSign, "ABC-123", nullptr},            // symbol
      {PinKind::kSign, "ＡＢＣ１２３", nullptr},       // full-width
      {PinKind::kAuth, "1234", "1234"},
      {PinKind::kAuth, "123", nullptr},
      {PinKind::kAuth, "12345", nullptr},
      {PinKind::kAuth, "12a4", nullptr},
      {PinKind::kJuki, "0000", "0000"},
      {PinKind::kKenmenHojo, "abcd", nullptr},
  };
  for (const PinCase& c : cases) {
    auto r = NormalizePin(c.kind, c.input, "pin");
    if (c.normalized) {
      ASSERT_TRUE(r.ok()) << c.input << ": " << r.error().ToString();
      EXPECT_EQ(*r, c.normalized);
    } else {
      ASSERT_FALSE(r.ok()) << c.input;
      EXPECT_EQ(r.error().rule, "R-CERT-2");
      EXPECT_EQ(r.error().field, "pin");
      EXPECT_EQ(r.error().ToString().find(c.input), std::string::npos) << "error echoes the PIN";
    }
  }
}

TEST(PinRetryState, LocksAfterConsecutiveFailuresOfRCert6) {
  struct {
    PinKind kind;
    bool face;
    int tries;
  } kinds[] = {{PinKind::kSign, false, 5},
               {PinKind::kAuth, false, 3},
               {PinKind::kAuth, true, 10},
               {PinKind::kJuki, false, 3},
               {PinKind::kKenmenHojo, false, 3}};
  for (const auto& k : kinds) {
    PinRetryState s(k.kind, k.face);
    EXPECT_EQ(s.max_tries(), k.tries);
    for (int i = 1; i < k.tries; ++i) EXPECT_EQ(s.Record(false), PinRetryState::Outcome::kWrong);
    EXPECT_EQ(s.tries_left(), 1);
    EXPECT_EQ(s.Record(false), PinRetryState::Outcome::kNowLocked);
    EXPECT_TRUE(s.locked());
    // The right PIN no longer helps once locked.
    EXPECT_EQ(s.Record(true), PinRetryState::Outcome::kAlreadyLocked);
    s.Reset();
    EXPECT_EQ(s.Record(true), PinRetryState::Outcome::kAccepted);
  }
}

TEST(PinRetryState, ACorrectEntryResetsTheCount) {
  PinRetryState s(PinKind::kAuth);
  EXPECT_EQ(s.Record(false), PinRetryState::Outcome::kWrong);
  EXPECT_EQ(s.Record(false), PinRetryState::Outcome::kWrong);
  EXPECT_EQ(s.Record(true), PinRetryState::Outcome::kAccepted);
  EXPECT_EQ(s.tries_left(), 3);
  s.set_tries_left(1);  // restored from the card file
  EXPECT_EQ(s.Record(false), PinRetryState::Outcome::kNowLocked);
  s.set_tries_left(99);
  EXPECT_EQ(s.tries_left(), 3);
}

}  // namespace
}  // namespace mynacert::rules
