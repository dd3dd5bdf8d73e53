#include "staff/staff.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <charconv>

#include <algorithm>
#include <thread>

#include "core/hex.h"
#include "pki/openssl.h"
#include "store/database.h"

namespace mynacert::staff {
namespace {

constexpr store::Migration kMigrations[] = {
#include "service_migrations.inc"
};

constexpr uint64_t kN = 1 << 15, kR = 8, kP = 1;

bool Scrypt(std::string_view password, std::string_view salt, uint64_t n, uint64_t r, uint64_t p,
            unsigned char* out, size_t out_len) {
  return EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                        salt.size(), n, r, p, 256ull << 20, out, out_len) == 1;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  MYNACERT_ASSIGN_OR_RETURN(const std::string salt, pki::RandomBytes(16));
  std::array<unsigned char, 32> hash{};
  if (!Scrypt(password, salt, kN, kR, kP, hash.data(), hash.size())) {
    return Error{ErrorCode::kInternal, "", "scrypt に失敗しました (scrypt failed)", ""};
  }
  return "scrypt$" + std::to_string(kN) + "$" + std::to_string(kR) + "$" + std::to_string(kP) + "$" +
         HexLower(salt) + "$" + HexLower(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

bool CheckPassword(std::string_view password, std::string_view stored) {
  // scrypt$N$r$p$salt$hash
  std::array<std::string_view, 6> f;
  size_t start = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    const size_t end = i + 1 < f.size() ? stored.find('$', start) : stored.size();
    if (end == std::string_view::npos) return false;
    f[i] = stored.substr(start, end - start);
    start = end + 1;
  }
  if (f[0] != "scrypt") return false;
  uint64_t n = 0, r = 0, p = 0;
  for (auto [text, out] : {std::pair{f[1], &n}, std::pair{f[2], &r}, std::pair{f[3], &p}}) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
  }
  std::string salt, want;
  if (!Unhex(f[4], &salt) || !Unhex(f[5], &want)) return false;
  if (want.size() != 32 || n > (1u << 20) || r > 32 || p > 16) return false;
  std::array<unsigned char, 32> got{};
  if (!Scrypt(password, salt, n, r, p, got.data(), got.size())) return false;
  return CRYPTO_memcmp(got.data(), want.data(), got.size()) == 0;
}


int DefaultParallelHashes() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2);
}

StaffStore::StaffStore(std::unique_ptr<store::Database> db, int parallel_hashes)
    : db_(std::move(db)), hashing_(parallel_hashes) {}

StaffStore::~StaffStore() = default;

Result<std::unique_ptr<StaffStore>> StaffStore::Open(std::unique_ptr<store::Database> db, StaffOptions options) {
  MYNACERT_RETURN_IF_ERROR(store::Migrate(*db, "service", kMigrations));
  int hashes = options.parallel_hashes;
  if (hashes <= 0) hashes = DefaultParallelHashes();
  return std::unique_ptr<StaffStore>(new StaffStore(std::move(db), hashes));
}

Result<std::unique_ptr<StaffStore>> StaffStore::Open(const std::string& locator, StaffOptions options) {
  MYNACERT_ASSIGN_OR_RETURN(auto db, store::Open(locator));
  return Open(std::move(db), options);
}

namespace {

Status CheckName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return InvalidArgument("name", "職員名は1〜64バイトです (a staff name is 1 to 64 bytes)");
  }
  return {};
}

}  // namespace

