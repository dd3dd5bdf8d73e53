#include "card/card_face.h"

#include <cairo.h>
#include <openjpeg.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pango/pangocairo.h>
#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace mynacert::card {
namespace {

constexpr const char* kFont = "Noto Sans CJK JP";

template <typename T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) F(p);
  }
};
using Surface = std::unique_ptr<cairo_surface_t, Deleter<cairo_surface_t, cairo_surface_destroy>>;
using Cairo = std::unique_ptr<cairo_t, Deleter<cairo_t, cairo_destroy>>;
void UnrefLayout(PangoLayout* p) { g_object_unref(p); }
using Layout = std::unique_ptr<PangoLayout, Deleter<PangoLayout, UnrefLayout>>;

Error RenderError(std::string_view field, std::string_view what) {
  return Error{ErrorCode::kInternal, std::string(field),
               "券面の画像を作れません (cannot render the card face: " + std::string(what) + ")", ""};
}

// The A1 surface as a 1-bit greyscale PNG (bit depth 1, colour type 0: what a card's images
// are), written with libpng: cairo writes A1 as 8-bit. In A1 the first pixel of a byte is its
// least significant bit on a little-endian machine and its most significant one otherwise.
Result<std::string> OneBitPng(cairo_surface_t* surface) {
  const int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  std::vector<unsigned char> rows(static_cast<size_t>((w + 7) / 8) * h, 0);
  const bool little = [] {
    const uint16_t one = 1;
    return *reinterpret_cast<const uint8_t*>(&one) == 1;
  }();
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const unsigned char byte = data[y * stride + x / 8];
      const bool covered = little ? (byte >> (x % 8)) & 1 : (byte >> (7 - x % 8)) & 1;
      if (covered) rows[y * ((w + 7) / 8) + x / 8] |= static_cast<unsigned char>(0x80 >> (x % 8));
    }
  }
  std::string png;
  png_structp writer = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = writer ? png_create_info_struct(writer) : nullptr;
  if (!info) {
    png_destroy_write_struct(&writer, nullptr);
    return RenderError("image", "libpng");
  }
  if (setjmp(png_jmpbuf(writer))) {
    png_destroy_write_struct(&writer, &info);
    return RenderError("image", "PNG");
  }
  png_set_write_fn(
      writer, &png,
      [](png_structp p, png_bytep bytes, png_size_t n) {
        static_cast<std::string*>(png_get_io_ptr(p))->append(reinterpret_cast<const char*>(bytes), n);
      },
      nullptr);
  png_set_IHDR(writer, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), 1,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(writer, info);
  for (int y = 0; y < h; ++y) png_write_row(writer, rows.data() + y * ((w + 7) / 8));
  png_write_end(writer, nullptr);
  png_destroy_write_struct(&writer, &info);
  return png;
}

// A layout of `text` on `cr`, in the card's font at `px` pixels, no antialiasing (1-bit).
Layout MakeLayout(cairo_t* cr, std::string_view text, double px, int wrap_width) {
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_NONE);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  Layout layout(pango_cairo_create_layout(cr));
  pango_cairo_context_set_font_options(pango_layout_get_context(layout.get()), options);
  cairo_font_options_destroy(options);
  PangoFontDescription* font = pango_font_description_from_string(kFont);
  pango_font_description_set_absolute_size(font, px * PANGO_SCALE);
  pango_layout_set_font_description(layout.get(), font);
  pango_font_description_free(font);
  if (wrap_width > 0) {
    pango_layout_set_width(layout.get(), wrap_width * PANGO_SCALE);
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
  }
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  pango_layout_context_changed(layout.get());
  return layout;
}

// JP2 written into memory through OpenJPEG's stream callbacks.
struct Sink {
  std::string bytes;
  size_t pos = 0;
  void Reach(size_t end) {
    if (end > bytes.size()) bytes.resize(end);
  }
};
OPJ_SIZE_T SinkWrite(void* buffer, OPJ_SIZE_T n, void* user) {
  Sink* s = static_cast<Sink*>(user);
  s->Reach(s->pos + n);
  std::memcpy(s->bytes.data() + s->pos, buffer, n);
  s->pos += n;
  return n;
}
OPJ_OFF_T SinkSkip(OPJ_OFF_T n, void* user) {
  Sink* s = static_cast<Sink*>(user);
  s->pos += static_cast<size_t>(n);
  s->Reach(s->pos);
  return n;
}
OPJ_BOOL SinkSeek(OPJ_OFF_T n, void* user) {
  Sink* s = static_cast<Sink*>(user);
  s->pos = static_cast<size_t>(n);
  s->Reach(s->pos);
  return OPJ_TRUE;
}
void Quiet(const char*, void*) {}

}  // namespace

