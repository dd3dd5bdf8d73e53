// `mynacert ca issue | revoke | release | crl | rollover | log`: the CA's daily work (issue 3).
// Every change names the staff member (--actor) and lands in the CA's audit trail (ca_events);
// keys are opened from the CA folder with secrets read from env:NAME or file:PATH only.
#include <openssl/pem.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <thread>

#include "cli/ca_access.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "pki/ca_store.h"
#include "pki/crl.h"
#include "pki/key_file.h"
#include "rules/validity.h"

namespace mynacert::cli {
namespace {

struct IssueFlags {
  CaAccess access;
  std::string kind, public_key, cn, issue_date, last_valid_day, birth, card_expiry, auth_expiry;
  std::string municipality, holder_ref, renew, out;
  bool renewal_in_window = false, json = false;
  // sign certificate personal data (R-CERT-3)
  std::string name, address, prefecture_en, municipality_en, name_flags, address_flags;
  int sex = 0;
};

Result<pki::CaKind> ParseKind(const std::string& kind) {
  if (kind == "sign") return pki::CaKind::kSign;
  if (kind == "auth") return pki::CaKind::kAuth;
  return InvalidArgument("--kind", "sign か auth を指定してください (expected sign or auth)");
}

Result<pki::EvpPkeyPtr> ReadPublicKey(const std::string& path) {
  pki::BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return NotFound("--public-key", "ファイルを開けません (cannot open " + path + ")");
  pki::EvpPkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    pki::TakeOpenSslErrors();
    return InvalidArgument("--public-key",
                           "PEM の公開鍵 (BEGIN PUBLIC KEY) が読めません (not a PEM public key)");
  }
  return key;
}

// The last valid day: given, or computed by the rules engine (R-VAL-1/1a/5).
Result<Date> LastValidDay(const IssueFlags& f, Date issued, CliContext& ctx) {
  if (!f.last_valid_day.empty()) return Date::Parse(f.last_valid_day, "--last-valid-day");
  if (f.birth.empty() || f.card_expiry.empty()) {
    return InvalidArgument("--last-valid-day",
                           "--last-valid-day か、--birth と --card-expiry を指定してください "
                           "(give --last-valid-day, or --birth and --card-expiry)",
                           "R-VAL-1");
  }
  MYNACERT_ASSIGN_OR_RETURN(Date birth, Date::Parse(f.birth, "--birth"));
  MYNACERT_ASSIGN_OR_RETURN(Date card, Date::Parse(f.card_expiry, "--card-expiry"));
  std::optional<Date> auth;
  if (!f.auth_expiry.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(auth, Date::Parse(f.auth_expiry, "--auth-expiry"));
  }
  profiles::RuleSettings settings;
  if (!f.municipality.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m,
                              ctx.FindMunicipality(f.municipality));
    settings = m->rules;
  }
  if (birth > issued) return InvalidArgument("--birth", "発行日より後です (after the issue date)");
  return rules::ComputeCertValidity(birth, issued, f.renewal_in_window, card, auth, settings)
      .expires;
}

