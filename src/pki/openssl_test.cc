#include "pki/openssl.h"

#include <gtest/gtest.h>

#include <string>

namespace mynacert::pki {
namespace {

TEST(Sha256Hex, LowerCaseHexOfTheDigest) {
  // FIPS 180-2 "abc": the form staff sessions and cancel tokens are stored in.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RandomBytes, AsManyAsAskedAndNotRepeated) {
  auto a = RandomBytes(32);
  auto b = RandomBytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
  auto none = RandomBytes(0);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, "");
}

}  // namespace
}  // namespace mynacert::pki
