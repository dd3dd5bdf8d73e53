// QR codes: the matrix libqrencode makes, its SVG, and the code read back by an independent
// decoder (zbarimg, Debian zbar-tools) from a plain bitmap of it.
#include "core/qr.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mynacert {
namespace {

// The 7×7 finder pattern at (x0, y0): a dark ring, a light ring, a dark 3×3 centre.
bool Finder(const QrMatrix& q, int x0, int y0) {
  for (int y = 0; y < 7; ++y) {
    for (int x = 0; x < 7; ++x) {
      const bool ring = x == 0 || y == 0 || x == 6 || y == 6;
      const bool centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
      if (q.At(x0 + x, y0 + y) != (ring || centre)) return false;
    }
  }
  return true;
}

TEST(QrTest, AUrlBecomesAMatrixWithItsThreeFinderPatterns) {
  auto q = EncodeQr("https://mynacert.example.lg.jp/#booking=12345");
  ASSERT_TRUE(q.ok()) << q.error().ToString();
  EXPECT_EQ((q->width - 17) % 4, 0);  // versions are 21, 25, 29, … modules wide
  EXPECT_GE(q->width, 29);
  EXPECT_TRUE(Finder(*q, 0, 0));
  EXPECT_TRUE(Finder(*q, q->width - 7, 0));
  EXPECT_TRUE(Finder(*q, 0, q->width - 7));
  EXPECT_FALSE(Finder(*q, q->width - 7, q->width - 7));
  EXPECT_EQ(EncodeQr("").error().field, "text");
  EXPECT_EQ(EncodeQr(std::string(1001, 'x'), "url").error().field, "url");
}

TEST(QrTest, TheSvgIsOnePathWithAQuietZoneAndAnEscapedTitle) {
  auto q = EncodeQr("https://example.jp/");
  ASSERT_TRUE(q.ok());
  const std::string svg = QrSvg(*q, 4, "予約 <12> & \"確認\"");
  EXPECT_NE(svg.find("viewBox=\"0 0 " + std::to_string(q->width + 8)), std::string::npos);
  EXPECT_NE(svg.find("<title>予約 &lt;12&gt; &amp; &quot;確認&quot;</title>"), std::string::npos);
  EXPECT_NE(svg.find("M4 4h7v1h-7z"), std::string::npos);  // the top-left finder's first row
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

TEST(QrTest, AnIndependentDecoderReadsTheText) {
  if (std::system("command -v zbarimg >/dev/null 2>&1") != 0) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") FAIL() << "zbarimg (zbar-tools) is not installed (CI installs it)";
    GTEST_SKIP() << "zbarimg (zbar-tools) not installed";
  }
  const std::string text = "https://mynacert.example.lg.jp/#booking=42&予約";
  auto q = EncodeQr(text);
  ASSERT_TRUE(q.ok());
  // A plain PBM: 4 pixels a module, the 4-module quiet zone.
  const int scale = 4, side = (q->width + 8) * scale;
  const auto path = std::filesystem::temp_directory_path() / ("qr_test_" + std::to_string(::getpid()) + ".pbm");
  {
    std::ofstream f(path);
    f << "P1\n" << side << " " << side << "\n";
    for (int py = 0; py < side; ++py) {
      for (int px = 0; px < side; ++px) {
        const int x = px / scale - 4, y = py / scale - 4;
        const bool dark = x >= 0 && y >= 0 && x < q->width && y < q->width && q->At(x, y);
        f << (dark ? '1' : '0') << (px + 1 < side ? " " : "\n");
      }
    }
  }
  FILE* p = popen(("zbarimg --quiet --raw -Sbinary " + path.string() + " 2>/dev/null").c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int rc = pclose(p);
  std::filesystem::remove(path);
  ASSERT_EQ(rc, 0) << out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  EXPECT_EQ(out, text);
}

}  // namespace
}  // namespace mynacert