int64_t Seconds(pki::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Status RunIssue(const IssueFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(pki::CaKind kind, ParseKind(f.kind));
  MYNACERT_ASSIGN_OR_RETURN(pki::EvpPkeyPtr key, ReadPublicKey(f.public_key));
  const pki::TimePoint now = RealClock().Now();
  Date issued = RealClock().TodayJst();
  if (!f.issue_date.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(issued, Date::Parse(f.issue_date, "--issue-date"));
  }
  MYNACERT_ASSIGN_OR_RETURN(Date last_day, LastValidDay(f, issued, ctx));
  pki::CertRequest request;
  request.kind = kind;
  request.public_key = key.get();
  request.not_before = now;
  request.last_valid_day = last_day;
  // CN: the sign cert's issue serial, the auth cert's opaque id; generated when not given.
  if (!f.cn.empty()) {
    request.subject_cn = f.cn;
  } else {
    // The window: the municipality's code and counter 000 (issued by the CA, at no counter).
    std::string window(pki::kNoWindowId);
    if (!f.municipality.empty()) {
      MYNACERT_ASSIGN_OR_RETURN(const profiles::Municipality* m, ctx.FindMunicipality(f.municipality));
      MYNACERT_ASSIGN_OR_RETURN(window, pki::WindowId(m->local_government_code, 0, "--municipality"));
    }
    MYNACERT_ASSIGN_OR_RETURN(request.subject_cn, pki::NewSubjectCn(kind, now, window));
  }
  if (kind == pki::CaKind::kSign) {
    // The sign certificate records the four items of the residence record (R-CERT-3).
    for (const auto& [flag, value] :
         {std::pair{"--name", &f.name}, std::pair{"--address", &f.address},
          std::pair{"--prefecture-en", &f.prefecture_en},
          std::pair{"--municipality-en", &f.municipality_en}}) {
      if (value->empty()) {
        return InvalidArgument(
            flag, "署名用電子証明書には必要です (required for a sign certificate)", "R-CERT-3");
      }
    }
    if (f.sex != 1 && f.sex != 2 && f.sex != 9) {
      return InvalidArgument("--sex", "1 (男), 2 (女), 9 のいずれかです (1, 2 or 9)", "R-CERT-3");
    }
    MYNACERT_ASSIGN_OR_RETURN(Date birth, Date::Parse(f.birth, "--birth"));
    request.holder =
        pki::SignHolder{f.name,    f.name_flags,    f.sex,           birth,
                        f.address, f.address_flags, f.prefecture_en, f.municipality_en};
  }
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenCaStore(f.access, ctx));
  MYNACERT_ASSIGN_OR_RETURN(pki::CaGeneration ca, LoadLatestCa(f.access, kind));
  if (!f.renew.empty()) {
    // Checked before signing so that a wrong serial costs nothing.
    MYNACERT_ASSIGN_OR_RETURN(auto old, store->Find(kind, f.renew));
    if (!old) return NotFound("--renew", "更新元の証明書がありません (no such certificate)");
    if (old->state == pki::CertState::kRevoked) {
      return Error{ErrorCode::kFailedPrecondition, "--renew",
                   "更新元の証明書は失効済みです (the certificate to renew is revoked)", ""};
    }
  }
  MYNACERT_ASSIGN_OR_RETURN(pki::IssuedDer signed_der, pki::IssueCertificateDer(ca, request));
  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(signed_der.der));
  pki::IssuedCert row = pki::DescribeIssued(std::move(signed_der), kind, ca.generation,
                                            request.subject_cn, Seconds(now), f.holder_ref);
  if (f.renew.empty()) {
    MYNACERT_RETURN_IF_ERROR(store->RecordIssued(row, f.access.actor));
  } else {
    MYNACERT_RETURN_IF_ERROR(store->RecordRenewal(row, f.renew, Seconds(now), f.access.actor));
  }
  const std::string pem = pki::CertificatePem(cert.get());
  if (!f.out.empty()) {
    MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(f.out, pem, 0644));
  }
  if (f.json) {
    nlohmann::json j{{"kind", f.kind},
                     {"generation", ca.generation},
                     {"serial", row.serial_hex},
                     {"subject_cn", row.subject_cn},
                     {"last_valid_day", last_day.ToString()},
                     {"not_after", row.not_after},
                     {"renews", f.renew.empty() ? nlohmann::json() : nlohmann::json(f.renew)}};
    if (f.out.empty()) j["certificate"] = pem;
    ctx.out << j.dump(2) << "\n";
  } else if (f.out.empty()) {
    ctx.out << pem;
  } else {
    ctx.out << "発行しました (issued): serial " << row.serial_hex << ", 有効期限 (valid through) "
            << last_day.ToString() << " 23:59:59 JST -> " << f.out << "\n";
  }
  return {};
}

struct RevokeFlags {
  CaAccess access;
  std::string kind, serial, reason, note;
  bool json = false;
};

