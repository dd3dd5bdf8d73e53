#include "pki/pades.h"

#include <podofo/podofo.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <set>

#include "core/clock.h"

namespace mynacert::pki {

namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfError;
using PoDoFo::PdfMemDocument;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfReference;
using PoDoFo::PdfString;

// PoDoFo logs to stderr unless told not to, and the switch is process-wide.
void QuietPoDoFo() {
  static std::once_flag once;
  std::call_once(once, [] {
    PdfError::EnableDebug(false);
    PdfError::EnableLogging(false);
  });
}

std::string PdfErrorText(const PdfError& e) {
  const char* what = PdfError::ErrorMessage(e.GetError());
  const char* name = PdfError::ErrorName(e.GetError());
  return std::string(name ? name : "PdfError") + (what ? std::string(": ") + what : "");
}

Error NotAPdf(std::string_view field, const std::string& why) {
  return InvalidArgument(std::string(field), "PDF として読めません (not a readable PDF: " + why + ")");
}

void LoadPdf(PdfMemDocument& doc, std::string_view pdf, bool for_update) {
  doc.LoadFromBuffer(pdf.data(), static_cast<long>(pdf.size()), for_update);
}

std::string Serialized(const PdfObject& o) {
  std::string s;
  o.ToString(s);
  return s;
}

std::string StreamBytes(const PdfObject& o) {
  if (!o.HasStream()) return {};
  char* buf = nullptr;
  PoDoFo::pdf_long len = 0;
  const_cast<PdfObject&>(o).GetStream()->GetCopy(&buf, &len);
  std::string out(buf ? buf : "", static_cast<size_t>(len));
  PoDoFo::podofo_free(buf);
  return out;
}

std::string DecodedStream(PdfObject& o) {
  if (!o.HasStream()) return {};
  char* buf = nullptr;
  PoDoFo::pdf_long len = 0;
  o.GetStream()->GetFilteredCopy(&buf, &len);
  std::string out(buf ? buf : "", static_cast<size_t>(len));
  PoDoFo::podofo_free(buf);
  return out;
}

// "D:YYYYMMDDHHmmSS+HH'mm'" (PDF 32000-1 7.9.4; the parts after the year optional) as Unix
// seconds; 0 when unreadable.
int64_t PdfDateSeconds(std::string_view d) {
  if (d.rfind("D:", 0) == 0) d.remove_prefix(2);
  auto num = [&](size_t at, size_t n, int fallback) {
    if (d.size() < at + n) return fallback;
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (d[i] < '0' || d[i] > '9') return fallback;
      v = v * 10 + (d[i] - '0');
    }
    return v;
  };
  const int year = num(0, 4, -1);
  if (year < 0) return 0;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = num(4, 2, 1) - 1;
  tm.tm_mday = num(6, 2, 1);
  tm.tm_hour = num(8, 2, 0);
  tm.tm_min = num(10, 2, 0);
  tm.tm_sec = num(12, 2, 0);
  int64_t t = timegm(&tm);
  if (d.size() > 14 && (d[14] == '+' || d[14] == '-')) {
    const int64_t offset = num(15, 2, 0) * 3600 + num(18, 2, 0) * 60;
    t += d[14] == '+' ? -offset : offset;
  }
  return t;
}

// PDF date of `t` in JST (the signer's zone in this sandbox), e.g. D:20261204213000+09'00'.
std::string PdfDateJst(int64_t t) {
  return FormatUtc(t + 9 * 3600, "D:%Y%m%d%H%M%S") + "+09'00'";
}

bool IsSignatureDictionary(const PdfObject& o) {
  if (!o.IsDictionary()) return false;
  const PdfDictionary& d = o.GetDictionary();
  return d.HasKey("ByteRange") && d.HasKey("Contents") && d.GetKey("ByteRange")->IsArray();
}

// Keys a later revision may change on an object of the signed one: adding the DSS, and what
// adding another signature field touches (the form's fields and flags, the page's widgets).
const std::set<std::string>& MayChangeLater() {
  static const std::set<std::string> keys = {"DSS", "AcroForm", "Fields", "SigFlags", "Annots"};
  return keys;
}

