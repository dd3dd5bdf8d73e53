#include "core/qr.h"

#include <qrencode.h>

#include <memory>

namespace mynacert {

Result<QrMatrix> EncodeQr(std::string_view text, std::string_view field) {
  if (text.empty() || text.size() > 1000) {
    return InvalidArgument(std::string(field), "QR コードにする文字列は1〜1000バイトです (1 to 1000 bytes)");
  }
  const std::string copy(text);  // NUL-terminated for libqrencode
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!code) return Error{ErrorCode::kInternal, std::string(field), "QR コードを作れません (libqrencode failed)", ""};
  QrMatrix m;
  m.width = code->width;
  m.dark.resize(static_cast<size_t>(m.width) * m.width);
  for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (code->data[i] & 1) != 0;
  return m;
}

std::string QrSvg(const QrMatrix& qr, int px, std::string_view title) {
  const int side = (qr.width + 8) * px;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" + std::to_string(side) +
                    "\" height=\"" + std::to_string(side) + "\" viewBox=\"0 0 " + std::to_string(qr.width + 8) +
                    " " + std::to_string(qr.width + 8) + "\" shape-rendering=\"crispEdges\">";
  if (!title.empty()) {
    out += "<title>";
    for (char ch : title) {
      switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += ch;
      }
    }
    out += "</title>";
  }
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for (int y = 0; y < qr.width; ++y) {
    for (int x = 0; x < qr.width;) {
      if (!qr.At(x, y)) {
        ++x;
        continue;
      }
      int run = 1;  // a run of dark modules is one rectangle
      while (x + run < qr.width && qr.At(x + run, y)) ++run;
      out += "M" + std::to_string(x + 4) + " " + std::to_string(y + 4) + "h" + std::to_string(run) + "v1h-" +
             std::to_string(run) + "z";
      x += run;
    }
  }
  out += "\"/></svg>";
  return out;
}

}  // namespace mynacert
