#include "notices/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <string>

#include "notices/pdf_text.h"

namespace mynacert::notices {

namespace {

// A4; 18 mm margins.
constexpr double kPageWidth = kA4Width;
constexpr double kPageHeight = kA4Height;
constexpr double kMargin = 51.0;
constexpr double kLeft = kMargin;
constexpr double kWidth = kPageWidth - 2 * kMargin;
constexpr double kBottom = kPageHeight - kMargin - 18;  // room for the footer

struct Rgb {
  double r, g, b;
};
constexpr Rgb kBlack{0, 0, 0};
constexpr Rgb kGray{0.35, 0.35, 0.35};
constexpr Rgb kRed{0.75, 0.05, 0.05};
constexpr Rgb kBlue{0.05, 0.2, 0.55};

}  // namespace

struct LetterRenderer::Impl {
  std::unique_ptr<CjkText> text;  // the pango context over Noto CJK (pdf_text.h)
  PangoFontDescription* body = nullptr;     // Noto Sans CJK JP 9.5
  PangoFontDescription* bold = nullptr;     // Noto Sans CJK JP Bold 9.5
  PangoFontDescription* small = nullptr;    // Noto Sans CJK JP 7.5
  PangoFontDescription* name = nullptr;     // Noto Sans CJK JP 15 (the addressee)
  PangoFontDescription* title = nullptr;    // Noto Serif CJK JP Bold 16
  PangoFontDescription* heading = nullptr;  // Noto Serif CJK JP Bold 11
  PangoFontDescription* big = nullptr;      // Noto Sans CJK JP Bold 20 (the reservation ID)
  // The open print file.
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;

  void CloseFile() {
    if (cr) cairo_destroy(cr);
    if (surface) cairo_surface_destroy(surface);
    cr = nullptr;
    surface = nullptr;
  }
  ~Impl() {
    CloseFile();
    for (PangoFontDescription* d : {body, bold, small, name, title, heading, big}) {
      if (d) pango_font_description_free(d);
    }
  }
};

namespace {

// One letter being drawn: a cursor down the page, page breaks, and a footer on every page.
class Writer {
 public:
  Writer(LetterRenderer::Impl& fonts, cairo_t* cr, const Letter& letter)
      : f_(fonts), cr_(cr), letter_(letter) {}

  int pages() const { return pages_; }
  double y() const { return y_; }
  void set_y(double y) { y_ = y; }
  void Skip(double dy) { y_ += dy; }
  cairo_t* cr() { return cr_; }

