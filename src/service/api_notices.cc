// Supervisors: the expiry-notice batch (R-NOT-*), its letters and CSVs, and the audit check.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "notices/notice_json.h"
#include "notices/notices.h"
#include "service/api_util.h"
#include "service/app.h"
#include "service/explain.h"

namespace mynacert::service {
namespace {

// A file name of a notice run's folder: letters, digits, '.', '-', '_' and no leading dot.
bool SafeFileName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

json FilesOf(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && SafeFileName(e.path().filename().string())) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("name", "ファイルがありません (no such file)");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

Status Service::AddNoticeRoutes() {
  server::Router& r = *router_;
  const std::filesystem::path out_dir = ws_->dir / "notices";

  MYNACERT_RETURN_IF_ERROR(r.Add({"POST", "/api/notices/run", Access::kSupervisor, kSmallBody, "", true,
                                  [this, out_dir](RequestContext& c) {
    auto body = BodyJson(c.http);
    if (!body.ok()) return Fail(body.error());
    auto date_text = Str(*body, "date", false);
    if (!date_text.ok()) return Fail(date_text.error());
    auto date = ParseDateField(*date_text, "date");
    if (!date.ok()) return Fail(date.error());
    notices::RunOptions o;
    o.run_date = date->value_or(c.today);
    o.out_dir = out_dir.string();
    o.pdf = !body->contains("pdf") || Bool(*body, "pdf");
    o.now = c.now;
    o.booking_url = PublicBase(c.http);  // the letters' QR code leads back to this service
    // 予約IDs (R-NOT-3) on a connection of their own, outside the batch's transactions.
    auto ids = LeaseReservations();
    if (!ids.ok()) return Fail(ids.error());
    o.reservation_ids = [&ids](int64_t resident, const std::string& municipality, Date expiry, Date window_start) {
      return (*ids)->IssueReservationId(resident, municipality, expiry, window_start);
    };
    json j;
    {
      std::lock_guard lock(counter_mu_);
      auto run = notices::RunBatch(*ws_->store, *ws_->profiles, o);
      if (!run.ok()) return Fail(run.error());
      j = notices::RunReportJson(*run);
    }
    Status audited = Audit(c.now, c.who->name, "notices_run",
                           json{{"date", j["date"]}, {"batch", j["batch"]}, {"mailed", j["mailed"]},
                                {"undeliverable", j["undeliverable"]}}
                               .dump());
    if (!audited.ok()) return Fail(audited.error());
    j["files"] = FilesOf(out_dir / o.run_date.ToString());
    return Json(200, j);
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/notices", Access::kStaff, kNoBody, "", true,
                                  [this, out_dir](RequestContext& c) {
    auto date = ParseDateField(c.Query("date"), "date");
    if (!date.ok()) return Fail(date.error());
    const Date day = date->value_or(c.today);
    std::lock_guard lock(counter_mu_);
    auto rows = notices::ListSent(ws_->store->db(), day);
    if (!rows.ok()) return Fail(rows.error());
    json all = json::array();
    for (const notices::SentNotice& n : *rows) all.push_back(notices::SentJson(n));
    return Json(200, {{"date", day.ToString()}, {"notices", all}, {"files", FilesOf(out_dir / day.ToString())}});
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/notices/files/{date}/{name}", Access::kStaff, kNoBody, "", true,
                                  [out_dir](RequestContext& c) {
    auto day = Date::Parse(c.params[0], "date");
    if (!day.ok()) return Fail(day.error());
    const std::string& name = c.params[1];
    const bool pdf = name.size() > 4 && name.ends_with(".pdf");
    const bool csv = name.size() > 4 && name.ends_with(".csv");
    if (!SafeFileName(name) || !(pdf || csv)) {
      return Fail(InvalidArgument("name", "ファイル名が不正です (not a letter or CSV file name)"));
    }
    auto body = ReadWholeFile(out_dir / day->ToString() / name);
    if (!body.ok()) return Fail(body.error());
    HttpResponse res;
    res.content_type = pdf ? "application/pdf" : "text/csv; charset=utf-8";
    res.body = std::move(*body);
    res.headers.emplace_back("Content-Disposition",
                             std::string(pdf ? "inline" : "attachment") + "; filename=\"" + name + "\"");
    return res;
  }}));

  MYNACERT_RETURN_IF_ERROR(r.Add({"GET", "/api/audit/verify", Access::kSupervisor, kNoBody, "", true,
                                  [this](RequestContext&) {
    std::lock_guard lock(counter_mu_);
    auto v = ws_->store->audit().Verify();
    if (!v.ok()) return Fail(v.error());
    return Json(200, {{"ok", v->ok}, {"records", v->records}, {"first_bad_seq", v->first_bad_seq},
                      {"problem", v->problem}, {"head_seq", v->head_seq}, {"keyed", v->keyed},
                      {"checkpoint_seq", v->checkpoint_seq}, {"note", v->note}});
  }}));
  return {};
}

}  // namespace mynacert::service