Status RunRevoke(const RevokeFlags& f, bool release, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(pki::CaKind kind, ParseKind(f.kind));
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenCaStore(f.access, ctx));
  const int64_t now = Seconds(RealClock().Now());
  std::string serial = f.serial;
  for (char& c : serial) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (release) {
    // R-LOST-2: holds are final unless this CA was made to release them.
    MYNACERT_ASSIGN_OR_RETURN(bool releasable, pki::HoldsReleasable(f.access.dir));
    if (!releasable) {
      return Error{ErrorCode::kFailedPrecondition, "--serial",
                   "一時保留は解除しません: 見つかったカードの証明書は窓口で失効し、新しく発行します (holds are "
                   "final, as J-LIS's CPS says: a found card's held certificates are revoked and new ones issued; "
                   "a CA made with `ca init --releasable-holds` releases them)",
                   "R-LOST-2"};
    }
    MYNACERT_RETURN_IF_ERROR(store->ReleaseHold(kind, serial, now, f.access.actor, f.note));
  } else {
    MYNACERT_ASSIGN_OR_RETURN(pki::RevocationReason reason,
                              pki::ParseRevocationReason(f.reason, "--reason"));
    MYNACERT_RETURN_IF_ERROR(store->Revoke(kind, serial, reason, now, f.access.actor, f.note));
  }
  MYNACERT_ASSIGN_OR_RETURN(auto after, store->Find(kind, serial));
  if (f.json) {
    ctx.out << nlohmann::json{{"serial", serial},
                              {"state", std::string(pki::CertStateName(after->state))},
                              {"reason", release ? nlohmann::json()
                                                 : nlohmann::json(std::string(
                                                       pki::RevocationReasonName(after->reason)))},
                              {"at", now}}
                   .dump(2)
            << "\n";
  } else {
    ctx.out << (release ? "一時保留を解除しました (hold released): "
                        : "失効を記録しました (revocation recorded): ")
            << serial << " -> " << pki::CertStateName(after->state) << "\n";
  }
  return {};
}

struct CrlFlags {
  CaAccess access;
  std::string kind, out, out_dir;
  int generation = 0;
  int hours = 24;
  bool delta = false, json = false, partitions = false;
};

// Where `ca crl --partitions` writes a partition's CRL under --out-dir: the path of its URL
// (publication.h), <kind>/g<N>/<scope>[.delta].crl, so that a web server or CDN given the
// folder serves the URLs the certificates name. The scope's segments come from the store; one
// that could leave the folder (empty, "." or "..") is refused.
Result<std::filesystem::path> PartitionFile(const std::string& out_dir, pki::CaKind kind,
                                            int generation, const std::string& scope, bool delta) {
  std::filesystem::path path = std::filesystem::path(out_dir) / std::string(pki::CaKindName(kind)) /
                               ("g" + std::to_string(generation));
  size_t from = 0;
  while (true) {
    const size_t slash = scope.find('/', from);
    const std::string segment = scope.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
    if (segment.empty() || segment == "." || segment == ".." || segment.find('\0') != std::string::npos) {
      return InvalidArgument("crl_scope", "CRL の区分名が不正です: '" + scope + "' (a partition name that is not a path)");
    }
    if (slash == std::string::npos) {
      path /= segment + (delta ? ".delta.crl" : ".crl");
      return path;
    }
    path /= segment;
    from = slash + 1;
  }
}