std::string SecurityCode(std::string_view issuer_master, std::string_view card_id) {
  const std::string message = "mynacert security code " + std::string(card_id);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), issuer_master.data(), static_cast<int>(issuer_master.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  const uint32_t v = static_cast<uint32_t>(mac[0]) << 24 | static_cast<uint32_t>(mac[1]) << 16 |
                     static_cast<uint32_t>(mac[2]) << 8 | mac[3];
  char out[8];
  std::snprintf(out, sizeof out, "%04u", v % 10000);
  return out;
}

Result<std::string> RenderTextPng(std::string_view text, int width, int height, bool wrap) {
  if (height < 8 || width < 0 || width > 2048) return RenderError("image", "size");
  const double px = std::round(height * 0.85);
  // Measure on a scratch surface, then draw on one of the final size.
  Surface scratch(cairo_image_surface_create(CAIRO_FORMAT_A1, 1, 1));
  Cairo measure(cairo_create(scratch.get()));
  Layout probe = MakeLayout(measure.get(), text, px, wrap ? width : 0);
  PangoRectangle ink, logical;
  pango_layout_get_pixel_extents(probe.get(), &ink, &logical);
  const int lines = pango_layout_get_line_count(probe.get());
  const int text_width = std::max(1, logical.width);
  const int w = width > 0 ? width : text_width;
  const int h = wrap ? std::max(1, lines) * height : height;
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_A1, w, h));
  Cairo cr(cairo_create(surface.get()));
  if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) return RenderError("image", "cairo");
  // A1 holds coverage: 1 is written to the PNG as white, 0 as black. Cover all, then clear
  // the glyphs out of it: black text on white.
  cairo_set_source_rgba(cr.get(), 0, 0, 0, 1);
  cairo_paint(cr.get());
  cairo_set_operator(cr.get(), CAIRO_OPERATOR_CLEAR);
  if (!wrap && text_width > w) cairo_scale(cr.get(), static_cast<double>(w) / text_width, 1.0);
  Layout layout = MakeLayout(cr.get(), text, px, wrap ? width : 0);
  if (wrap) pango_layout_set_spacing(layout.get(), static_cast<int>((height - logical.height / std::max(1, lines)) * PANGO_SCALE));
  cairo_move_to(cr.get(), 0, wrap ? 0 : (height - logical.height) / 2.0);
  pango_cairo_show_layout(cr.get(), layout.get());
  cairo_surface_flush(surface.get());
  return OneBitPng(surface.get());
}

