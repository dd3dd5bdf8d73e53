#include "notices/certificate_copy.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <openssl/evp.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "notices/pdf_text.h"
#include "pki/certificate.h"
#include "pki/openssl.h"
#include "store/database.h"

namespace mynacert::notices {

namespace {

// ---- what is printed ----

std::string Fingerprint(std::string_view der) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(der.data(), der.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, "%s%02X", i ? ":" : "", md[i]);
    out += b;
  }
  return out;
}

Error Broken(const std::string& serial, const std::string& what) {
  return Error{ErrorCode::kInternal, "ca",
               "証明書 " + serial + " の内容が記録と合いません (the certificate contradicts the record): " + what, ""};
}

Error NoActive(std::string_view kind, const std::string& why) {
  return NotFound("kind", "有効な" + std::string(CertificateKindJa(kind)) + "がありません (no active " +
                              std::string(kind) + " certificate): " + why);
}

}  // namespace

std::string_view CertificateKindJa(std::string_view kind) {
  if (kind == "auth") return "利用者証明用電子証明書";
  if (kind == "sign") return "署名用電子証明書";
  return "";
}

Result<CertificateCopy> CertificateCopyFor(counter::CounterStore& store, pki::CaStore* ca,
                                           const profiles::Registry& profiles,
                                           int64_t resident_id, std::string_view kind, Date today) {
  if (kind != "auth" && kind != "sign") {
    return InvalidArgument("kind", "'" + std::string(kind) + "': auth (利用者証明用) か sign (署名用) を指定してください");
  }
  auto resident = store.GetResident(resident_id);
  if (!resident.ok()) {
    Error e = resident.error();
    if (e.code == ErrorCode::kNotFound) e.field = "resident";
    return e;
  }
  MYNACERT_ASSIGN_OR_RETURN(auto card, store.ActiveCard(resident_id));
  if (!card) return NoActive(kind, "有効なカードがありません (no active card)");
  MYNACERT_ASSIGN_OR_RETURN(auto record, store.ActiveCert(card->id, kind));
  if (!record) return NoActive(kind, "発行されていないか、失効・更新済みです (none issued, or revoked or superseded)");
  if (record->last_valid_day < today) {
    return NoActive(kind, "有効期間満了日 " + record->last_valid_day.ToString() + " を過ぎています (expired)");
  }
  if (!ca) return Error{ErrorCode::kFailedPrecondition, "ca", "認証局の記録がありません (no CA store)", ""};
  const pki::CaKind ca_kind = kind == "sign" ? pki::CaKind::kSign : pki::CaKind::kAuth;
  MYNACERT_ASSIGN_OR_RETURN(auto issued, ca->Find(ca_kind, record->serial));
  if (!issued) {
    return Error{ErrorCode::kFailedPrecondition, "ca",
                 "証明書 " + record->serial + " が認証局の記録にありません (not in the CA store)", ""};
  }
  // A revocation the CA knows of but the counter has not recorded yet still stops the copy.
  if (issued->state != pki::CertState::kGood) {
    return NoActive(kind, "認証局で " + std::string(pki::CertStateName(issued->state)) + " です (revoked or on hold in the CA)");
  }

  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(issued->der));
  CertificateCopy c;
  c.kind = std::string(kind);
  c.serial_hex = pki::SerialHex(X509_get0_serialNumber(cert.get()));
  if (c.serial_hex != record->serial) return Broken(record->serial, "serial " + c.serial_hex);
  c.subject_dn = pki::NameText(X509_get_subject_name(cert.get()));
  c.issuer_dn = pki::NameText(X509_get_issuer_name(cert.get()));
  c.sha256_fingerprint = Fingerprint(issued->der);
  const std::optional<Date> until = pki::JstDate(X509_get0_notAfter(cert.get()));
  if (!until || *until != record->last_valid_day) {
    return Broken(record->serial, "notAfter " + (until ? until->ToString() : std::string("?")) + " vs " +
                                      record->last_valid_day.ToString());
  }
  c.last_valid_day = *until;
  c.issued = record->issued;
  c.printed_on = today;

  if (kind == "sign") {
    // R-PROC-11 (seed 002): "電子証明書に記録された住所や氏名" — from the certificate itself.
    const pki::CertifiedPersonalData data = pki::ReadPersonalData(cert.get());
    if (data.name) c.name = *data.name;
    if (data.address) c.address = *data.address;
    if (data.sex && data.sex->size() == 1) c.sex = (*data.sex)[0] - '0';
    if (data.birth_date) {
      if (auto birth = pki::ParseBirthDateField(*data.birth_date)) c.birth = *birth;
    }
    if (c.name.empty() || c.address.empty() || c.sex == 0 || c.birth == Date()) {
      return Broken(record->serial, "subjectAltName without the personal data (R-CERT-3)");
    }
  } else {
    // The auth certificate carries no personal data (jpki-facts A5): the registry names the holder.
    c.name = resident->name;
  }

  // The municipality that issued it: the case's (the holder may have moved since), else the
  // resident's.
  std::string municipality = resident->municipality;
  if (record->case_id > 0) {
    auto issued_case = store.GetCase(record->case_id);
    if (issued_case.ok()) municipality = issued_case->municipality;
  }
  auto m = profiles.Find(municipality);
  c.municipality_ja = m.ok() ? (*m)->name_ja : municipality;
  c.municipality_en = m.ok() ? (*m)->name_en : "";
  return c;
}

