// What the notices' PDFs share (internal to src/notices/): the A4 page in PDF points, and
// Japanese text through pango over cairo with the Noto CJK fonts of fonts-noto-cjk — Noto Sans
// CJK JP for text, Noto Serif CJK JP for titles — checked once when the context is made.
//
// Used by the expiry letters (pdf.cc) and the certificate copy (certificate_copy.cc), which
// both draw through a Canvas.
//
// Thread-safety: one CjkText per thread (a pango context and its font cache are not shared).
#ifndef MYNACERT_NOTICES_PDF_TEXT_H_
#define MYNACERT_NOTICES_PDF_TEXT_H_

#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>

#include "core/qr.h"
#include "core/result.h"

namespace mynacert::notices {

// A4 in PDF points.
inline constexpr double kA4Width = 595.276;
inline constexpr double kA4Height = 841.890;

class CjkText {
 public:
  // Fails (kFailedPrecondition, field "fonts") when Noto Sans CJK JP or Noto Serif CJK JP is
  // not installed: pango would silently fall back to a font without the kanji.
  static Result<std::unique_ptr<CjkText>> Create();
  ~CjkText();
  CjkText(const CjkText&) = delete;
  CjkText& operator=(const CjkText&) = delete;

  PangoContext* context() const { return context_; }
  // Makes the context follow `cr`'s transformation and font options; call once per new
  // cairo context before laying out text for it.
  void Attach(cairo_t* cr) const { pango_cairo_update_context(cr, context_); }
  // A layout of `text` in `font`, wrapped (word, then character) to `width` points. The
  // caller owns it (g_object_unref).
  PangoLayout* Layout(const std::string& text, const PangoFontDescription* font, double width,
                      PangoAlignment align = PANGO_ALIGN_LEFT) const;

 private:
  CjkText() = default;
  PangoFontMap* font_map_ = nullptr;
  PangoContext* context_ = nullptr;
};

struct Rgb {
  double r, g, b;
};
inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kGray{0.35, 0.35, 0.35};

// Drawing on one cairo context: text laid out by a CjkText (attached to that context), lines
// and boxes. Coordinates in points from the top left.
class Canvas {
 public:
  Canvas(const CjkText& text, cairo_t* cr) : text_(text), cr_(cr) {}
  cairo_t* cr() const { return cr_; }

  // Draws `text` at (x, y) wrapped to `width`; returns its height.
  double Draw(const std::string& text, const PangoFontDescription* font, double x, double y,
              double width, Rgb color = kBlack, PangoAlignment align = PANGO_ALIGN_LEFT);
  // The height Draw would give it.
  double Measure(const std::string& text, const PangoFontDescription* font, double width) const;
  void Line(double x0, double y0, double x1, double y1, double width = 0.5, Rgb color = kBlack);
  void Box(double x, double y, double w, double h, double width = 0.6, Rgb color = kBlack,
           bool dashed = false);
  // A QR code `size` points square at (x, y), its 4-module quiet zone included (core/qr.h).
  void Qr(const QrMatrix& qr, double x, double y, double size);
  // The address block of a window envelope at (x, y), `width` wide: 転送不要 in a red box
  // (R-NOT-2: never forwarded), the address, the postal name. Returns the y below it.
  double AddressBlock(const std::string& address, const std::string& postal_name, double x, double y,
                      double width, const PangoFontDescription* mark, const PangoFontDescription* body,
                      const PangoFontDescription* name);

 protected:
  const CjkText& text_;
  cairo_t* cr_;
};

}  // namespace mynacert::notices

#endif  // MYNACERT_NOTICES_PDF_TEXT_H_