Status RunCrl(const CrlFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(pki::CaKind kind, ParseKind(f.kind));
  if (f.hours < 1 || f.hours > 24 * 31) {
    return InvalidArgument("--hours", "1〜744 時間で指定してください (1 to 744 hours)");
  }
  if (f.partitions == f.out_dir.empty()) {
    return InvalidArgument("--out-dir", "--partitions と --out-dir は一緒に使います (give both or neither)");
  }
  if (f.partitions == !f.out.empty()) {
    return InvalidArgument("--out", "--out は区分なしの CRL 1つ、--out-dir は区分ごと (--out for one CRL, --out-dir with --partitions)");
  }
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenCaStore(f.access, ctx));
  MYNACERT_ASSIGN_OR_RETURN(pki::CaGeneration ca,
                            f.generation > 0 ? LoadCaGeneration(f.access, kind, f.generation)
                                             : LoadLatestCa(f.access, kind));
  pki::CrlOptions options;
  options.validity = std::chrono::hours(f.hours);
  options.delta = f.delta;
  options.actor = f.access.actor;
  if (f.partitions) {
    // Every partition that holds certificates, made and recorded together (one snapshot, one
    // transaction, signed on every core), then each file replaced atomically. Paths are
    // checked first: a bad partition name records nothing.
    MYNACERT_ASSIGN_OR_RETURN(const std::vector<std::string> scopes, store->Scopes(kind, ca.generation));
    std::vector<std::filesystem::path> files;
    for (const std::string& scope : scopes) {
      MYNACERT_ASSIGN_OR_RETURN(files.emplace_back(),
                                PartitionFile(f.out_dir, kind, ca.generation, scope, f.delta));
    }
    MYNACERT_ASSIGN_OR_RETURN(
        const std::vector<pki::CrlOutput> crls,
        pki::GenerateCrls(*store, ca, RealClock().Now(), options, scopes,
                          static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))));
    int64_t entries = 0;
    std::vector<std::pair<std::string, std::string>> writes;
    for (size_t i = 0; i < crls.size(); ++i) {
      std::error_code ec;
      std::filesystem::create_directories(files[i].parent_path(), ec);
      if (ec) return InvalidArgument("--out-dir", files[i].parent_path().string() + ": " + ec.message());
      writes.emplace_back(files[i].string(), crls[i].der);
      entries += crls[i].record.entries;
    }
    MYNACERT_RETURN_IF_ERROR(pki::WriteFilesAtomically(writes, 0644));
    if (f.json) {
      ctx.out << nlohmann::json{{"kind", f.kind},   {"generation", ca.generation},
                                {"delta", f.delta}, {"partitions", scopes.size()},
                                {"entries", entries}, {"dir", f.out_dir}}
                     .dump(2)
              << "\n";
    } else {
      ctx.out << (f.delta ? "差分 CRL (delta CRLs) " : "CRL ") << scopes.size() << " 区分 (partitions), "
              << entries << " 件 (entries) -> " << f.out_dir << "\n";
    }
    return {};
  }
  MYNACERT_ASSIGN_OR_RETURN(pki::CrlOutput crl,
                            pki::GenerateCrl(*store, ca, RealClock().Now(), options));
  MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(f.out, crl.der, 0644));
  if (f.json) {
    ctx.out << nlohmann::json{{"kind", f.kind},
                              {"generation", ca.generation},
                              {"crl_number", crl.record.number},
                              {"delta_base", crl.record.delta_base
                                                 ? nlohmann::json(*crl.record.delta_base)
                                                 : nlohmann::json()},
                              {"entries", crl.record.entries},
                              {"this_update", crl.record.this_update},
                              {"next_update", crl.record.next_update},
                              {"bytes", crl.der.size()},
                              {"file", f.out}}
                   .dump(2)
            << "\n";
  } else {
    ctx.out << (f.delta ? "差分 CRL (delta CRL) " : "CRL ") << crl.record.number << ": "
            << crl.record.entries << " 件 (entries) -> " << f.out << "\n";
  }
  return {};
}

struct GetFlags {
  CaAccess access;
  std::string kind, serial, out;
  bool json = false;
};