Status StaffStore::AddStaff(std::string_view name, std::string_view role, std::string_view password,
                            int64_t now) {
  MYNACERT_RETURN_IF_ERROR(CheckName(name));
  if (role != "clerk" && role != "supervisor" && role != "hotline") {
    return InvalidArgument("role", "clerk, supervisor または hotline です (clerk | supervisor | hotline)");
  }
  if (password.size() < 12 || password.size() > kMaxPasswordBytes) {
    return InvalidArgument("password", "パスワードは12文字以上にしてください (12 characters at least)");
  }
  MYNACERT_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  std::lock_guard lock(mu_);
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_ASSIGN_OR_RETURN(auto q, store::Query(*db_, "SELECT 1 FROM service_staff WHERE name = $1", {name}));
  MYNACERT_ASSIGN_OR_RETURN(bool exists, q->Step());
  q.reset();
  if (exists) {
    MYNACERT_RETURN_IF_ERROR(store::Run(
        *db_, "UPDATE service_staff SET role = $2, password_hash = $3, failed_logins = 0, locked_until = 0 WHERE name = $1",
        {name, role, std::string_view(hash)}));
    // A new password ends the old sessions and every lock on the name.
    MYNACERT_RETURN_IF_ERROR(store::Run(*db_, "DELETE FROM service_sessions WHERE staff = $1", {name}));
    MYNACERT_RETURN_IF_ERROR(store::Run(*db_, "DELETE FROM service_login_failures WHERE name = $1", {name}));
  } else {
    MYNACERT_RETURN_IF_ERROR(store::Run(*db_,
                                        "INSERT INTO service_staff (name, role, password_hash, created_at, "
                                        "failed_logins, locked_until) VALUES ($1, $2, $3, $4, 0, 0)",
                                        {name, role, std::string_view(hash), now}));
  }
  return tx.Commit();
}

Status StaffStore::RecordFailure(std::string_view name, std::string_view address, int64_t now) {
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_ASSIGN_OR_RETURN(auto q, store::Query(*db_,
                                                 "SELECT failures FROM service_login_failures "
                                                 "WHERE name = $1 AND address = $2",
                                                 {name, address}));
  MYNACERT_ASSIGN_OR_RETURN(bool found, q->Step());
  const int64_t n = (found ? q->ColumnInt(0) : 0) + 1;
  q.reset();
  const bool lock = n >= kMaxFailedLogins;
  const int64_t failures = lock ? 0 : n, locked_until = lock ? now + kLockSeconds : 0;
  if (found) {
    MYNACERT_RETURN_IF_ERROR(store::Run(*db_,
                                        "UPDATE service_login_failures SET failures = $3, locked_until = $4, "
                                        "last_at = $5 WHERE name = $1 AND address = $2",
                                        {name, address, failures, locked_until, now}));
  } else {
    MYNACERT_RETURN_IF_ERROR(store::Run(*db_,
                                        "INSERT INTO service_login_failures (name, address, failures, "
                                        "locked_until, last_at) VALUES ($1, $2, $3, $4, $5)",
                                        {name, address, failures, locked_until, now}));
  }
  // Rows of a day ago tell nothing any more (and a flood of made-up names must not grow the
  // table for ever).
  MYNACERT_RETURN_IF_ERROR(store::Run(*db_,
                                      "DELETE FROM service_login_failures WHERE last_at < $1 AND locked_until < $2",
                                      {now - 24 * 3600, now}));
  return tx.Commit();
}

