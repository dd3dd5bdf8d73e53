// Relying parties: the OCSP responder (RFC 6960), the CRLs and the CA certificates, DER.
#include <algorithm>
#include <ctime>
#include <optional>
#include <vector>

#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "counter/verifiers.h"
#include "pki/ca_directory.h"
#include "pki/crl.h"
#include "pki/publication.h"
#include "pki/openssl.h"
#include "server/ocsp_http.h"
#include "service/api_util.h"
#include "service/app.h"

namespace mynacert::service {
namespace {

constexpr size_t kOcspBody = 64 * 1024;

// RFC 7231 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate(int64_t unix_seconds) { return FormatUtc(unix_seconds, "%a, %d %b %Y %H:%M:%S GMT"); }

std::optional<int64_t> ParseHttpDate(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

std::string Header(const HttpRequest& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

// RFC 5019 6.2 (and the same for CRLs): what a cache or CDN needs to serve the answer until it
// may change, and a conditional GET answered 304 without the body.
HttpResponse Cacheable(const HttpRequest& req, std::string content_type, std::string body,
                       const std::string& etag, int64_t last_modified, int64_t expires,
                       int64_t max_age, bool shared) {
  HttpResponse res;
  res.headers.emplace_back("ETag", etag);
  res.headers.emplace_back("Last-Modified", HttpDate(last_modified));
  res.headers.emplace_back("Expires", HttpDate(expires));
  // Restricted to registered verifiers (R-VER-1): no shared cache may hand it to anyone else.
  res.headers.emplace_back("Cache-Control",
                           "max-age=" + std::to_string(std::max<int64_t>(0, max_age)) +
                               (shared ? ", public" : ", private") + ", no-transform, must-revalidate");
  const std::string none_match = Header(req, "if-none-match");
  const auto since = ParseHttpDate(Header(req, "if-modified-since"));
  if ((!none_match.empty() && (none_match == etag || none_match == "*")) ||
      (none_match.empty() && since && *since >= last_modified)) {
    res.status = 304;
    res.content_type = "";
    return res;
  }
  res.content_type = std::move(content_type);
  res.body = std::move(body);
  return res;
}

// R-VER-1 with status restricted: may the verifier `who` read the status of `kind`?
bool MayRead(const RequestContext& c, std::string_view kind) {
  return !c.who || c.who->kinds == kind || c.who->kinds == "sign,auth";
}

// The kinds of CA an OCSP request asks about: each CertID's issuerKeyHash against the CAs'
// keys, in the hash the CertID names. A CertID of neither CA is left to the responder
// (unknown); nullopt for a request that does not parse (the responder says malformed).
std::optional<std::vector<std::string>> OcspRequestKinds(std::string_view der,
                                                         const pki::CaGeneration& sign, const pki::CaGeneration& auth) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  pki::OpenSslPtr<OCSP_REQUEST, OCSP_REQUEST_free> req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der.size())));
  if (!req) {
    pki::TakeOpenSslErrors();
    return std::nullopt;
  }
  std::vector<std::string> kinds;
  for (int i = 0; i < OCSP_request_onereq_count(req.get()); ++i) {
    OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
    ASN1_OBJECT* md_oid = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    if (OCSP_id_get0_info(nullptr, &md_oid, &key_hash, nullptr, id) != 1 || !md_oid || !key_hash) continue;
    const EVP_MD* md = EVP_get_digestbyobj(md_oid);
    if (!md) continue;
    for (const pki::CaGeneration* g : {&sign, &auth}) {
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      if (X509_pubkey_digest(g->cert.get(), md, digest, &len) == 1 &&
          static_cast<int>(len) == ASN1_STRING_length(key_hash) &&
          std::equal(digest, digest + len, ASN1_STRING_get0_data(key_hash))) {
        kinds.emplace_back(pki::CaKindName(g->kind));
      }
    }
  }
  pki::TakeOpenSslErrors();
  return kinds;
}

HttpResponse OcspAnswer(std::string der) {
  HttpResponse r;
  r.content_type = "application/ocsp-response";
  r.body = std::move(der);
  return r;
}

}  // namespace