Result<CertificateCopy> CertificateCopyFor(counter::Workspace& ws, int64_t resident_id,
                                           std::string_view kind, Date today) {
  if (ws.ca_store) return CertificateCopyFor(*ws.store, ws.ca_store.get(), *ws.profiles, resident_id, kind, today);
  // Opened without the secrets: read the CA's store if the CA exists (it holds no key).
  std::unique_ptr<pki::CaStore> ca;
  std::error_code ec;
  if (!ws.database.empty() || std::filesystem::exists(ws.CaDb(), ec)) {
    MYNACERT_ASSIGN_OR_RETURN(ca, pki::CaStore::Open(ws.CaDb()));
  }
  return CertificateCopyFor(*ws.store, ca.get(), *ws.profiles, resident_id, kind, today);
}

Status RecordCertificateCopy(counter::CounterStore& store, int64_t resident_id,
                             const CertificateCopy& copy, std::string_view clerk, int64_t at) {
  const std::string detail = nlohmann::json{{"kind", copy.kind},
                                            {"serial", copy.serial_hex},
                                            {"last_valid_day", copy.last_valid_day.ToString()},
                                            {"printed_on", copy.printed_on.ToString()},
                                            {"rule", "R-PROC-11"}}
                                 .dump();
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store.db()));
  MYNACERT_ASSIGN_OR_RETURN(int64_t seq, store.audit().Append(at, clerk, 0, resident_id, "certificate_copy", detail));
  (void)seq;
  return tx.Commit();
}

// ---- the page ----

namespace {

// 18 mm margins, as the letters.
constexpr double kMargin = 51.0;
constexpr double kLeft = kMargin;
constexpr double kWidth = kA4Width - 2 * kMargin;
constexpr double kLabelWidth = 150.0;


// The fonts of a copy, made once per thread: the pango context's font cache is what makes a
// second render fast.
struct CopyFonts {
  std::unique_ptr<CjkText> text;
  PangoFontDescription* body = nullptr;   // Noto Sans CJK JP 10
  PangoFontDescription* bold = nullptr;   // Noto Sans CJK JP Bold 10
  PangoFontDescription* small = nullptr;  // Noto Sans CJK JP 7.5
  PangoFontDescription* big = nullptr;    // Noto Sans CJK JP Bold 13 (the last valid day)
  PangoFontDescription* title = nullptr;  // Noto Serif CJK JP Bold 20

  ~CopyFonts() {
    for (PangoFontDescription* d : {body, bold, small, big, title}) {
      if (d) pango_font_description_free(d);
    }
  }
};

Result<CopyFonts*> ThreadFonts() {
  thread_local std::unique_ptr<CopyFonts> fonts;
  if (!fonts) {
    auto f = std::make_unique<CopyFonts>();
    MYNACERT_ASSIGN_OR_RETURN(f->text, CjkText::Create());
    f->body = pango_font_description_from_string("Noto Sans CJK JP 10");
    f->bold = pango_font_description_from_string("Noto Sans CJK JP Bold 10");
    f->small = pango_font_description_from_string("Noto Sans CJK JP 7.5");
    f->big = pango_font_description_from_string("Noto Sans CJK JP Bold 13");
    f->title = pango_font_description_from_string("Noto Serif CJK JP Bold 20");
    fonts = std::move(f);
  }
  return fonts.get();
}

class Page : public Canvas {
 public:
  Page(const CopyFonts& f, cairo_t* cr) : Canvas(*f.text, cr), f_(f) {}