// A recorded certificate: its PEM (e.g. to finish an issuance interrupted after the commit) and
// its state.
Status RunGet(const GetFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(pki::CaKind kind, ParseKind(f.kind));
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenCaStore(f.access, ctx));
  std::string serial = f.serial;
  for (char& c : serial) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  MYNACERT_ASSIGN_OR_RETURN(auto found, store->Find(kind, serial));
  if (!found) return NotFound("--serial", "その証明書は発行されていません (no such certificate)");
  MYNACERT_ASSIGN_OR_RETURN(pki::X509Ptr cert, pki::ParseCertificateDer(found->der));
  const std::string pem = pki::CertificatePem(cert.get());
  if (!f.out.empty()) MYNACERT_RETURN_IF_ERROR(pki::WriteFileAtomically(f.out, pem, 0644));
  if (f.json) {
    nlohmann::json j{{"kind", f.kind},
                     {"generation", found->generation},
                     {"serial", found->serial_hex},
                     {"subject_cn", found->subject_cn},
                     {"not_before", found->not_before},
                     {"not_after", found->not_after},
                     {"issued_at", found->issued_at},
                     {"holder_ref", found->holder_ref},
                     {"state", std::string(pki::CertStateName(found->state))}};
    if (found->state != pki::CertState::kGood) {
      j["revoked_at"] = found->revoked_at;
      j["reason"] = std::string(pki::RevocationReasonName(found->reason));
    }
    if (f.out.empty()) j["certificate"] = pem;
    ctx.out << j.dump(2) << "\n";
  } else if (f.out.empty()) {
    ctx.out << pem;
  }
  return {};
}

struct LogFlags {
  CaAccess access;
  int64_t after = 0;
  int limit = 100;
};

Status RunLog(const LogFlags& f, CliContext& ctx) {
  MYNACERT_ASSIGN_OR_RETURN(auto store, OpenCaStore(f.access, ctx));
  MYNACERT_ASSIGN_OR_RETURN(auto events, store->Events(f.after, f.limit));
  nlohmann::json list = nlohmann::json::array();
  for (const pki::CaEvent& e : events) {
    list.push_back(
        {{"seq", e.seq},
         {"at", e.at},
         {"actor", e.actor},
         {"action", e.action},
         {"ca", e.ca_kind},
         {"serial", e.serial_hex},
         {"reason", e.reason ? nlohmann::json(std::string(pki::RevocationReasonName(*e.reason)))
                             : nlohmann::json()},
         {"note", e.note}});
  }
  ctx.out << nlohmann::json{{"events", list}}.dump(2) << "\n";
  return {};
}

}  // namespace