// How the object of the signed revision `before` differs in the newer `after`: the empty
// string when it differs only in keys a later revision may change.
std::string Changed(const PdfObject& before, const PdfObject& after) {
  if (before.IsDictionary() && after.IsDictionary()) {
    const PdfDictionary& a = before.GetDictionary();
    const PdfDictionary& b = after.GetDictionary();
    std::set<std::string> keys;
    for (const auto& [k, v] : a.GetKeys()) keys.insert(k.GetName());
    for (const auto& [k, v] : b.GetKeys()) keys.insert(k.GetName());
    for (const std::string& k : keys) {
      if (MayChangeLater().count(k)) continue;
      const PdfObject* x = a.GetKey(k);
      const PdfObject* y = b.GetKey(k);
      if (!x || !y || Serialized(*x) != Serialized(*y)) return "/" + k;
    }
    if (StreamBytes(before) != StreamBytes(after)) return "stream";
    return "";
  }
  if (Serialized(before) != Serialized(after)) return "value";
  return StreamBytes(before) != StreamBytes(after) ? "stream" : "";
}

std::vector<std::string> StreamsOf(PdfMemDocument& doc, const PdfDictionary& dss, const char* key) {
  std::vector<std::string> out;
  const PdfObject* list = dss.GetKey(key);
  if (list && list->IsReference()) list = doc.GetObjects().GetObject(list->GetReference());
  if (!list || !list->IsArray()) return out;
  for (const PdfObject& item : list->GetArray()) {
    PdfObject* o = item.IsReference() ? doc.GetObjects().GetObject(item.GetReference()) : nullptr;
    if (o && o->HasStream()) out.push_back(DecodedStream(*o));
  }
  return out;
}

}  // namespace

bool LooksLikePdf(std::string_view bytes) { return bytes.rfind("%PDF-", 0) == 0; }

Result<std::string> SignPdf(std::string_view pdf, X509* signer, const DigestInfoSigner& sign,
                            const PadesSignOptions& options, std::string_view field) {
  QuietPoDoFo();
  if (!LooksLikePdf(pdf)) return NotAPdf(field, "no %PDF- header");
  try {
    PdfMemDocument doc;
    LoadPdf(doc, pdf, true);
    if (doc.GetPageCount() < 1) return InvalidArgument(std::string(field), "ページのない PDF には署名できません (the PDF has no page)");
    PoDoFo::PdfAcroForm* form = doc.GetAcroForm();
    if (!form) return NotAPdf(field, "no AcroForm");
    PdfDictionary& form_dict = form->GetObject()->GetDictionary();
    form_dict.AddKey("SigFlags", PdfObject(static_cast<PoDoFo::pdf_int64>(3)));  // SignaturesExist | AppendOnly
    if (form->GetNeedAppearances()) form->SetNeedAppearances(false);

    PoDoFo::PdfRefCountedBuffer buffer;
    PoDoFo::PdfOutputDevice device(&buffer);
    PoDoFo::PdfSignOutputDevice out(&device);
    PoDoFo::PdfPage* page = doc.GetPage(0);
    PoDoFo::PdfAnnotation* widget = page->CreateAnnotation(PoDoFo::ePdfAnnotation_Widget, PoDoFo::PdfRect(0, 0, 0, 0));
    widget->SetFlags(PoDoFo::ePdfAnnotationFlags_Invisible | PoDoFo::ePdfAnnotationFlags_Hidden);
    PoDoFo::PdfSignatureField signature_field(widget, form, &doc);
    out.SetSignatureSize(options.reserve);
    signature_field.SetFieldName(PdfString("mynacert-" + std::to_string(doc.GetObjects().GetObjectCount())));
    if (!options.reason.empty()) {
      signature_field.SetSignatureReason(PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(options.reason.c_str())));
    }
    signature_field.SetSignature(*out.GetSignatureBeacon());
    PdfDictionary& sig = signature_field.GetSignatureObject()->GetDictionary();
    sig.AddKey("Filter", PdfName("Adobe.PPKLite"));
    sig.AddKey("SubFilter", PdfName("ETSI.CAdES.detached"));
    sig.AddKey("M", PdfString(PdfDateJst(options.signing_time)));
    doc.WriteUpdate(&out, true);
    if (!out.HasSignaturePosition()) return Error{ErrorCode::kInternal, std::string(field), "署名の位置が見つかりません (no /Contents gap)", ""};
    out.AdjustByteRange();
    out.Seek(0);
    std::string signed_bytes;
    char chunk[65536];
    for (size_t n; (n = out.ReadForSignature(chunk, sizeof chunk)) > 0;) signed_bytes.append(chunk, n);
    CmsSignOptions cms_options;
    cms_options.detached = true;
    cms_options.pades = true;
    cms_options.extra_certs = options.extra_certs;
    MYNACERT_ASSIGN_OR_RETURN(std::string cms, SignCms(signed_bytes, signer, sign, cms_options, field));
    if (cms.size() > out.GetSignatureSize()) {
      return Error{ErrorCode::kInternal, std::string(field),
                   "署名データが予約した大きさを超えます (the CMS needs " + std::to_string(cms.size()) + " bytes)", ""};
    }
    out.SetSignature(PoDoFo::PdfData(cms.data(), cms.size()));
    out.Flush();
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PdfError& e) {
    return NotAPdf(field, PdfErrorText(e));
  }
}

