#include "core/local_government_code.h"

#include <gtest/gtest.h>

namespace mynacert {
namespace {

// The five municipalities of the profiles and Kiyose-shi (the municipality of the one public
// real auth CN, jpki-facts A3), each with the check digit the national list gives it.
TEST(ValidLocalGovernmentCode, TheCheckDigitOfJisX0402) {
  for (std::string_view good : {"062014", "172014", "131121", "141003", "242071", "132217"}) {
    EXPECT_TRUE(ValidLocalGovernmentCode(good)) << good;
  }
  // A wrong check digit, too short, too long, a letter, empty, 00000's digit is 1 not 0.
  for (std::string_view bad : {"062015", "14100", "1410030", "14100A", "", "000000"}) {
    EXPECT_FALSE(ValidLocalGovernmentCode(bad)) << bad;
  }
  EXPECT_TRUE(ValidLocalGovernmentCode("000001"));
}

}  // namespace
}  // namespace mynacert
