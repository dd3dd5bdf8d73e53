#include "core/result.h"

#include <gtest/gtest.h>

namespace mynacert {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("n", "奇数です (odd)", "R-TEST-1");
  return n / 2;
}

Result<int> Quarter(int n) {
  MYNACERT_ASSIGN_OR_RETURN(int h, Half(n));
  MYNACERT_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(Result, PropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().ToString(), "n: 奇数です (odd) (R-TEST-1)");
  EXPECT_STREQ(ErrorCodeName(r.error().code), "invalid_argument");
}

}  // namespace
}  // namespace mynacert