Result<std::string> AddDss(std::string_view pdf, const ValidationData& data, std::string_view field) {
  QuietPoDoFo();
  if (!LooksLikePdf(pdf)) return NotAPdf(field, "no %PDF- header");
  try {
    PdfMemDocument doc;
    LoadPdf(doc, pdf, true);
    PdfObject* catalog = doc.GetCatalog();
    PdfObject* dss = catalog->GetDictionary().GetKey("DSS");
    if (dss && dss->IsReference()) dss = doc.GetObjects().GetObject(dss->GetReference());
    if (!dss || !dss->IsDictionary()) {
      dss = doc.GetObjects().CreateObject();
      catalog->GetDictionary().AddKey("DSS", dss->Reference());
    }
    auto add = [&](const char* key, const std::vector<std::string>& items) {
      if (items.empty()) return;
      PdfArray list;
      const PdfObject* old = dss->GetDictionary().GetKey(key);
      if (old && old->IsReference()) old = doc.GetObjects().GetObject(old->GetReference());
      if (old && old->IsArray()) list = old->GetArray();
      for (const std::string& item : items) {
        PdfObject* stream = doc.GetObjects().CreateObject();
        stream->GetStream()->Set(item.data(), static_cast<PoDoFo::pdf_long>(item.size()));
        list.push_back(stream->Reference());
      }
      dss->GetDictionary().AddKey(key, list);
    };
    add("Certs", data.certs);
    add("OCSPs", data.ocsps);
    add("CRLs", data.crls);
    PoDoFo::PdfRefCountedBuffer buffer;
    PoDoFo::PdfOutputDevice device(&buffer);
    doc.WriteUpdate(&device, true);
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PdfError& e) {
    return NotAPdf(field, PdfErrorText(e));
  }
}

