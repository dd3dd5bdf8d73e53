#include "notices/pickup_notice.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <memory>

#include "core/date_text.h"
#include "notices/pdf_text.h"
#include "rules/dates.h"
#include "rules/procedures.h"

namespace mynacert::notices {

using profiles::Procedure;

Result<PickupNotice> ComposePickupNotice(const profiles::Municipality& m, const counter::Resident& r,
                                         const counter::CounterStore::CardApplication& a, Date run_date,
                                         std::string_view booking_base) {
  if (a.id.empty()) return InvalidArgument("application", "申請書IDがありません (no application ID)");
  PickupNotice n;
  n.run_date = run_date;
  n.municipality_ja = m.name_ja;
  n.sender_ja = m.name_ja + (m.contact.department_ja.empty() ? "" : " " + m.contact.department_ja);
  n.name = r.name;
  n.postal_name = r.name + " 様";
  n.address = r.address;
  n.application_id = a.id;
  n.application_id_grouped = GroupedApplicationId(a.id);
  n.applied_on = a.applied_on;
  n.new_card_expiry = a.new_card_expiry;
  n.face = a.face;
  const int age = rules::AgeOn(r.birth, run_date);
  n.legal_rep = age < m.procedures.legal_rep_age || r.adult_ward;
  const std::string base = BookingBase(m, booking_base);
  if (!base.empty()) n.booking_url = base + "#/book";
  n.contact_lines = ContactLines(m);

  // What to bring, as the counter will ask (R-CARD-2; R-PROC-2 with the legal representative).
  rules::Situation s;
  s.holder_age = age;
  s.adult_ward = r.adult_ward;
  s.card_type = a.face ? "face" : "pin";
  const profiles::Applicant applicant =
      !n.legal_rep ? profiles::Applicant::kSelf
                   : (r.adult_ward ? profiles::Applicant::kLegalRepGuardian : profiles::Applicant::kLegalRepParent);
  MYNACERT_ASSIGN_OR_RETURN(rules::ProcedurePlan plan,
                            rules::PlanProcedure(m, Procedure::kCardPickup, applicant, s));
  for (const rules::VisitPlan& v : plan.visits) {
    for (const rules::DocumentLine& d : v.documents) {
      n.bring.push_back({d.ja + (d.optional ? " (お持ちであれば)" : ""), d.en + (d.optional ? " (if you have it)" : "")});
    }
  }
  std::vector<const profiles::Counter*> counters = plan.counters;
  if (counters.empty()) {
    for (const profiles::Counter& c : m.counters) {
      if (std::find(c.procedures.begin(), c.procedures.end(), Procedure::kNewIssuance) != c.procedures.end()) {
        counters.push_back(&c);
      }
    }
  }
  n.counters = GroupCounters(counters);

  // The PINs to decide before coming: they are set on the new card at the counter.
  const bool sign = !a.face && age >= 15 && (!r.adult_ward || m.rules.adult_ward_sign_cert);
  if (a.face) {
    n.pins.push_back({"顔認証マイナンバーカードのため、利用者証明用の暗証番号はなく、署名用電子証明書は発行されません (R-FACE-1)。",
                      "A face-authentication card: no PIN for the authentication certificate and no signature certificate."});
  } else {
    n.pins.push_back({"利用者証明用電子証明書の暗証番号: 数字4桁", "Authentication certificate PIN: 4 digits"});
    if (sign) {
      n.pins.push_back({"署名用電子証明書の暗証番号: 英数字6〜16文字 (英字と数字をどちらも含む)",
                        "Signature certificate password: 6 to 16 letters and digits (both included)"});
    }
  }
  n.pins.push_back({"住民基本台帳用の暗証番号・券面事項入力補助用の暗証番号: それぞれ数字4桁",
                    "The residence-registry PIN and the text-input PIN: 4 digits each"});
  n.pins.push_back({"暗証番号はこの通知書に書かず、窓口の端末でご本人が入力してください。",
                    "Do not write the PINs on this notice: you type them at the counter's terminal yourself."});

  n.notes.push_back({"今お持ちのカードは受け取りのときに返納していただき、廃止します。その電子証明書も失効します (R-CARD-2)。",
                     "Your current card is returned and cancelled when you collect the new one; its certificates are revoked."});
  n.notes.push_back({"カードの更新は無料です (R-CARD-3)。", "The card renewal is free of charge."});
  if (n.legal_rep) {
    n.notes.push_back({std::to_string(m.procedures.legal_rep_age) +
                           "歳未満の方・成年被後見人の方は、法定代理人と一緒に来庁してください。法定代理人の本人確認書類と、"
                           "代理権を確認できる書類が必要です (R-PROC-2)。",
                       "Under " + std::to_string(m.procedures.legal_rep_age) +
                           " or an adult ward: come with your legal representative, who brings their identity "
                           "document and proof of authority."});
  } else {
    n.notes.push_back({"カードは本人にお渡しします。代理人だけでは受け取れません (R-CARD-2)。",
                       "The card is handed to you in person; an agent alone cannot collect it."});
  }
  n.notes.push_back({"この通知書は受け取りの日まで大切に保管してください。", "Keep this notice until you collect the card."});
  return n;
}

namespace {

constexpr double kMargin = 51.0;  // 18 mm, as the letters
constexpr double kLeft = kMargin;
constexpr double kWidth = kA4Width - 2 * kMargin;
constexpr double kFooterMargin = 34.0;
constexpr double kBottom = kA4Height - kFooterMargin - 18;
constexpr Rgb kBlue{0.05, 0.2, 0.55};

struct PickupFonts {
  std::unique_ptr<CjkText> text;
  PangoFontDescription* body = nullptr;
  PangoFontDescription* bold = nullptr;
  PangoFontDescription* small = nullptr;
  PangoFontDescription* name = nullptr;
  PangoFontDescription* title = nullptr;
  PangoFontDescription* heading = nullptr;
  PangoFontDescription* big = nullptr;
  ~PickupFonts() {
    for (PangoFontDescription* d : {body, bold, small, name, title, heading, big}) {
      if (d) pango_font_description_free(d);
    }
  }
};

Result<PickupFonts*> ThreadFonts() {
  thread_local std::unique_ptr<PickupFonts> fonts;
  if (!fonts) {
    auto f = std::make_unique<PickupFonts>();
    MYNACERT_ASSIGN_OR_RETURN(f->text, CjkText::Create());
    f->body = pango_font_description_from_string("Noto Sans CJK JP 9.5");
    f->bold = pango_font_description_from_string("Noto Sans CJK JP Bold 9.5");
    f->small = pango_font_description_from_string("Noto Sans CJK JP 7.5");
    f->name = pango_font_description_from_string("Noto Sans CJK JP 15");
    f->title = pango_font_description_from_string("Noto Serif CJK JP Bold 15");
    f->heading = pango_font_description_from_string("Noto Serif CJK JP Bold 11");
    f->big = pango_font_description_from_string("Noto Sans CJK JP Bold 14");
    fonts = std::move(f);
  }
  return fonts.get();
}

// A cursor down the page with page breaks and a footer on every page.
class Flow : public Canvas {
 public:
  Flow(const PickupFonts& f, cairo_t* cr, std::string footer_id)
      : Canvas(*f.text, cr), f_(f), footer_id_(std::move(footer_id)) {}
  double y() const { return y_; }
  void set_y(double y) { y_ = y; }
  void Ensure(double h) {
    if (y_ + h > kBottom) {
      Footer();
      cairo_show_page(cr_);
      ++page_;
      y_ = kMargin;
    }
  }
  void Paragraph(const std::string& text, const PangoFontDescription* font, double indent = 0, Rgb color = kBlack,
                 double after = 3, PangoAlignment align = PANGO_ALIGN_LEFT) {
    Ensure(Measure(text, font, kWidth - indent));
    y_ += Draw(text, font, kLeft + indent, y_, kWidth - indent, color, align) + after;
  }
  void Item(const Bilingual& b) {
    Ensure(Measure(b.ja, f_.body, kWidth - 10) + Measure(b.en, f_.small, kWidth - 10));
    Draw("・", f_.body, kLeft, y_, 10);
    y_ += Draw(b.ja, f_.body, kLeft + 10, y_, kWidth - 10);
    y_ += Draw(b.en, f_.small, kLeft + 10, y_, kWidth - 10, kGray) + 3;
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
  void Finish() {
    Footer();
    cairo_show_page(cr_);
  }

 private:
  void Footer() {
    const double y = kA4Height - kFooterMargin;
    Line(kLeft, y - 4, kLeft + kWidth, y - 4, 0.3, kGray);
    Draw("mynacert により作成 — 公式の書面ではありません (generated by mynacert; not an official document)", f_.small,
         kLeft, y, kWidth * 0.75, kGray);
    Draw(footer_id_ + "  p." + std::to_string(page_), f_.small, kLeft, y, kWidth, kGray, PANGO_ALIGN_RIGHT);
  }
  const PickupFonts& f_;
  std::string footer_id_;
  double y_ = kMargin;
  int page_ = 1;
};

void DrawPickup(Flow& w, const PickupFonts& f, const PickupNotice& n) {
  // Top right: sender, date, the 申請書ID; the booking page's QR code under them.
  const double right_x = kLeft + kWidth * 0.56, right_w = kWidth * 0.44;
  double ry = kMargin;
  ry += w.Draw(n.sender_ja, f.small, right_x, ry, right_w, kBlack, PANGO_ALIGN_RIGHT) + 1;
  ry += w.Draw("作成日 (date) " + n.run_date.ToString(), f.small, right_x, ry, right_w, kBlack, PANGO_ALIGN_RIGHT) + 1;
  ry += w.Draw("申請書ID " + n.application_id_grouped, f.small, right_x, ry, right_w, kBlack, PANGO_ALIGN_RIGHT);
  if (!n.booking_url.empty()) {
    if (auto qr = EncodeQr(n.booking_url, "booking_url"); qr.ok()) {
      const double size = 64;
      w.Qr(*qr, kLeft + kWidth - size, ry + 3, size);
      w.Draw("受け取りの予約は\nこちら\nBook your pick-up", f.small, right_x, ry + 16, right_w - size - 6, kBlack,
             PANGO_ALIGN_RIGHT);
      ry += size + 3;
    }
  }
  // The address block (window envelope), 転送不要 as the expiry notices.
  const double y = w.AddressBlock(n.address, n.postal_name, kLeft, kMargin + 16, kWidth * 0.52, f.bold, f.body, f.name);
  w.set_y(std::max(y, ry) + 8);

  w.Paragraph("個人番号カード交付通知書", f.title, 0, kBlack, 1, PANGO_ALIGN_CENTER);
  w.Paragraph("Your new My Number Card is ready: pick-up notice", f.small, 0, kGray, 6, PANGO_ALIGN_CENTER);
  w.Paragraph(n.name + " 様の新しいマイナンバーカードができました。受け取りの予約をして、下のものを持って来庁してください。",
              f.body, 0, kBlack, 1);
  w.Paragraph("Your new My Number Card is ready. Book a pick-up and come with the items below.", f.small, 0, kGray, 6);

  // The application in a box.
  w.Ensure(40);
  const double top = w.y();
  w.Draw("申請書ID (application ID)", f.small, kLeft + 8, top + 5, kWidth * 0.4);
  w.Draw(n.application_id_grouped, f.big, kLeft + kWidth * 0.4, top + 2, kWidth * 0.6 - 8, kBlack, PANGO_ALIGN_RIGHT);
  std::string dates;
  if (n.applied_on) dates += "申請日 (applied) " + JapaneseLongDate(*n.applied_on);
  if (n.new_card_expiry) {
    dates += (dates.empty() ? "" : "　") + std::string("新しいカードの有効期限 (new card valid until) ") +
             JapaneseLongDate(*n.new_card_expiry);
  }
  if (n.face) dates += (dates.empty() ? "" : "　") + std::string("顔認証マイナンバーカード (face-authentication card)");
  w.Draw(dates, f.small, kLeft + 8, top + 22, kWidth - 16);
  w.Box(kLeft, top, kWidth, 36, 1.2, kBlue);
  w.set_y(top + 42);

  w.Heading("受け取りの予約 (R-CARD-2)", "Book your pick-up");
  if (!n.booking_url.empty()) {
    w.Paragraph("ウェブで予約 (右上の QR コード / book online): " + n.booking_url, f.small, 0, kBlack, 2);
  }
  for (const std::string& line : n.contact_lines) w.Paragraph(line, f.small, 0, kBlack, 1);
  if (n.booking_url.empty() && n.contact_lines.empty()) {
    w.Paragraph("受け取りの窓口にお問い合わせのうえ、予約してください。/ Call the counter to book.", f.small, 0, kBlack, 2);
  }
  w.set_y(w.y() + 2);
  for (const CounterGroup& g : n.counters) {
    w.Paragraph(g.names_ja, f.small, 0, kBlack, 1);
    w.Paragraph(g.hours_ja + " — " + g.note_ja, f.small, 10, kGray, 2);
  }

  w.Heading("持ってくるもの", "What to bring");
  for (const Bilingual& b : n.bring) w.Item(b);

  w.Heading("暗証番号を決めておいてください", "Decide your PINs before you come");
  for (const Bilingual& b : n.pins) w.Item(b);

  w.Heading("ご注意", "Notes");
  for (const Bilingual& b : n.notes) w.Item(b);
}

cairo_status_t AppendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> RenderPickupNotice(const profiles::Municipality& m, const counter::Resident& r,
                                       const counter::CounterStore::CardApplication& a, Date run_date,
                                       std::string_view booking_base) {
  MYNACERT_ASSIGN_OR_RETURN(PickupNotice n, ComposePickupNotice(m, r, a, run_date, booking_base));
  MYNACERT_ASSIGN_OR_RETURN(PickupFonts * fonts, ThreadFonts());
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(AppendBytes, &pdf, kA4Width, kA4Height);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "交付通知書 (pick-up notice)");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "mynacert");
  cairo_t* cr = cairo_create(surface);
  fonts->text->Attach(cr);
  {
    Flow w(*fonts, cr, "交付通知書");
    DrawPickup(w, *fonts, n);
    w.Finish();
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Error{ErrorCode::kInternal, "pdf",
                 std::string("PDF を作れません (cannot make the PDF): ") + cairo_status_to_string(status), ""};
  }
  return pdf;
}

}  // namespace mynacert::notices