Result<std::string> PlaceholderPhotoJp2(int width, int height) {
  if (width < 32 || height < 32 || width > 1024 || height > 1024) return RenderError("photo", "size");
  // The picture, drawn in coverage (A8) that stands for grey: a light ground, a darker
  // silhouette, 見本 across the chest.
  Surface surface(cairo_image_surface_create(CAIRO_FORMAT_A8, width, height));
  Cairo cr(cairo_create(surface.get()));
  cairo_set_operator(cr.get(), CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba(cr.get(), 0, 0, 0, 0.88);
  cairo_paint(cr.get());
  cairo_set_source_rgba(cr.get(), 0, 0, 0, 0.45);
  cairo_save(cr.get());
  cairo_translate(cr.get(), width / 2.0, height * 0.38);
  cairo_scale(cr.get(), width * 0.22, height * 0.21);
  cairo_arc(cr.get(), 0, 0, 1, 0, 2 * M_PI);
  cairo_restore(cr.get());
  cairo_fill(cr.get());
  cairo_save(cr.get());
  cairo_translate(cr.get(), width / 2.0, height * 1.02);
  cairo_scale(cr.get(), width * 0.46, height * 0.36);
  cairo_arc(cr.get(), 0, 0, 1, M_PI, 2 * M_PI);
  cairo_restore(cr.get());
  cairo_fill(cr.get());
  cairo_set_source_rgba(cr.get(), 0, 0, 0, 0.95);
  Layout mark = MakeLayout(cr.get(), "見本", height * 0.12, 0);
  PangoRectangle ink, logical;
  pango_layout_get_pixel_extents(mark.get(), &ink, &logical);
  cairo_move_to(cr.get(), (width - logical.width) / 2.0, height * 0.80);
  pango_cairo_show_layout(cr.get(), mark.get());
  cairo_surface_flush(surface.get());
  const unsigned char* pixels = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());

  opj_image_cmptparm_t component{};
  component.dx = component.dy = 1;
  component.w = static_cast<OPJ_UINT32>(width);
  component.h = static_cast<OPJ_UINT32>(height);
  component.prec = 8;
  component.sgnd = 0;
  std::unique_ptr<opj_image_t, Deleter<opj_image_t, opj_image_destroy>> image(
      opj_image_create(1, &component, OPJ_CLRSPC_GRAY));
  if (!image) return RenderError("photo", "opj_image_create");
  image->x0 = image->y0 = 0;
  image->x1 = static_cast<OPJ_UINT32>(width);
  image->y1 = static_cast<OPJ_UINT32>(height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) image->comps[0].data[y * width + x] = pixels[y * stride + x];
  }
  opj_cparameters_t parameters;
  opj_set_default_encoder_parameters(&parameters);
  parameters.tcp_numlayers = 1;
  parameters.tcp_rates[0] = 10;  // 1:10, a few kilobytes as a card's photo is
  parameters.cp_disto_alloc = 1;
  parameters.numresolution = 4;
  std::unique_ptr<opj_codec_t, Deleter<opj_codec_t, opj_destroy_codec>> codec(
      opj_create_compress(OPJ_CODEC_JP2));
  opj_set_info_handler(codec.get(), Quiet, nullptr);
  opj_set_warning_handler(codec.get(), Quiet, nullptr);
  opj_set_error_handler(codec.get(), Quiet, nullptr);
  Sink sink;
  std::unique_ptr<opj_stream_t, Deleter<opj_stream_t, opj_stream_destroy>> stream(
      opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_FALSE));
  if (!codec || !stream) return RenderError("photo", "OpenJPEG");
  opj_stream_set_write_function(stream.get(), SinkWrite);
  opj_stream_set_skip_function(stream.get(), SinkSkip);
  opj_stream_set_seek_function(stream.get(), SinkSeek);
  opj_stream_set_user_data(stream.get(), &sink, nullptr);
  if (!opj_setup_encoder(codec.get(), &parameters, image.get()) ||
      !opj_start_compress(codec.get(), image.get(), stream.get()) ||
      !opj_encode(codec.get(), stream.get()) || !opj_end_compress(codec.get(), stream.get())) {
    return RenderError("photo", "JPEG 2000");
  }
  return std::move(sink.bytes);
}

Result<CardFaceImages> RenderCardFace(const HolderData& holder, std::string_view security_code) {
  CardFaceImages images;
  MYNACERT_ASSIGN_OR_RETURN(images.name_png, RenderTextPng(holder.name, 0, 24, false));
  const auto width_of = [](const std::string& png) {  // IHDR's width, big-endian at byte 16
    return static_cast<uint32_t>(static_cast<uint8_t>(png[16])) << 24 |
           static_cast<uint32_t>(static_cast<uint8_t>(png[17])) << 16 |
           static_cast<uint32_t>(static_cast<uint8_t>(png[18])) << 8 | static_cast<uint8_t>(png[19]);
  };
  if (images.name_png.size() > 24 && width_of(images.name_png) > 480) {  // squeezed into the box
    MYNACERT_ASSIGN_OR_RETURN(images.name_png, RenderTextPng(holder.name, 480, 24, false));
  }
  MYNACERT_ASSIGN_OR_RETURN(images.address_png, RenderTextPng(holder.address, 480, 24, true));
  MYNACERT_ASSIGN_OR_RETURN(images.number_png, RenderTextPng(holder.my_number, 72, 12, false));
  MYNACERT_ASSIGN_OR_RETURN(images.security_code_png, RenderTextPng(security_code, 24, 12, false));
  MYNACERT_ASSIGN_OR_RETURN(images.photo, PlaceholderPhotoJp2(120, 150));
  return images;
}

}  // namespace mynacert::card