Result<PdfSignatures> ReadPdfSignatures(std::string_view pdf, std::string_view field) {
  QuietPoDoFo();
  if (!LooksLikePdf(pdf)) return NotAPdf(field, "no %PDF- header");
  try {
    PdfMemDocument doc;
    LoadPdf(doc, pdf, false);
    PdfSignatures out;
    // The fields' names, by the signature dictionary they hold.
    std::map<PdfReference, std::string> names;
    for (PdfObject* o : doc.GetObjects()) {
      if (!o || !o->IsDictionary()) continue;
      const PdfObject* v = o->GetDictionary().GetKey("V");
      const PdfObject* t = o->GetDictionary().GetKey("T");
      if (v && v->IsReference() && t && t->IsString()) names[v->GetReference()] = t->GetString().GetStringUtf8();
    }
    for (PdfObject* o : doc.GetObjects()) {
      if (!o || !IsSignatureDictionary(*o)) continue;
      const PdfDictionary& d = o->GetDictionary();
      PdfSignature s;
      s.field_name = names.count(o->Reference()) ? names[o->Reference()] : "";
      if (const PdfObject* f = d.GetKey("SubFilter"); f && f->IsName()) s.sub_filter = f->GetName().GetName();
      if (const PdfObject* m = d.GetKey("M"); m && m->IsString()) s.claimed_time = PdfDateSeconds(m->GetString().GetStringUtf8());
      if (const PdfObject* r = d.GetKey("Reason"); r && r->IsString()) s.reason = r->GetString().GetStringUtf8();
      const PdfArray& range = d.GetKey("ByteRange")->GetArray();
      const PdfObject* contents = d.GetKey("Contents");
      if (range.size() != 4 || !(contents->IsHexString() || contents->IsString())) continue;
      for (size_t i = 0; i < 4; ++i) s.byte_range[i] = range[i].IsNumber() ? range[i].GetNumber() : -1;
      s.cms.assign(contents->GetString().GetString(), contents->GetString().GetLength());
      const auto [a, b, c, n] = s.byte_range;
      const int64_t size = static_cast<int64_t>(pdf.size());
      const bool in_file = a >= 0 && b >= 0 && c >= a + b && n >= 0 && c + n <= size;
      if (in_file) {
        s.signed_bytes = std::string(pdf.substr(a, b)) + std::string(pdf.substr(c, n));
        // The gap is exactly the hex string /Contents.
        const std::string_view gap = pdf.substr(a + b, c - a - b);
        bool hex = gap.size() >= 2 && gap.front() == '<' && gap.back() == '>';
        for (size_t i = 1; hex && i + 1 < gap.size(); ++i) hex = std::isxdigit(static_cast<unsigned char>(gap[i])) != 0;
        // The signed revision ends at its %%EOF (and an end of line).
        std::string_view tail = pdf.substr(0, c + n);
        while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
        s.covers_revision = a == 0 && hex && tail.size() >= 5 && tail.substr(tail.size() - 5) == "%%EOF";
        s.later_bytes = size - (c + n);
      }
      out.signatures.push_back(std::move(s));
    }
    // Objects changed after each signature: the signed revision loaded alone, compared.
    for (PdfSignature& s : out.signatures) {
      if (!s.covers_revision || s.later_bytes == 0) continue;
      PdfMemDocument signed_revision;
      LoadPdf(signed_revision, pdf.substr(0, s.byte_range[2] + s.byte_range[3]), false);
      for (PdfObject* before : signed_revision.GetObjects()) {
        if (!before) continue;
        PdfObject* after = doc.GetObjects().GetObject(before->Reference());
        const std::string what = after ? Changed(*before, *after) : "deleted";
        if (!what.empty()) s.changed_after.push_back(before->Reference().ToString() + " " + what);
      }
    }
    if (const PdfObject* dss = doc.GetCatalog()->GetDictionary().GetKey("DSS")) {
      const PdfObject* d = dss->IsReference() ? doc.GetObjects().GetObject(dss->GetReference()) : dss;
      if (d && d->IsDictionary()) {
        out.dss.certs = StreamsOf(doc, d->GetDictionary(), "Certs");
        out.dss.ocsps = StreamsOf(doc, d->GetDictionary(), "OCSPs");
        out.dss.crls = StreamsOf(doc, d->GetDictionary(), "CRLs");
      }
    }
    return out;
  } catch (const PdfError& e) {
    return NotAPdf(field, PdfErrorText(e));
  }
}

