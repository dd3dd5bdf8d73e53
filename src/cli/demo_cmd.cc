// `mynacert demo seed`: a demo population in a home folder (docs/demo.md, src/demo/demo.h), so
// that `mynacert serve` on a fresh machine has residents in every situation of the seeds.
//
// A home that already has residents is refused (exit 2, the error names --home, nothing
// written); with --if-empty it is left as it is and the command says so (exit 0) — what
// scripts/start.sh runs on every start.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "cli/commands.h"
#include "core/clock.h"
#include "counter/workspace.h"
#include "demo/demo.h"
#include "pki/key_file.h"

namespace mynacert::cli {
namespace {

using nlohmann::json;

struct DemoFlags {
  std::string home, today, staff_password, municipality;
  counter::WorkspaceSecrets secrets;
  bool json = false;
  bool if_empty = false;

  std::string Dir() const { return HomeDir(home); }
};

// Columns on a terminal: East Asian wide characters (kanji, kana, full-width forms) take two.
size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (size_t k = 1; k < len && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    width += wide ? 2 : 1;
    i += len;
  }
  return width;
}

std::string Pad(std::string_view s, size_t width) {
  std::string out(s);
  for (size_t w = DisplayWidth(s); w < width; ++w) out += ' ';
  return out;
}

void PrintTables(const demo::SeedReport& report, const profiles::Registry& profiles,
                 std::ostream& o) {
  std::map<std::string, std::vector<const demo::SeededResident*>> by_city;
  std::vector<std::string> order;
  for (const demo::SeededResident& r : report.residents) {
    if (!by_city.count(r.municipality)) order.push_back(r.municipality);
    by_city[r.municipality].push_back(&r);
  }
  // The situation column as wide as its longest label (card_renewal_noticed's is 44 columns).
  size_t situation_width = 34;
  for (const demo::SeededResident& r : report.residents) {
    situation_width = std::max(situation_width, DisplayWidth(demo::SituationJa(r.situation)));
  }
  o << "デモの住民 (demo residents), 基準日 (today) " << report.today.ToStringWithWeekday() << "\n";
  for (const std::string& id : order) {
    auto m = profiles.Find(id);
    o << "\n" << (m.ok() ? (*m)->name_ja + " " + (*m)->name_en : id) << " (" << id << ")\n";
    o << "  " << Pad("id", 4) << " " << Pad("氏名 (name)", 22) << " "
      << Pad("状況 / situation", situation_width) << " " << Pad("証明書期限", 11) << " "
      << Pad("カード期限", 11) << " 予約ID\n";
    o << "  " << Pad("", 4) << " " << Pad("フリガナ", 22) << " " << Pad("code", situation_width)
      << " " << Pad("状態 (auth)", 11) << "\n";
    for (const demo::SeededResident* r : by_city[id]) {
      o << "  " << Pad(std::to_string(r->id), 4) << " " << Pad(r->name, 22) << " "
        << Pad(demo::SituationJa(r->situation), situation_width) << " "
        << Pad(r->cert_expiry.ToString(), 11) << " " << Pad(r->card_expiry.ToString(), 11) << " "
        << r->reservation_id << "\n";
      o << "  " << Pad("", 4) << " " << Pad(r->name_kana, 22) << " "
        << Pad(demo::SituationCode(r->situation), situation_width) << " " << Pad(r->auth_status, 11)
        << "\n";
    }
  }
  o << "\nカードの暗証番号 (PINs of every demo card, docs/demo.md): 利用者証明用 / 署名用 / "
       "券面事項入力補助用 / 住基 — see docs/demo.md\n";
  if (!report.staff.empty()) {
    o << "職員 (staff): ";
    for (size_t i = 0; i < report.staff.size(); ++i) o << (i ? ", " : "") << report.staff[i];
    o << " (--staff-password のパスワード / the --staff-password password)\n";
  }
}

// Holds an exclusive lock on <home>/.demo-seed.lock for the process: two seeds at once would
// both find the home empty.
class SeedLock {
 public:
  static Result<SeedLock> Take(const std::filesystem::path& home) {
    const std::string path = (home / ".demo-seed.lock").string();
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
      return InvalidArgument("--home",
                             path + ": ロックファイルを作れません (cannot create the lock file)");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return Error{ErrorCode::kFailedPrecondition, "--home",
                   "別の demo seed が実行中です (another demo seed is running on this home)", ""};
    }
    return SeedLock(fd);
  }
  SeedLock(SeedLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  SeedLock& operator=(SeedLock&&) = delete;
  ~SeedLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit SeedLock(int fd) : fd_(fd) {}
  int fd_;
};

Status RunDemoSeed(const DemoFlags& f, CliContext& ctx) {
  std::error_code ec;
  const std::filesystem::path home = std::filesystem::absolute(f.Dir(), ec);
  if (ec) return InvalidArgument("--home", f.Dir() + ": " + ec.message());
  Date today = RealClock().TodayJst();
  if (!f.today.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(today, Date::Parse(f.today, "--today"));
  }
  std::optional<std::string> password;
  if (!f.staff_password.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(std::string pw,
                              pki::ReadSecret(f.staff_password, "--staff-password", 12));
    password = std::move(pw);
  }
  MYNACERT_ASSIGN_OR_RETURN(const profiles::Registry* reg, ctx.Profiles());
  // The plan first: a day the plan cannot serve fails before anything is written.
  MYNACERT_ASSIGN_OR_RETURN(auto plan, demo::Plan(today, *reg));
  if (!f.municipality.empty()) {
    MYNACERT_ASSIGN_OR_RETURN(plan, demo::OnlyMunicipality(std::move(plan), f.municipality, "--municipality"));
  }

  // A home with residents: refused (or left alone with --if-empty) before anything is written.
  if (!ctx.Database().empty() || std::filesystem::exists(home / "counter.db")) {
    MYNACERT_ASSIGN_OR_RETURN(auto store,
                              counter::CounterStore::Open(ctx.StoreIn(home.string(), "counter.db")));
    MYNACERT_ASSIGN_OR_RETURN(int64_t existing, demo::CountResidents(*store));
    if (existing > 0 && f.if_empty) {
      if (f.json) {
        ctx.out << json{{"skipped", true}, {"residents_in_home", existing}}.dump(2) << "\n";
      } else {
        ctx.out << "住民が既に " << existing << " 人います。デモは作りません (the home already has "
                << existing << " residents: nothing seeded)\n";
      }
      return {};
    }
    if (existing > 0) {
      return Error{ErrorCode::kFailedPrecondition, "--home",
                   home.string() + " には既に住民が " + std::to_string(existing) +
                       " 人います。何も書き込んでいません (already has " +
                       std::to_string(existing) +
                       " residents; nothing was written — use a new --home, or --if-empty to leave "
                       "it as it is)",
                   ""};
    }
  }

  // The secrets, as OpenWorkspace will read them: a missing one fails before anything exists.
  MYNACERT_ASSIGN_OR_RETURN(std::string pass,
                            pki::ReadPassphrase(f.secrets.passphrase, "--passphrase"));
  MYNACERT_ASSIGN_OR_RETURN(std::string issuer,
                            pki::ReadSecret(f.secrets.issuer_key, "--issuer-key", 16));
  MYNACERT_ASSIGN_OR_RETURN(std::string card,
                            pki::ReadPassphrase(f.secrets.card_secret, "--card-secret"));
  (void)pass, (void)issuer, (void)card;

  std::filesystem::create_directories(home, ec);
  if (ec) return InvalidArgument("--home", home.string() + ": " + ec.message());
  MYNACERT_ASSIGN_OR_RETURN(SeedLock lock, SeedLock::Take(home));
  MYNACERT_ASSIGN_OR_RETURN(auto ws, counter::OpenWorkspace(home, *reg, &f.secrets, "", ctx.Database()));
  for (const std::string& note : ws->notes) ctx.err << note << "\n";

  demo::SeedOptions o;
  o.today = today;
  o.staff_password = password;
  if (!f.municipality.empty()) o.municipality = f.municipality;
  o.now = RealClock().UnixSeconds();
  std::string current;
  o.progress = [&ctx, &current](size_t done, size_t total, const demo::SeededResident& r) {
    if (r.municipality != current) {
      current = r.municipality;
      ctx.err << "demo seed: " << current << " …" << std::endl;
    }
    if (done == total) ctx.err << "demo seed: " << total << " residents" << std::endl;
  };
  const auto start = std::chrono::steady_clock::now();
  MYNACERT_ASSIGN_OR_RETURN(demo::SeedReport report, demo::Seed(*ws, o));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (f.json) {
    ctx.out << demo::ReportJson(report).dump(2) << "\n";
  } else {
    PrintTables(report, *reg, ctx.out);
  }
  std::ostringstream took;
  took << std::fixed << std::setprecision(1) << seconds;
  ctx.err << "demo seed: " << home.string() << " に " << report.residents.size()
          << " 人 (residents) seeded in " << took.str() << " s" << std::endl;
  return {};
}

}  // namespace

void AddDemoCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* demo = app.add_subcommand("demo", "デモ用のデータ / demo data");
  demo->require_subcommand(1);
  auto f = std::make_shared<DemoFlags>();
  CLI::App* seed = demo->add_subcommand("seed",
                                        "5自治体のデモ住民 (全ての状況) を作る / seed demo "
                                        "residents in every situation (docs/demo.md)");
  AddHomeOption(*seed, f->home);
  seed->add_option("--today", f->today,
                   "基準日 YYYY-MM-DD (既定 今日 JST): 状況はこの日を基準に作る");
  seed->add_option("--staff-password", f->staff_password,
                   "職員 clerk, supervisor, hotline のパスワード (env:NAME | file:PATH, 12文字以上)");
  seed->add_option("--passphrase", f->secrets.passphrase, "認証局の鍵のパスフレーズ (env:/file:)");
  seed->add_option("--issuer-key", f->secrets.issuer_key, "カード発行者鍵 (env:/file:)");
  seed->add_option("--card-secret", f->secrets.card_secret, "カードファイルの秘密 (env:/file:)");
  seed->add_option("--municipality", f->municipality,
                   "この自治体の住民だけ (全ての状況を1人ずつ) / only this municipality's residents (one per situation)");
  seed->add_flag(
      "--if-empty", f->if_empty,
      "住民がいるホームはそのままにして終了 0 (scripts) / leave a home with residents as it is");
  seed->add_flag("--json", f->json, "JSON で出力 / JSON output");
  seed->callback([f, &ctx] { RunCommand(ctx, [&] { return RunDemoSeed(*f, ctx); }); });
}

}  // namespace mynacert::cli