Status Service::AddRelyingRoutes() {
  server::Router& r = *router_;
  // An OCSP client gets OCSP's own error (malformedRequest), never a JSON one.
  auto ocsp_too_large = [] { return OcspAnswer(std::string(server::MalformedRequestResponse())); };
  router_->RestrictRelyingParty(ws_->sign_ca.publication.status_restricted);
  auto ocsp = [this](RequestContext& c) {
    HttpResponse res = server::OcspHttpAnswer(c.http, [this, &c](std::string_view der) {
      // R-VER-1, restricted: a verifier asks only about certificates of its kind(s); a request
      // naming another kind is answered unauthorized (RFC 6960 4.2.1), as a whole.
      if (c.who && c.who->kinds != "sign,auth") {
        std::vector<std::string> kinds;
        {
          std::lock_guard lock(counter_mu_);
          auto asked = OcspRequestKinds(der, ws_->sign_ca, ws_->auth_ca);
          if (asked) kinds = std::move(*asked);
        }
        for (const std::string& k : kinds) {
          if (!MayRead(c, k)) return std::string(pki::OcspUnauthorized());
        }
      }
      return ocsp_->Respond(der);
    });
    // A GET answer is cacheable until its nextUpdate (RFC 5019 6.2): the responder pre-signs
    // and keeps one answer per certificate until its state changes.
    if (c.http.method == "GET" && res.status == 200) {
      if (auto times = pki::OcspResponseTimes(res.body); times) {
        const std::string etag = "\"" + pki::Sha256Hex(res.body).substr(0, 32) + "\"";
        return Cacheable(c.http, res.content_type, std::move(res.body), etag, times->produced_at,
                         times->next_update, times->next_update - c.now, !router_->relying_party_restricted());
      }
    }
    return res;
  };
  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/ocsp", Access::kRelyingParty, kOcspBody, "", false, ocsp, ocsp_too_large}));
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/ocsp/*", Access::kRelyingParty, kNoBody, "", false, ocsp, ocsp_too_large}));

  // The certification practice statement the certificates' CPS qualifier points at.
  // The CPS and the CA certificates stay public when status is restricted: they name nobody.
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/cps", Access::kPublic, kNoBody, "", false,
                                  [this](RequestContext&) {
    std::lock_guard lock(counter_mu_);
    const pki::Publication& p = ws_->sign_ca.publication;
    HttpResponse res;
    res.content_type = "text/html; charset=utf-8";
    res.body = std::string("<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
               "content=\"width=device-width\"><title>mynacert 試験用認証局 運用規程 (CPS)</title></head><body>"
               "<h1>mynacert 試験用認証局 運用規程 / Certification Practice Statement</h1>"
               "<p><strong>これは J-LIS の認証局ではありません。</strong>公的個人認証サービスを試験するための認証局で、"
               "ここで発行された証明書は誰の本人確認にも使えません。"
               "<br>This is not J-LIS's CA: a sandbox for testing JPKI applications. Its certificates identify nobody.</p>"
               "<h2>ポリシー / Policies</h2><ul>"
               "<li>署名用電子証明書 (signature): ") + p.PolicyOid(pki::CaKind::kSign) + "</li>"
               "<li>利用者証明用電子証明書 (user authentication): " + p.PolicyOid(pki::CaKind::kAuth) + "</li></ul>"
               "<h2>失効情報 / Revocation status</h2><ul>"
               "<li>OCSP: " + p.OcspUrl() + " (POST, GET per RFC 5019)</li>"
               "<li>CRL: " + p.base_url + "/crl/sign/g&lt;世代&gt;/&lt;都道府県&gt;/&lt;市区町村&gt;.crl (署名用: 市区町村ごと / per municipality), "
               + p.base_url + "/crl/auth/g&lt;世代&gt;/&lt;シリアル番号の末尾 0–F&gt;.crl (利用者証明用: 16 区分 / 16 partitions by the serial's last hex digit); "
               "差分 CRL / delta CRLs: .delta.crl</li>"
               "<li>一時保留は解除しません (J-LIS と同じ) / holds are final, as J-LIS's, unless this CA was made releasable.</li>"
               "<li>失効理由 / reasons: affiliationChanged = 記載事項の変更, superseded = 更新, cessationOfOperation = 不要・廃止, "
               "keyCompromise = 鍵の危殆化, certificateHold = 一時保留.</li></ul>"
               "<h2>認証局証明書 / CA certificates</h2><ul><li><a href=\"/ca/sign.crt\">署名用 / signature</a></li>"
               "<li><a href=\"/ca/auth.crt\">利用者証明用 / user authentication</a></li>"
               "<li><a href=\"/ca/card-data.crt\">券面事項入力補助AP の署名鍵 (テスト用、J-LIS のものではありません) / "
               "the key that signs the cards' 券面事項 data (a test key, not J-LIS's)</a></li></ul></body></html>";
    return res;
  }}));

  // The sandbox's card data key (card/card_data.h): EF 0004 of every card's 券面事項入力補助 AP
  // verifies under it. 404 until the first card was written.
  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/ca/card-data.crt", Access::kPublic, kNoBody, "", false,
                                  [this](RequestContext&) {
    auto cert = pki::LoadCardDataCertificate(ws_->CaDir());
    if (!cert.ok()) return Fail(NotFound("path", cert.error().message));
    HttpResponse res;
    res.content_type = "application/pkix-cert";
    res.headers.emplace_back("Content-Disposition", "attachment; filename=\"card-data.crt\"");
    res.body = pki::CertificateDer(cert->get());
    return res;
  }}));

  for (const bool auth : {true, false}) {
    const std::string kind = auth ? "auth" : "sign";
    MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/ca/" + kind + ".crt", Access::kPublic, kNoBody, "", false,
                                    [this, auth, kind](RequestContext&) {
      HttpResponse res;
      res.content_type = "application/pkix-cert";
      res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + kind + ".crt\"");
      std::lock_guard lock(counter_mu_);
      res.body = pki::CertificateDer((auth ? ws_->auth_ca : ws_->sign_ca).cert.get());
      return res;
    }}));

    // The issuing CA of any generation (the certificates' caIssuers).
    MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/ca/" + kind + "/*", Access::kPublic, kNoBody, "", false,
                                    [this, auth, kind](RequestContext& c) {
      const std::string_view rest = std::string_view(c.http.path).substr(5 + kind.size());
      int generation = 0;
      if (rest.starts_with("g") && rest.ends_with(".crt")) {
        const std::string digits(rest.substr(1, rest.size() - 5));
        if (!digits.empty() && digits.size() <= 4 &&
            digits.find_first_not_of("0123456789") == std::string::npos) {
          generation = std::stoi(digits);
        }
      }
      // A generation's certificate never changes once written: read from the folder once.
      std::lock_guard lock(counter_mu_);
      std::string& der = ca_der_[{auth ? 1 : 0, generation}];
      if (der.empty() && generation > 0) {
        auto cert = pki::LoadCaCertificate(ws_->CaDir(), auth ? pki::CaKind::kAuth : pki::CaKind::kSign, generation);
        if (cert.ok()) der = pki::CertificateDer(cert->get());
      }
      if (der.empty()) {
        ca_der_.erase({auth ? 1 : 0, generation});
        return Fail(NotFound("path", "その世代の認証局はありません (no such CA generation: " +
                                         std::string(rest) + ")"));
      }
      HttpResponse res;
      res.content_type = "application/pkix-cert";
      res.body = der;
      return res;
    }}));

    MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/crl/" + kind + "/*", Access::kRelyingParty, kNoBody, "", false,
                                    [this, kind](RequestContext& c) {
      if (!MayRead(c, kind)) return Fail(counter::NotRegisteredForKind(kind));
      auto path = pki::ParseCrlPath(std::string_view(c.http.path).substr(5));
      if (!path) {
        return Fail(NotFound("path", "その CRL はありません: /crl/<sign|auth>/g<世代>/<区分>.crl (no such "
                                     "CRL; see docs/relying-parties.md)"));
      }
      std::lock_guard lock(counter_mu_);
      return PartitionCrlAnswer(c, *path);
    }}));

    MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/crl/" + kind + ".crl", Access::kRelyingParty, kNoBody, "", false,
                                    [this, auth, kind](RequestContext& c) {
      if (!MayRead(c, kind)) return Fail(counter::NotRegisteredForKind(kind));
      std::lock_guard lock(counter_mu_);
      const pki::CaGeneration& ca = auth ? ws_->auth_ca : ws_->sign_ca;
      // A new CRL when a certificate of this CA changed since the cached one, or when the cached
      // one is past half its 24 h validity; otherwise the cached bytes (CRL numbers stay few).
      CrlCache& cache = crl_[auth ? 1 : 0];
      int64_t last = cache.seq;
      bool stale = cache.der.empty() || c.now - cache.made_at > 12 * 3600;
      if (!stale) {
        auto changed = ws_->ca_store->ChangedSince(cache.seq, &last);
        if (!changed.ok()) return Fail(changed.error());
        for (const auto& [k, serial] : *changed) stale = stale || k == ca.kind;
      }
      if (stale) {
        auto seq = ws_->ca_store->LastSeq();
        if (!seq.ok()) return Fail(seq.error());
        pki::CrlOptions o;
        o.actor = "serve";
        auto made = pki::GenerateCrl(*ws_->ca_store, ca, c.clock, o);
        if (!made.ok()) return Fail(made.error());
        cache.der = std::move(made->der);
        cache.seq = *seq;
        cache.made_at = c.now;
      } else {
        cache.seq = last;
      }
      HttpResponse res;
      res.content_type = "application/pkix-crl";
      res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + kind + ".crl\"");
      res.body = cache.der;
      return res;
    }}));
  }
  return {};
}

HttpResponse Service::PartitionCrlAnswer(RequestContext& c, const pki::CrlPath& path) {
  const std::string kind(pki::CaKindName(path.kind));
  // The generation's CA: the current one, or an older one loaded once with its key.
  const pki::CaGeneration* ca = path.kind == pki::CaKind::kAuth ? &ws_->auth_ca : &ws_->sign_ca;
  if (path.generation != ca->generation) {
    const auto key = std::make_pair(path.kind == pki::CaKind::kAuth ? 1 : 0, path.generation);
    auto it = older_cas_.find(key);
    if (it == older_cas_.end()) {
      if (path.generation > ca->generation) {
        return Fail(NotFound("path", "その世代の認証局はありません (no such CA generation)"));
      }
      auto loaded = pki::LoadCa(ws_->CaDir(), path.kind, path.generation, {ca_passphrase_, ""});
      if (!loaded.ok()) return Fail(NotFound("path", "その世代の認証局はありません (no such CA generation)"));
      it = older_cas_.emplace(key, std::move(loaded).value()).first;
    }
    ca = &it->second;
  }
  const std::string id = kind + "/g" + std::to_string(path.generation) + "/" + path.scope;
  // Only partitions that hold a certificate: a flood of invented names must not make (and
  // record) a signed CRL each, nor grow the cache.
  if (!partition_crls_.count(id)) {
    auto exists = ws_->ca_store->ScopeChangedSince(path.kind, path.generation, path.scope, -1);
    if (!exists.ok()) return Fail(exists.error());
    if (!*exists) {
      return Fail(NotFound("path", "その区分の証明書はありません (no certificate in this partition: " +
                                       path.scope + ")"));
    }
  }
  auto seq = ws_->ca_store->LastSeq();
  if (!seq.ok()) return Fail(seq.error());
  auto make = [&](bool delta) -> Result<PartitionCrl*> {
    pki::CrlOptions o;
    o.actor = "serve";
    o.scope = path.scope;
    o.delta = delta;
    MYNACERT_ASSIGN_OR_RETURN(pki::CrlOutput made, pki::GenerateCrl(*ws_->ca_store, *ca, c.clock, o));
    PartitionCrl& slot = partition_crls_[delta ? id + ".delta" : id];
    slot = PartitionCrl{std::move(made.der), *seq, c.now, made.record.number, made.record.this_update,
                        made.record.next_update, made.record.delta_base.value_or(0)};
    return &slot;
  };
  // The full CRL: made again when its partition changed and the last one is older than the
  // interval, or when half its validity has passed.
  auto full_it = partition_crls_.find(id);
  PartitionCrl* full = full_it == partition_crls_.end() ? nullptr : &full_it->second;
  bool remake = !full || c.now - full->made_at > 12 * 3600;
  if (!remake && c.now - full->made_at >= config_.crl_full_interval_seconds) {
    auto changed = ws_->ca_store->ScopeChangedSince(path.kind, path.generation, path.scope, full->seq);
    if (!changed.ok()) return Fail(changed.error());
    remake = *changed;
  }
  if (remake) {
    auto made = make(false);
    if (!made.ok()) return Fail(made.error());
    full = *made;
  }
  PartitionCrl* answer = full;
  if (path.delta) {
    auto delta_it = partition_crls_.find(id + ".delta");
    PartitionCrl* delta = delta_it == partition_crls_.end() ? nullptr : &delta_it->second;
    bool fresh = delta && delta->base_number == full->number && c.now - delta->made_at <= 12 * 3600;
    if (fresh) {
      auto changed = ws_->ca_store->ScopeChangedSince(path.kind, path.generation, path.scope, delta->seq);
      if (!changed.ok()) return Fail(changed.error());
      fresh = !*changed;
    }
    if (!fresh) {
      auto made = make(true);
      if (!made.ok()) return Fail(made.error());
      delta = *made;
    }
    answer = delta;
  }
  // Cacheable until it may be replaced: a full CRL for the interval, a delta for a minute.
  const int64_t max_age =
      std::min(answer->next_update - c.now,
               path.delta ? int64_t{60} : answer->made_at + config_.crl_full_interval_seconds - c.now);
  return Cacheable(c.http, "application/pkix-crl", answer->der,
                   "\"" + kind + "-" + std::to_string(answer->number) + "\"", answer->this_update,
                   answer->next_update, max_age, !router_->relying_party_restricted());
}

}  // namespace mynacert::service