Result<StaffSession> StaffStore::Login(std::string_view name, std::string_view password, std::string_view address,
                                       int64_t now) {
  const Error wrong{ErrorCode::kUnauthenticated, "password",
                    "職員名またはパスワードが違います (wrong name or password)", ""};
  MYNACERT_RETURN_IF_ERROR(CheckName(name));
  if (password.size() > kMaxPasswordBytes) return wrong;
  std::string role, stored;
  {
    std::lock_guard lock(mu_);
    MYNACERT_ASSIGN_OR_RETURN(auto q, store::Query(*db_,
                                                   "SELECT locked_until FROM service_login_failures "
                                                   "WHERE name = $1 AND address = $2",
                                                   {name, address}));
    MYNACERT_ASSIGN_OR_RETURN(bool found, q->Step());
    if (found && q->ColumnInt(0) > now) {
      const int64_t wait = q->ColumnInt(0) - now;
      Error locked{ErrorCode::kResourceExhausted, "name",
                   "パスワードの誤りが続いたため、この端末からは" + std::to_string((wait + 59) / 60) +
                       "分間ログインできません (locked for this address after repeated wrong passwords; "
                       "try again later)",
                   ""};
      locked.retry_after_seconds = wait;
      return locked;
    }
    q.reset();
    MYNACERT_ASSIGN_OR_RETURN(auto s, store::Query(*db_, "SELECT role, password_hash FROM service_staff WHERE name = $1",
                                                   {name}));
    MYNACERT_ASSIGN_OR_RETURN(bool known, s->Step());
    if (known) {
      role = std::string(s->ColumnText(0));
      stored = std::string(s->ColumnText(1));
    }
  }
  // The hash, outside the lock and bounded: a flood answers "busy" instead of queueing.
  if (!hashing_.try_acquire()) {
    Error busy{ErrorCode::kResourceExhausted, "",
               "ログインが混み合っています。少し待ってもう一度 (too many logins at once; try again)", ""};
    busy.retry_after_seconds = 1;
    return busy;
  }
  // An unknown name is checked against a hash of the same cost: the same time and answer.
  static const std::string kNobody = "scrypt$32768$8$1$00000000000000000000000000000000$" + std::string(64, '0');
  const bool correct = CheckPassword(password, stored.empty() ? kNobody : stored) && !stored.empty();
  hashing_.release();

  std::lock_guard lock(mu_);
  if (!correct) {
    MYNACERT_RETURN_IF_ERROR(RecordFailure(name, address, now));
    return wrong;
  }
  StaffSession s;
  MYNACERT_ASSIGN_OR_RETURN(const std::string token, pki::RandomBytes(32));
  MYNACERT_ASSIGN_OR_RETURN(const std::string csrf, pki::RandomBytes(16));
  s.token = HexLower(token);
  s.csrf = HexLower(csrf);
  s.staff = std::string(name);
  s.role = role;
  s.expires_at = now + kSessionSeconds;
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_RETURN_IF_ERROR(store::Run(*db_, "DELETE FROM service_login_failures WHERE name = $1 AND address = $2",
                                      {name, address}));
  MYNACERT_RETURN_IF_ERROR(store::Run(*db_, "DELETE FROM service_sessions WHERE expires_at < $1", {now}));
  const std::string digest = pki::Sha256Hex(s.token);
  MYNACERT_RETURN_IF_ERROR(store::Run(*db_,
                                      "INSERT INTO service_sessions (token_sha256, staff, csrf, created_at, expires_at) "
                                      "VALUES ($1, $2, $3, $4, $5)",
                                      {std::string_view(digest), name, std::string_view(s.csrf), now, s.expires_at}));
  MYNACERT_RETURN_IF_ERROR(tx.Commit());
  return s;
}

Result<StaffSession> StaffStore::Check(std::string_view token, int64_t now) {
  const Error none{ErrorCode::kUnauthenticated, "session",
                   "ログインしてください (log in first; the session is missing or expired)", ""};
  if (token.size() != 64) return none;
  const std::string digest = pki::Sha256Hex(token);
  std::lock_guard lock(mu_);
  MYNACERT_ASSIGN_OR_RETURN(auto q, store::Query(*db_,
                                                 "SELECT s.staff, t.role, s.csrf, s.expires_at FROM service_sessions s "
                                                 "JOIN service_staff t ON t.name = s.staff WHERE s.token_sha256 = $1",
                                                 {std::string_view(digest)}));
  MYNACERT_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found || q->ColumnInt(3) < now) return none;
  StaffSession s;
  s.staff = std::string(q->ColumnText(0));
  s.role = std::string(q->ColumnText(1));
  s.csrf = std::string(q->ColumnText(2));
  s.expires_at = q->ColumnInt(3);
  return s;
}

Status StaffStore::Logout(std::string_view token) {
  const std::string digest = pki::Sha256Hex(token);
  std::lock_guard lock(mu_);
  return store::Run(*db_, "DELETE FROM service_sessions WHERE token_sha256 = $1", {std::string_view(digest)});
}

Result<int64_t> StaffStore::StaffCount() {
  std::lock_guard lock(mu_);
  MYNACERT_ASSIGN_OR_RETURN(auto q, store::Query(*db_, "SELECT COUNT(*) FROM service_staff", {}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, q->Step());
  return row ? q->ColumnInt(0) : 0;
}

}  // namespace mynacert::staff