namespace {

// The child's answer to the parent: length-prefixed fields, in the order Put wrote them.
void Put(std::string& out, std::string_view bytes) {
  const uint64_t n = bytes.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(bytes);
}
void PutInt(std::string& out, int64_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void PutList(std::string& out, const std::vector<std::string>& list) {
  PutInt(out, static_cast<int64_t>(list.size()));
  for (const std::string& item : list) Put(out, item);
}
struct Reader {
  std::string_view in;
  bool ok = true;
  int64_t Int() {
    int64_t v = 0;
    if (in.size() < sizeof v) return ok = false, 0;
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return v;
  }
  std::string Bytes() {
    const uint64_t n = static_cast<uint64_t>(Int());
    if (!ok || in.size() < n) return ok = false, std::string();
    std::string out(in.substr(0, n));
    in.remove_prefix(n);
    return out;
  }
  std::vector<std::string> List() {
    std::vector<std::string> out;
    const int64_t n = Int();
    for (int64_t i = 0; ok && i < n && i < (1 << 20); ++i) out.push_back(Bytes());
    return out;
  }
};

std::string Serialize(const Result<PdfSignatures>& r) {
  std::string out;
  PutInt(out, r.ok() ? 1 : 0);
  if (!r.ok()) {
    Put(out, r.error().message);
    return out;
  }
  PutInt(out, static_cast<int64_t>(r->signatures.size()));
  for (const PdfSignature& s : r->signatures) {
    Put(out, s.field_name);
    Put(out, s.sub_filter);
    for (int64_t v : s.byte_range) PutInt(out, v);
    PutInt(out, s.claimed_time);
    Put(out, s.reason);
    Put(out, s.cms);
    Put(out, s.signed_bytes);
    PutInt(out, s.covers_revision ? 1 : 0);
    PutInt(out, s.later_bytes);
    PutList(out, s.changed_after);
  }
  PutList(out, r->dss.certs);
  PutList(out, r->dss.ocsps);
  PutList(out, r->dss.crls);
  return out;
}

Result<PdfSignatures> Deserialize(std::string_view bytes, std::string_view field) {
  Reader r{bytes};
  const bool ok = r.Int() == 1;
  if (!ok) {
    std::string message = r.Bytes();
    if (!r.ok) return NotAPdf(field, "no answer from the parser");
    return InvalidArgument(std::string(field), std::move(message));
  }
  PdfSignatures out;
  const int64_t n = r.Int();
  for (int64_t i = 0; r.ok && i < n && i < 4096; ++i) {
    PdfSignature s;
    s.field_name = r.Bytes();
    s.sub_filter = r.Bytes();
    for (int64_t& v : s.byte_range) v = r.Int();
    s.claimed_time = r.Int();
    s.reason = r.Bytes();
    s.cms = r.Bytes();
    s.signed_bytes = r.Bytes();
    s.covers_revision = r.Int() == 1;
    s.later_bytes = r.Int();
    s.changed_after = r.List();
    out.signatures.push_back(std::move(s));
  }
  out.dss.certs = r.List();
  out.dss.ocsps = r.List();
  out.dss.crls = r.List();
  if (!r.ok || !r.in.empty()) return NotAPdf(field, "a broken answer from the parser");
  return out;
}

}  // namespace

Result<PdfSignatures> ReadPdfSignaturesIsolated(std::string_view pdf, std::string_view field, const PdfParseLimits& limits) {
  if (!LooksLikePdf(pdf)) return NotAPdf(field, "no %PDF- header");
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Error{ErrorCode::kInternal, std::string(field), "pipe failed", ""};
  const pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return Error{ErrorCode::kInternal, std::string(field), "PDF を解析するプロセスを作れません (cannot fork the parser)", ""};
  }
  if (child == 0) {
    // The child: bounded, it parses and answers, and is gone. It takes no lock another thread
    // of the parent may have held at fork, but malloc's (which glibc makes consistent at fork).
    close(fds[0]);
#if !defined(__SANITIZE_ADDRESS__)  // ASan reserves terabytes of address space for its shadow
    const rlimit memory{limits.memory_bytes, limits.memory_bytes};
    setrlimit(RLIMIT_AS, &memory);
#endif
    const rlimit cpu{static_cast<rlim_t>(limits.cpu_seconds), static_cast<rlim_t>(limits.cpu_seconds)};
    setrlimit(RLIMIT_CPU, &cpu);
    const std::string answer = Serialize(ReadPdfSignatures(pdf, field));
    for (size_t done = 0; done < answer.size();) {
      const ssize_t n = write(fds[1], answer.data() + done, answer.size() - done);
      if (n <= 0 && errno != EINTR) _exit(3);
      if (n > 0) done += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.wall_seconds);
  bool timed_out = false;
  for (char buf[65536];;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      timed_out = ready == 0;
      break;
    }
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return NotAPdf(field, "the parser took too long");
  if (WIFSIGNALED(status)) {
    return NotAPdf(field, std::string("the parser stopped: ") + strsignal(WTERMSIG(status)));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return NotAPdf(field, "the parser failed");
  return Deserialize(answer, field);
}

Result<std::vector<CmsReport>> VerifyPdf(std::string_view pdf, std::span<const std::pair<CaKind, X509*>> trust,
                                         const OcspAt& ocsp, int64_t now, std::string_view field) {
  MYNACERT_ASSIGN_OR_RETURN(PdfSignatures found, ReadPdfSignaturesIsolated(pdf, field, {}));
  if (found.signatures.empty()) {
    return InvalidArgument(std::string(field), "この PDF には電子署名がありません (the PDF has no signature)");
  }
  std::vector<CmsReport> reports;
  for (const PdfSignature& s : found.signatures) {
    CmsVerifyOptions options;
    options.claimed_time = s.claimed_time;
    options.embedded_ocsp = found.dss.ocsps;
    MYNACERT_ASSIGN_OR_RETURN(CmsReport report, VerifyCms(s.cms, s.signed_bytes, trust, ocsp, now, field, options));
    report.content.clear();
    CmsCheck document{"document", false, "", ""};
    if (!s.covers_revision) {
      document.ja = "署名の範囲 (ByteRange) が文書の版全体を覆っていません";
      document.en = "the byte range does not cover its whole revision";
    } else if (!s.changed_after.empty()) {
      document.ja = "署名の後で文書が変更されています (" + s.changed_after.front() + ")";
      document.en = "the document was changed after signing (" + s.changed_after.front() + ")";
    } else {
      document.ok = true;
      document.ja = s.later_bytes ? "署名された版の後には検証用データ (DSS) などの追記だけがあります"
                                  : "署名は文書全体を覆っています";
      document.en = s.later_bytes ? "after the signed revision, only validation data (DSS) or signatures were appended"
                                  : "the signature covers the whole document";
    }
    report.checks.insert(report.checks.begin(), document);
    report.valid = report.valid && document.ok;
    reports.push_back(std::move(report));
  }
  return reports;
}

Result<DocumentReport> VerifyDocument(std::string_view bytes, std::optional<std::string_view> content,
                                      std::span<const std::pair<CaKind, X509*>> trust, const OcspAt& ocsp, int64_t now,
                                      std::string_view field, std::string_view content_field) {
  DocumentReport out;
  out.pdf = LooksLikePdf(bytes);
  if (out.pdf) {
    if (content) {
      return InvalidArgument(std::string(content_field), "PDF の署名は文書の中にあります (a PDF carries its own content)");
    }
    MYNACERT_ASSIGN_OR_RETURN(out.signatures, VerifyPdf(bytes, trust, ocsp, now, field));
  } else {
    auto report = VerifyCms(bytes, content, trust, ocsp, now, field);
    if (!report.ok()) {
      Error e = report.error();
      if (e.field == "content") e.field = std::string(content_field);
      return e;
    }
    out.signatures.push_back(std::move(report).value());
  }
  out.valid = true;
  for (const CmsReport& r : out.signatures) out.valid = out.valid && r.valid;
  return out;
}

nlohmann::json DocumentReportJson(const DocumentReport& report) {
  if (!report.pdf) {
    nlohmann::json j = CmsReportJson(report.signatures.at(0));
    j["format"] = "cms";
    return j;
  }
  nlohmann::json signatures = nlohmann::json::array();
  for (const CmsReport& r : report.signatures) signatures.push_back(CmsReportJson(r));
  return {{"format", "pdf"}, {"valid", report.valid}, {"signatures", signatures}};
}

}  // namespace mynacert::pki