void AddCaAdminCommands(CLI::App& ca, CliContext& ctx) {
  auto issue = std::make_shared<IssueFlags>();
  CLI::App* i = ca.add_subcommand(
      "issue", "カードの公開鍵に証明書を発行 / issue a certificate for a card's public key");
  AddAccessFlags(*i, issue->access, true);
  i->add_option("--kind", issue->kind, "sign (署名用) | auth (利用者証明用)")->required();
  i->add_option("--public-key", issue->public_key,
                "カードが生成した公開鍵 (PEM) / the public key the card generated")
      ->required();
  i->add_option("--cn", issue->cn, "CN (署名用: 発行番号 / auth: 識別子); 省略時は生成");
  i->add_option("--issue-date", issue->issue_date, "発行日 (既定: 今日 JST) / issue date");
  i->add_option("--last-valid-day", issue->last_valid_day,
                "有効期限の日 / last valid day (else computed from --birth, --card-expiry)");
  i->add_option("--birth", issue->birth, "生年月日 YYYY-MM-DD / birth date");
  i->add_option("--card-expiry", issue->card_expiry, "カードの有効期限 / card expiry (R-VAL-5)");
  i->add_option("--auth-expiry", issue->auth_expiry,
                "利用者証明用の有効期限 (署名用の上限) / the auth cert's expiry (R-VAL-5)");
  i->add_flag("--renewal-in-window", issue->renewal_in_window,
              "有効期限の3か月前からの更新 (R-VAL-1a)");
  i->add_option("--municipality", issue->municipality, "規則設定と CN の団体コードを使う自治体 / rule settings and the CN's local government code");
  i->add_option("--name", issue->name, "氏名 (署名用) / name");
  i->add_option("--sex", issue->sex, "性別 1 男 2 女 9 (署名用)");
  i->add_option("--address", issue->address, "住所 (署名用) / address");
  i->add_option("--prefecture-en", issue->prefecture_en, "e.g. Kanagawa-ken");
  i->add_option("--municipality-en", issue->municipality_en, "e.g. Yokohama-shi");
  i->add_option("--name-flags", issue->name_flags, "氏名の代替文字フラグ (0/1 per character)");
  i->add_option("--address-flags", issue->address_flags, "住所の代替文字フラグ");
  i->add_option("--holder-ref", issue->holder_ref, "窓口の参照番号 / counter reference");
  i->add_option("--renew", issue->renew,
                "更新: この旧証明書を superseded で失効 / renewal of this serial");
  i->add_option("--out", issue->out, "証明書 (PEM) の出力先 / write the PEM here");
  i->add_flag("--json", issue->json, "JSON で出力 / JSON output");
  i->callback([issue, &ctx] { RunCommand(ctx, [&] { return RunIssue(*issue, ctx); }); });

  for (bool release : {false, true}) {
    auto flags = std::make_shared<RevokeFlags>();
    CLI::App* r = release ? ca.add_subcommand("release", "一時保留の解除 / release a hold")
                          : ca.add_subcommand("revoke", "証明書の失効・一時保留 / revoke or hold");
    AddAccessFlags(*r, flags->access, true);
    r->add_option("--kind", flags->kind, "sign | auth")->required();
    r->add_option("--serial", flags->serial, "シリアル番号 (16進) / serial (hex)")->required();
    if (!release) {
      r->add_option("--reason", flags->reason,
                    "keyCompromise | affiliationChanged (R-CERT-5) | superseded | "
                    "cessationOfOperation | certificateHold | unspecified | privilegeWithdrawn")
          ->required();
    }
    r->add_option("--note", flags->note, "記録するメモ / a note for the audit trail");
    r->add_flag("--json", flags->json, "JSON で出力 / JSON output");
    r->callback([flags, release, &ctx] {
      RunCommand(ctx, [&] { return RunRevoke(*flags, release, ctx); });
    });
  }

  auto crl = std::make_shared<CrlFlags>();
  CLI::App* c = ca.add_subcommand("crl", "CRL を発行 (DER) / publish a CRL");
  AddAccessFlags(*c, crl->access, false);
  c->add_option("--kind", crl->kind, "sign | auth")->required();
  c->add_option("--generation", crl->generation, "認証局の世代 (既定: 最新) / CA generation");
  c->add_option("--hours", crl->hours, "次回更新までの時間 (既定 24) / hours to nextUpdate");
  c->add_flag("--delta", crl->delta, "差分 CRL / a delta CRL against the last full one");
  c->add_option("--out", crl->out, "出力先 (DER) / output file");
  c->add_flag("--partitions", crl->partitions,
              "区分ごとの CRL (証明書の配布点の URL と同じ配置) / every partition's CRL, laid out as "
              "the URLs in the certificates");
  c->add_option("--out-dir", crl->out_dir, "--partitions の出力先フォルダ / the folder for --partitions");
  c->add_flag("--json", crl->json, "JSON で出力 / JSON output");
  c->callback([crl, &ctx] { RunCommand(ctx, [&] { return RunCrl(*crl, ctx); }); });

  auto get = std::make_shared<GetFlags>();
  CLI::App* g =
      ca.add_subcommand("get", "発行済み証明書と状態 / a recorded certificate and its state");
  AddAccessFlags(*g, get->access, false);
  g->add_option("--kind", get->kind, "sign | auth")->required();
  g->add_option("--serial", get->serial, "シリアル番号 (16進) / serial (hex)")->required();
  g->add_option("--out", get->out, "証明書 (PEM) の出力先 / write the PEM here");
  g->add_flag("--json", get->json, "JSON で出力 / JSON output");
  g->callback([get, &ctx] { RunCommand(ctx, [&] { return RunGet(*get, ctx); }); });

  auto log = std::make_shared<LogFlags>();
  CLI::App* l = ca.add_subcommand("log", "監査記録 (JSON) / the audit trail");
  AddAccessFlags(*l, log->access, false);
  l->add_option("--after", log->after, "この番号より後 / events after this seq");
  l->add_option("--limit", log->limit, "件数 (既定 100)");
  l->callback([log, &ctx] { RunCommand(ctx, [&] { return RunLog(*log, ctx); }); });
}

}  // namespace mynacert::cli
