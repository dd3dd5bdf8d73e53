// QR codes (libqrencode) for what residents carry from paper to a phone: the booking page on the
// expiry letters, the booking print's way back to the booking, a waiting ticket's live page.
// The matrix is drawn by whoever needs it: SVG for the web page (QrSvg), cairo for the PDFs
// (notices/pdf.cc).
//
// Thread-safety: pure functions (libqrencode's QRcode_encodeString8bit is reentrant).
#ifndef MYNACERT_CORE_QR_H_
#define MYNACERT_CORE_QR_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mynacert {

struct QrMatrix {
  int width = 0;             // modules per side, without the quiet zone
  std::vector<bool> dark;    // width × width, row by row
  bool At(int x, int y) const { return dark[static_cast<size_t>(y) * width + x]; }
};

// `text` (bytes, 8-bit mode: a URL) at error-correction level M (15 %: a crumpled letter still
// reads). kInvalidArgument naming `field` when empty or longer than 1 000 bytes.
Result<QrMatrix> EncodeQr(std::string_view text, std::string_view field = "text");

// The matrix as one SVG path with the 4-module quiet zone, `px` pixels a module, and a
// <title> for screen readers ("" = none; XML-escaped here).
std::string QrSvg(const QrMatrix& qr, int px, std::string_view title);

}  // namespace mynacert

#endif  // MYNACERT_CORE_QR_H_