  // Draws text at (x, y) wrapped to `width`; returns its height. Does not move the cursor.
  double Draw(const std::string& text, const PangoFontDescription* font, double x, double y,
              double width, Rgb color = kBlack, PangoAlignment align = PANGO_ALIGN_LEFT) {
    PangoLayout* layout = Layout(text, font, width, align);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    cairo_set_source_rgb(cr_, color.r, color.g, color.b);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
    g_object_unref(layout);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  double Measure(const std::string& text, const PangoFontDescription* font, double width) {
    PangoLayout* layout = Layout(text, font, width, PANGO_ALIGN_LEFT);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // A paragraph at the cursor (indented by `indent`), on the next page if it does not fit.
  void Paragraph(const std::string& text, const PangoFontDescription* font, double indent = 0,
                 Rgb color = kBlack, double after = 3, PangoAlignment align = PANGO_ALIGN_LEFT) {
    const double h = Measure(text, font, kWidth - indent);
    Ensure(h);
    y_ += Draw(text, font, kLeft + indent, y_, kWidth - indent, color, align) + after;
  }
  void Bullet(const std::string& text, const PangoFontDescription* font, double indent = 10) {
    const double h = Measure(text, font, kWidth - indent - 10);
    Ensure(h);
    Draw("・", font, kLeft + indent, y_, 10);
    y_ += Draw(text, font, kLeft + indent + 10, y_, kWidth - indent - 10) + 2;
  }
  void Heading(const std::string& ja, const std::string& en) {
    Ensure(40);
    y_ += 6;
    const double h = Draw(ja, f_.heading, kLeft, y_, kWidth, kBlue);
    Draw(en, f_.small, kLeft, y_ + 3, kWidth, kGray, PANGO_ALIGN_RIGHT);
    y_ += h + 1;
    Line(kLeft, y_, kLeft + kWidth, y_, 0.6, kBlue);
    y_ += 4;
  }

  void Line(double x0, double y0, double x1, double y1, double width = 0.5, Rgb color = kBlack) {
    cairo_set_source_rgb(cr_, color.r, color.g, color.b);
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    cairo_stroke(cr_);
  }
  void Box(double x, double y, double w, double h, double width = 0.6, Rgb color = kBlack,
           bool dashed = false) {
    cairo_set_source_rgb(cr_, color.r, color.g, color.b);
    cairo_set_line_width(cr_, width);
    const double dash[] = {3.0, 2.0};
    cairo_set_dash(cr_, dash, dashed ? 2 : 0, 0);
    cairo_rectangle(cr_, x, y, w, h);
    cairo_stroke(cr_);
    cairo_set_dash(cr_, dash, 0, 0);
  }

  // Room for `h` more points on this page, else a new page.
  void Ensure(double h) {
    if (y_ + h > kBottom) NewPage();
  }
  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    ++pages_;
    y_ = kMargin;
  }
  // Ends the document (the last page's footer).
  void Finish() {
    Footer();
    cairo_show_page(cr_);
  }

 private:
  PangoLayout* Layout(const std::string& text, const PangoFontDescription* font, double width,
                      PangoAlignment align) {
    return f_.text->Layout(text, font, width, align);
  }
  void Footer() {
    const double y = kPageHeight - kMargin;
    Line(kLeft, y - 4, kLeft + kWidth, y - 4, 0.3, kGray);
    Draw("mynacert により作成 — 公式の書面ではありません (generated by mynacert; not an official document)",
         f_.small, kLeft, y, kWidth * 0.75, kGray);
    Draw(letter_.letter_id + "  p." + std::to_string(pages_), f_.small, kLeft, y, kWidth, kGray,
         PANGO_ALIGN_RIGHT);
  }

  LetterRenderer::Impl& f_;
  cairo_t* cr_;
  const Letter& letter_;
  int pages_ = 1;
  double y_ = kMargin;
};

std::string WithWeekday(Date d) { return d.ToStringWithWeekday(); }

// Page 1: the notice.
void DrawNotice(Writer& w, LetterRenderer::Impl& f, const Letter& l) {
  const bool city = l.kind == Kind::kCity;
  // Sender, date, letter id (top right).
  const double right_x = kLeft + kWidth * 0.56, right_w = kWidth * 0.44;
  double ry = kMargin;
  ry += w.Draw(l.sender_ja, f.small, right_x, ry, right_w, kBlack, PANGO_ALIGN_RIGHT) + 1;
  ry += w.Draw("作成日 (date) " + l.run_date.ToString(), f.small, right_x, ry, right_w, kBlack,
               PANGO_ALIGN_RIGHT) + 1;
  ry += w.Draw("通知番号 (letter) " + l.letter_id, f.small, right_x, ry, right_w, kBlack,
               PANGO_ALIGN_RIGHT);

  // The address block (postal layout: window envelope, left), marked 転送不要 (R-NOT-2).
  double y = kMargin + 16;
  const double addr_w = kWidth * 0.52;
  const double mark_h = w.Draw("転送不要", f.bold, kLeft + 4, y + 2, 60, kRed);
  w.Box(kLeft, y, 56, mark_h + 4, 0.8, kRed);
  y += mark_h + 12;
  y += w.Draw(l.address, f.body, kLeft, y, addr_w) + 6;
  y += w.Draw(l.postal_name, f.name, kLeft + 12, y, addr_w - 12) + 4;
  w.set_y(std::max(y, ry) + 8);

  // Title.
  w.Paragraph(city ? "マイナンバーカード電子証明書 有効期限のお知らせ (予約ID通知書)"
                   : "マイナンバーカード 電子証明書 有効期限通知書",
              f.title, 0, kBlack, 1, PANGO_ALIGN_CENTER);
  w.Paragraph(city ? "Notice of expiry of your My Number Card certificates, with your reservation ID"
                   : "Notice of expiry of your My Number Card certificates (J-LIS)",
              f.small, 0, kGray, 6, PANGO_ALIGN_CENTER);
  w.Paragraph(l.name + " 様のマイナンバーカードの電子証明書は、次の日に有効期限を迎えます。"
                       "更新できる期間に、窓口で更新の手続きをしてください (窓口の端末でカードの IC "
                       "チップを書き換えるため、インターネットや郵送ではできません)。",
              f.body, 0, kBlack, 6);

  // The certificates and their expiry dates.
  for (const CertLine& c : l.certs) {
    w.Ensure(24);
    const double top = w.y();
    w.Draw(c.ja, f.bold, kLeft + 8, top + 5, kWidth * 0.5);
    w.Draw(c.en, f.small, kLeft + 8, top + 16, kWidth * 0.5, kGray);
    w.Draw("有効期限 " + WithWeekday(c.expiry), f.bold, kLeft + kWidth * 0.5, top + 8,
           kWidth * 0.5 - 8, kBlack, PANGO_ALIGN_RIGHT);
    w.Box(kLeft, top, kWidth, 28);
    w.set_y(top + 28);
  }
  w.Skip(6);
  w.Paragraph("更新できる期間 (renewal window): " + WithWeekday(l.window_start) + " 〜 " +
                  WithWeekday(l.cert_expiry) + " (3か月前の翌日から, R-WIN-1)",
              f.bold, 0, kBlue, 4);

  if (city) {
    w.Ensure(60);
    const double top = w.y() + 2;
    w.Draw("予約ID (reservation ID)", f.bold, kLeft + 10, top + 8, 160);
    w.Draw(l.reservation_id, f.big, kLeft + 170, top + 3, kWidth - 180);
    w.Box(kLeft, top, kWidth, 34, 1.2, kBlue);
    w.set_y(top + 38);
    for (const std::string& line : l.reservation_rules) w.Bullet(line, f.small, 0);
  }

  w.Heading("必要なもの・来庁回数", "What to bring, how many visits");
  for (const PlanBlock& p : l.plans) {
    const std::string visits =
        p.visits > 0 ? " — 来庁 " + std::to_string(p.visits) + " 回" : " — この方法ではできません";
    w.Paragraph(p.title_ja + visits + "  (" + p.title_en + ")", f.bold, 0, kBlack, 2);
    for (const std::string& line : p.lines) w.Bullet(line, f.body);
    for (const std::string& note : p.notes) w.Paragraph(note, f.small, 20, kGray, 2);
    w.Skip(3);
  }

  if (!l.home_counter_ja.empty()) {
    w.Heading("お手続きの窓口 (R-NOT-3)", "Your ward's counter");
  } else {
    w.Heading("窓口と受付時間", "Counters and opening hours");
  }
  for (const CounterGroup& g : l.counters) {
    w.Paragraph(g.names_ja, f.body, 0, kBlack, 1);
    w.Paragraph(g.hours_ja + " — " + g.note_ja, f.small, 10, kBlack, 3);
  }

  w.Heading("ご注意", "Notes");
  for (const std::string& note : l.notes) w.Bullet(note, f.small, 0);
}

// Page 2: 照会書兼回答書 (R-PROC-4). Never a PIN: empty boxes under a hiding seal.
void DrawForm(Writer& w, LetterRenderer::Impl& f, const Letter& l) {
  w.Paragraph("署名用電子証明書・利用者証明用電子証明書 照会書兼回答書", f.title, 0, kBlack, 1,
              PANGO_ALIGN_CENTER);
  w.Paragraph("Inquiry-and-response form: for an agent renewing the certificates on your behalf",
              f.small, 0, kGray, 8, PANGO_ALIGN_CENTER);
  w.Paragraph(l.municipality_ja + "長から " + l.name +
                  " 様へ (照会): 電子証明書の更新を代理人に依頼する場合は、本人がこの回答書に記入・署名し、"
                  "暗証番号を記入して目隠しシールを貼る (または同封の封筒に入れて封をする) うえで、"
                  "代理人にお渡しください。代理人は、この書面・本人のマイナンバーカード・代理人の本人確認書類 "
                  "(A 書類1点) を持って来庁します (R-PROC-4)。",
              f.body, 0, kBlack, 8);

  auto section = [&](const std::string& ja, const std::string& en) {
    w.Ensure(60);
    w.Skip(4);
    const double h = w.Draw(ja, f.bold, kLeft, w.y(), kWidth);
    w.Draw(en, f.small, kLeft, w.y() + 2, kWidth, kGray, PANGO_ALIGN_RIGHT);
    w.Skip(h + 2);
  };
  auto field = [&](const std::string& label, const std::string& value, double height = 22) {
    w.Ensure(height);
    const double top = w.y();
    w.Box(kLeft, top, kWidth, height, 0.5);
    w.Line(kLeft + 120, top, kLeft + 120, top + height, 0.5);
    w.Draw(label, f.small, kLeft + 4, top + 6, 112);
    if (!value.empty()) w.Draw(value, f.body, kLeft + 126, top + 4, kWidth - 130);
    w.set_y(top + height);
  };

  section("本人 (申請者)", "Holder");
  field("氏名 (name)", l.name);
  field("住所 (address)", l.address, 30);
  field("生年月日 (birth)", l.birth.ToString());
  field("本人署名 (自署)\n自署できない場合は記名押印", "", 32);

  section("回答・委任", "Declaration and delegation");
  w.Paragraph("□ この電子証明書の更新申請は、私の意思に基づくものです。", f.body, 6, kBlack, 2);
  w.Paragraph("□ 私は、下記の者を代理人と定め、電子証明書の更新申請に関する権限を委任します。", f.body, 6,
              kBlack, 2);
  w.Paragraph("記入日 (date)　　　　年　　　月　　　日", f.body, 6, kBlack, 4);

  section("代理人", "Agent");
  field("氏名 (name)", "");
  field("住所 (address)", "", 30);
  field("生年月日 (birth)", "");
  field("電話番号 (phone)", "");

  section("暗証番号記入欄 (本人が記入)", "PINs — written by the holder only");
  w.Ensure(96);
  const double top = w.y() + 2;
  auto boxes = [&](const std::string& label, int n, double y) {
    w.Draw(label, f.small, kLeft + 8, y + 4, 150);
    for (int i = 0; i < n; ++i) w.Box(kLeft + 160 + i * 19, y, 16, 18, 0.6);
  };
  boxes("利用者証明用 (数字4桁)", 4, top + 8);
  boxes("署名用 (英数字6〜16文字)", 16, top + 34);
  w.Draw("目隠しシール貼付位置 / place the hiding seal over this box", f.small, kLeft + 8, top + 60,
         kWidth - 16, kRed);
  w.Box(kLeft, top, kWidth, 76, 1.0, kRed, true);
  w.set_y(top + 84);
  w.Bullet("暗証番号は本人が記入し、記入後ただちにこの欄に目隠しシールを貼ってください。代理人に暗証番号が見えないようにしてください (R-PROC-4)。",
           f.small, 0);
  w.Bullet("暗証番号が一致しない・記入漏れ・署名がない・目隠しがない場合は受け付けできず、文書照会になります (R-PROC-5, R-PROC-6)。",
           f.small, 0);
  w.Bullet("この書面に暗証番号が印字されることはありません。/ No PIN is ever printed on this form.",
           f.small, 0);
  w.Bullet(l.form_valid_ja, f.small, 0);
}

}  // namespace

LetterRenderer::LetterRenderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LetterRenderer::~LetterRenderer() = default;

Result<std::unique_ptr<LetterRenderer>> LetterRenderer::Create() {
  auto impl = std::make_unique<Impl>();
  MYNACERT_ASSIGN_OR_RETURN(impl->text, CjkText::Create());
  impl->body = pango_font_description_from_string("Noto Sans CJK JP 9.5");
  impl->bold = pango_font_description_from_string("Noto Sans CJK JP Bold 9.5");
  impl->small = pango_font_description_from_string("Noto Sans CJK JP 7.5");
  impl->name = pango_font_description_from_string("Noto Sans CJK JP 15");
  impl->title = pango_font_description_from_string("Noto Serif CJK JP Bold 15");
  impl->heading = pango_font_description_from_string("Noto Serif CJK JP Bold 11");
  impl->big = pango_font_description_from_string("Noto Sans CJK JP Bold 20");
  return std::unique_ptr<LetterRenderer>(new LetterRenderer(std::move(impl)));
}

Status LetterRenderer::Open(const std::string& path) {
  MYNACERT_RETURN_IF_ERROR(Close());
  impl_->surface = cairo_pdf_surface_create(path.c_str(), kPageWidth, kPageHeight);
  if (cairo_surface_status(impl_->surface) != CAIRO_STATUS_SUCCESS) {
    const std::string why = cairo_status_to_string(cairo_surface_status(impl_->surface));
    impl_->CloseFile();
    return InvalidArgument(path, "PDF を作れません (cannot create the PDF): " + why);
  }
  cairo_pdf_surface_set_metadata(impl_->surface, CAIRO_PDF_METADATA_TITLE,
                                 "有効期限通知書 (expiry notices)");
  cairo_pdf_surface_set_metadata(impl_->surface, CAIRO_PDF_METADATA_CREATOR, "mynacert");
  impl_->cr = cairo_create(impl_->surface);
  // The shared context follows this surface's transformation and font options.
  impl_->text->Attach(impl_->cr);
  path_ = path;
  pages_written_ = 0;
  return {};
}

Result<int> LetterRenderer::Append(const Letter& letter) {
  if (!impl_->cr) return Error{ErrorCode::kInternal, "pdf", "Append without Open", ""};
  Writer w(*impl_, impl_->cr, letter);
  DrawNotice(w, *impl_, letter);
  w.NewPage();
  DrawForm(w, *impl_, letter);
  w.Finish();
  pages_written_ += w.pages();
  return w.pages();
}

Status LetterRenderer::Close() {
  if (!impl_->surface) return {};
  cairo_destroy(impl_->cr);
  impl_->cr = nullptr;
  cairo_surface_finish(impl_->surface);
  const cairo_status_t status = cairo_surface_status(impl_->surface);
  impl_->CloseFile();
  if (status != CAIRO_STATUS_SUCCESS) {
    return InvalidArgument(path_, std::string("PDF を書けません (cannot write the PDF): ") +
                                      cairo_status_to_string(status));
  }
  return {};
}

Result<int> LetterRenderer::Render(const Letter& letter, const std::string& path) {
  MYNACERT_RETURN_IF_ERROR(Open(path));
  auto pages = Append(letter);
  MYNACERT_RETURN_IF_ERROR(Close());
  return pages;
}

}  // namespace mynacert::notices
