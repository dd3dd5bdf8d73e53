#include "card/apdu.h"

#include <gtest/gtest.h>

#include <string>

namespace mynacert::card {
namespace {

std::string B(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST(Apdu, FourCasesShortAndExtended) {
  auto c1 = ParseCommand(B({0x00, 0x20, 0x00, 0x80}));
  ASSERT_TRUE(c1);
  EXPECT_TRUE(c1->data.empty());
  EXPECT_FALSE(c1->has_le);

  auto c2 = ParseCommand(B({0x00, 0xB0, 0x01, 0x00, 0x00}));
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->ne, 256u);
  EXPECT_EQ(c2->p1, 0x01);

  auto c3 = ParseCommand(B({0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18}));
  ASSERT_TRUE(c3);
  EXPECT_EQ(c3->data, B({0x00, 0x18}));
  EXPECT_FALSE(c3->has_le);

  // OpenSC's COMPUTE DIGITAL SIGNATURE: case 4 with Le 00.
  auto c4 = ParseCommand(B({0x80, 0x2A, 0x00, 0x80, 0x02, 0xAA, 0xBB, 0x00}));
  ASSERT_TRUE(c4);
  EXPECT_EQ(c4->data, B({0xAA, 0xBB}));
  EXPECT_EQ(c4->ne, 256u);

  auto e2 = ParseCommand(B({0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00}));
  ASSERT_TRUE(e2);
  EXPECT_TRUE(e2->extended);
  EXPECT_EQ(e2->ne, 65536u);

  std::string e3 = B({0x80, 0x2A, 0x00, 0x80, 0x00, 0x01, 0x00}) + std::string(256, 'x');
  auto ext3 = ParseCommand(e3);
  ASSERT_TRUE(ext3);
  EXPECT_EQ(ext3->data.size(), 256u);
  auto ext4 = ParseCommand(e3 + B({0x01, 0x00}));
  ASSERT_TRUE(ext4);
  EXPECT_EQ(ext4->ne, 256u);
}

TEST(Apdu, MalformedLengthsAreRejected) {
  for (const std::string& bad :
       {B({}), B({0x00}), B({0x00, 0xA4, 0x04}), B({0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00}),
        B({0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18, 0x00, 0x00}),
        B({0x00, 0xB0, 0x00, 0x00, 0x00, 0x00}),
        B({0x00, 0x20, 0x00, 0x80, 0x00, 0x00, 0x00, 0x01}),  // extended Lc = 0
        B({0x00, 0x20, 0x00, 0x80, 0x00, 0x00, 0x05, 0x01})}) {
    EXPECT_FALSE(ParseCommand(bad)) << bad.size();
  }
  // 00 00 00 after the header is a well-formed extended case 2 (Le = 65536).
  EXPECT_TRUE(ParseCommand(B({0x00, 0x20, 0x00, 0x80, 0x00, 0x00, 0x00})));
}

TEST(Apdu, ResponseAppendsTheStatusWord) {
  EXPECT_EQ(Response(kSwOk), B({0x90, 0x00}));
  EXPECT_EQ(Response(TriesLeft(3)), B({0x63, 0xC3}));
  EXPECT_EQ(Response(kSwOk, "ab"), "ab" + B({0x90, 0x00}));
}

}  // namespace
}  // namespace mynacert::card
