#include "notices/pdf_text.h"

namespace mynacert::notices {

CjkText::~CjkText() {
  if (context_) g_object_unref(context_);
  if (font_map_) g_object_unref(font_map_);
}

Result<std::unique_ptr<CjkText>> CjkText::Create() {
  std::unique_ptr<CjkText> t(new CjkText());
  t->font_map_ = pango_cairo_font_map_new();
  t->context_ = pango_font_map_create_context(t->font_map_);
  // PDF units are points: 72 dpi makes a font size of 10 a 10-point font.
  pango_cairo_context_set_resolution(t->context_, 72.0);
  for (const char* family : {"Noto Sans CJK JP", "Noto Serif CJK JP"}) {
    PangoFontDescription* d = pango_font_description_from_string(family);
    PangoFont* font = pango_font_map_load_font(t->font_map_, t->context_, d);
    std::string got;
    if (font) {
      PangoFontDescription* actual = pango_font_describe(font);
      got = pango_font_description_get_family(actual) ? pango_font_description_get_family(actual) : "";
      pango_font_description_free(actual);
      g_object_unref(font);
    }
    pango_font_description_free(d);
    if (got != family) {
      return Error{ErrorCode::kFailedPrecondition, "fonts",
                   std::string("フォント ") + family + " がありません (font not installed: apt-get install fonts-noto-cjk; got '" +
                       got + "')",
                   ""};
    }
  }
  return t;
}

PangoLayout* CjkText::Layout(const std::string& text, const PangoFontDescription* font,
                             double width, PangoAlignment align) const {
  PangoLayout* layout = pango_layout_new(context_);
  pango_layout_set_font_description(layout, font);
  pango_layout_set_width(layout, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment(layout, align);
  pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
  return layout;
}

double Canvas::Draw(const std::string& text, const PangoFontDescription* font, double x, double y,
                    double width, Rgb color, PangoAlignment align) {
  PangoLayout* layout = text_.Layout(text, font, width, align);
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  cairo_set_source_rgb(cr_, color.r, color.g, color.b);
  cairo_move_to(cr_, x, y);
  pango_cairo_show_layout(cr_, layout);
  g_object_unref(layout);
  return static_cast<double>(h) / PANGO_SCALE;
}

double Canvas::Measure(const std::string& text, const PangoFontDescription* font,
                       double width) const {
  PangoLayout* layout = text_.Layout(text, font, width, PANGO_ALIGN_LEFT);
  int w = 0, h = 0;
  pango_layout_get_size(layout, &w, &h);
  g_object_unref(layout);
  return static_cast<double>(h) / PANGO_SCALE;
}

void Canvas::Line(double x0, double y0, double x1, double y1, double width, Rgb color) {
  cairo_set_source_rgb(cr_, color.r, color.g, color.b);
  cairo_set_line_width(cr_, width);
  cairo_move_to(cr_, x0, y0);
  cairo_line_to(cr_, x1, y1);
  cairo_stroke(cr_);
}

void Canvas::Qr(const QrMatrix& qr, double x, double y, double size) {
  const double module = size / (qr.width + 8);
  cairo_set_source_rgb(cr_, 1, 1, 1);
  cairo_rectangle(cr_, x, y, size, size);
  cairo_fill(cr_);
  cairo_set_source_rgb(cr_, 0, 0, 0);
  for (int row = 0; row < qr.width; ++row) {
    for (int col = 0; col < qr.width; ++col) {
      if (qr.At(col, row)) cairo_rectangle(cr_, x + (col + 4) * module, y + (row + 4) * module, module, module);
    }
  }
  // One fill for every module: no hairline seams between neighbours.
  cairo_set_antialias(cr_, CAIRO_ANTIALIAS_NONE);
  cairo_fill(cr_);
  cairo_set_antialias(cr_, CAIRO_ANTIALIAS_DEFAULT);
}

double Canvas::AddressBlock(const std::string& address, const std::string& postal_name, double x, double y,
                            double width, const PangoFontDescription* mark, const PangoFontDescription* body,
                            const PangoFontDescription* name) {
  constexpr Rgb kMarkRed{0.75, 0.05, 0.05};
  const double mark_h = Draw("転送不要", mark, x + 4, y + 2, 60, kMarkRed);
  Box(x, y, 56, mark_h + 4, 0.8, kMarkRed);
  y += mark_h + 12;
  y += Draw(address, body, x, y, width) + 6;
  y += Draw(postal_name, name, x + 12, y, width - 12) + 4;
  return y;
}

void Canvas::Box(double x, double y, double w, double h, double width, Rgb color, bool dashed) {
  cairo_set_source_rgb(cr_, color.r, color.g, color.b);
  cairo_set_line_width(cr_, width);
  const double dash[] = {3.0, 2.0};
  cairo_set_dash(cr_, dash, dashed ? 2 : 0, 0);
  cairo_rectangle(cr_, x, y, w, h);
  cairo_stroke(cr_);
  cairo_set_dash(cr_, dash, 0, 0);
}

}  // namespace mynacert::notices