  // One row of the table at `y`: the label in Japanese with English under it, the value on
  // the right. Returns the row's height.
  double Row(double y, const std::string& ja, const std::string& en, const std::string& value,
             const PangoFontDescription* value_font) {
    const double pad = 6;
    const double label_h = Measure(ja, f_.bold, kLabelWidth - 2 * pad) + Measure(en, f_.small, kLabelWidth - 2 * pad);
    const double value_w = kWidth - kLabelWidth - 2 * pad;
    const double value_h = Measure(value, value_font, value_w);
    const double h = std::max(label_h, value_h) + 2 * pad;
    const double label_y = y + pad;
    const double used = Draw(ja, f_.bold, kLeft + pad, label_y, kLabelWidth - 2 * pad);
    Draw(en, f_.small, kLeft + pad, label_y + used, kLabelWidth - 2 * pad, kGray);
    Draw(value, value_font, kLeft + kLabelWidth + pad, y + (h - value_h) / 2, value_w);
    Line(kLeft, y + h, kLeft + kWidth, y + h, 0.4);
    return h;
  }

 private:
  const CopyFonts& f_;
};

std::string SexText(int sex) {
  switch (sex) {
    case 1: return "男 (male)";
    case 2: return "女 (female)";
    case 9: return "適用不能 (not applicable)";
    default: return std::to_string(sex);
  }
}

// The fingerprint on two lines of 16 bytes, so it never wraps mid-byte.
std::string FingerprintLines(const std::string& fp) {
  if (fp.size() != 95) return fp;
  return fp.substr(0, 48) + "\n" + fp.substr(48);  // the colon stays at the end of line 1
}

void Footer(Page& p, const CopyFonts& f) {
  const double fy = kA4Height - kMargin;
  p.Line(kLeft, fy - 4, kLeft + kWidth, fy - 4, 0.3, kGray);
  p.Draw("mynacert により作成 — 公式の書面ではありません (generated by mynacert; not an official document)", f.small,
         kLeft, fy, kWidth * 0.8, kGray);
  p.Draw("R-PROC-11", f.small, kLeft, fy, kWidth, kGray, PANGO_ALIGN_RIGHT);
}

// Draws the copy; the caller shows the last page. One page unless a very long name and address
// (up to 200 characters, jpki-facts A4) push the notes past the footer: they go on a second page.
void DrawCopy(Page& p, const CopyFonts& f, cairo_t* cr, const CertificateCopy& c) {
  const bool sign = c.kind == "sign";
  // Top right: the issuing municipality and the print date.
  const double right_x = kLeft + kWidth * 0.4, right_w = kWidth * 0.6;
  double ry = kMargin;
  const std::string town = c.municipality_ja + (c.municipality_en.empty() ? "" : " (" + c.municipality_en + ")");
  ry += p.Draw("発行 (issued by) " + town, f.small, right_x, ry, right_w, kBlack, PANGO_ALIGN_RIGHT) + 1;
  p.Draw("印刷日 (printed on) " + c.printed_on.ToString(), f.small, right_x, ry, right_w, kBlack, PANGO_ALIGN_RIGHT);

  double y = kMargin + 30;
  y += p.Draw("電子証明書の写し", f.title, kLeft, y, kWidth, kBlack, PANGO_ALIGN_CENTER) + 2;
  y += p.Draw("Copy of electronic certificate", f.body, kLeft, y, kWidth, kGray, PANGO_ALIGN_CENTER) + 14;
  y += p.Draw(c.name + " 様のマイナンバーカードに記録した電子証明書の内容は、次のとおりです。", f.body, kLeft, y, kWidth) + 1;
  y += p.Draw("The electronic certificate recorded on your My Number Card:", f.small, kLeft, y, kWidth, kGray) + 8;

  // The table.
  const double top = y;
  p.Line(kLeft, top, kLeft + kWidth, top, 0.4);
  y += p.Row(y, "証明書の種類", "Certificate",
             std::string(CertificateKindJa(c.kind)) + "\n" +
                 (sign ? "Certificate for digital signature" : "Certificate for user authentication"),
             f.body);
  y += p.Row(y, "シリアル番号", "Serial number", c.serial_hex, f.body);
  y += p.Row(y, "氏名", "Name", c.name, f.body);
  if (sign) {
    y += p.Row(y, "住所", "Address", c.address, f.body);
    y += p.Row(y, "生年月日", "Date of birth", c.birth.ToString(), f.body);
    y += p.Row(y, "性別", "Sex", SexText(c.sex), f.body);
  }
  y += p.Row(y, "発行日", "Issued on", c.issued.ToString(), f.body);
  y += p.Row(y, "有効期間満了日", "Valid through (last valid day)", c.last_valid_day.ToString(), f.big);
  y += p.Row(y, "主体者", "Subject", c.subject_dn, f.small);
  y += p.Row(y, "発行者", "Issuer", c.issuer_dn, f.small);
  y += p.Row(y, "SHA-256 フィンガープリント", "SHA-256 fingerprint", FingerprintLines(c.sha256_fingerprint), f.small);
  p.Box(kLeft, top, kWidth, y - top, 0.8);
  p.Line(kLeft + kLabelWidth, top, kLeft + kLabelWidth, y, 0.4);
  y += 6;
  if (!sign) {
    y += p.Draw("利用者証明用電子証明書には氏名・住所・生年月日・性別は記録されていません。氏名は住民記録によります。"
                "/ A user-authentication certificate records no personal data; the name is from the residence record.",
                f.small, kLeft, y, kWidth, kGray) + 4;
  }
  y += 10;

  // What this page is, and is not.
  const std::vector<std::string> notes = {
      "この書面は電子証明書の写しで、ご本人の確認用です。電子証明書そのものではなく、電子証明書や本人確認書類の代わりには使えません。"
      "/ This is a copy for the holder's reference. It is not itself a certificate and cannot stand in for one or for proof of identity.",
      "電子証明書はマイナンバーカードの IC チップに記録されています。/ The certificate itself is on the IC chip of the My Number Card.",
      "有効期間満了日を過ぎると電子証明書は使えません。有効期間満了日が近づいたら、更新の手続きをしてください。"
      "/ After the last valid day the certificate cannot be used; renew it before then.",
      "暗証番号はこの書面に記載されません。/ No PIN is printed on this page.",
  };
  const std::string heading = "ご注意 (notes)";
  double notes_h = 8 + p.Measure(heading, f.bold, kWidth - 16) + 3 + 5;
  for (const std::string& n : notes) notes_h += p.Measure(n, f.small, kWidth - 26) + 3;
  if (y + notes_h > kA4Height - kMargin - 12) {
    Footer(p, f);
    cairo_show_page(cr);
    y = kMargin;
  }
  const double note_top = y;
  y += 8;
  y += p.Draw(heading, f.bold, kLeft + 8, y, kWidth - 16) + 3;
  for (const std::string& n : notes) {
    p.Draw("・", f.small, kLeft + 8, y, 10);
    y += p.Draw(n, f.small, kLeft + 18, y, kWidth - 26) + 3;
  }
  y += 5;
  p.Box(kLeft, note_top, kWidth, y - note_top, 0.6);
  Footer(p, f);
}

cairo_status_t AppendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> RenderCertificateCopy(const CertificateCopy& copy) {
  if (copy.kind != "auth" && copy.kind != "sign") {
    return InvalidArgument("kind", "'" + copy.kind + "': auth か sign (auth or sign)");
  }
  MYNACERT_ASSIGN_OR_RETURN(CopyFonts * fonts, ThreadFonts());
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(AppendBytes, &pdf, kA4Width, kA4Height);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "電子証明書の写し (copy of electronic certificate)");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "mynacert");
  cairo_t* cr = cairo_create(surface);
  fonts->text->Attach(cr);
  Page page(*fonts, cr);
  DrawCopy(page, *fonts, cr, copy);
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Error{ErrorCode::kInternal, "pdf", std::string("PDF を作れません (cannot make the PDF): ") + cairo_status_to_string(status), ""};
  }
  return pdf;
}

}  // namespace mynacert::notices
