#include "core/hex.h"

#include <gtest/gtest.h>

namespace mynacert {
namespace {

TEST(HexTest, EachCaseAsAsked) {
  const std::string bytes("\x00\x0a\xff\x1b", 4);
  EXPECT_EQ(HexLower(bytes), "000aff1b");
  EXPECT_EQ(HexUpper(bytes), "000AFF1B");
  EXPECT_EQ(HexLower(""), "");
}

TEST(HexTest, UnhexReadsEitherCaseAndRejectsTheRest) {
  std::string out;
  ASSERT_TRUE(Unhex("000aFF1b", &out));
  EXPECT_EQ(out, std::string("\x00\x0a\xff\x1b", 4));
  EXPECT_FALSE(Unhex("abc", &out));
  EXPECT_FALSE(Unhex("0g", &out));
  EXPECT_FALSE(Unhex("0 ", &out));
  ASSERT_TRUE(Unhex("", &out));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace mynacert
