#include "service/staff.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>

#include "counter/schema.h"

namespace mynacert::service {
namespace {

constexpr store::Migration kMigrations[] = {
#include "service_migrations.inc"
};

constexpr uint64_t kN = 1 << 15, kR = 8, kP = 1;

std::string Hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    s.push_back(d[p[i] >> 4]);
    s.push_back(d[p[i] & 15]);
  }
  return s;
}

std::string Unhex(std::string_view h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    auto v = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    out.push_back(static_cast<char>(v(h[i]) << 4 | v(h[i + 1])));
  }
  return out;
}

Result<std::string> RandomHex(size_t bytes) {
  std::array<unsigned char, 64> buf{};
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) {
    return Error{ErrorCode::kInternal, "", "乱数を得られません (RAND_bytes failed)", ""};
  }
  return Hex(buf.data(), bytes);
}

std::string Sha256Hex(std::string_view s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  return Hex(d, sizeof d);
}

bool Scrypt(std::string_view password, std::string_view salt, uint64_t n, uint64_t r, uint64_t p,
            unsigned char* out, size_t out_len) {
  return EVP_PBE_scrypt(password.data(), password.size(), reinterpret_cast<const unsigned char*>(salt.data()),
                        salt.size(), n, r, p, 256ull << 20, out, out_len) == 1;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  std::array<unsigned char, 16> salt{};
  if (RAND_bytes(salt.data(), salt.size()) != 1) {
    return Error{ErrorCode::kInternal, "", "乱数を得られません (RAND_bytes failed)", ""};
  }
  std::array<unsigned char, 32> hash{};
  if (!Scrypt(password, std::string_view(reinterpret_cast<const char*>(salt.data()), salt.size()), kN, kR, kP,
              hash.data(), hash.size())) {
    return Error{ErrorCode::kInternal, "", "scrypt に失敗しました (scrypt failed)", ""};
  }
  return "scrypt$" + std::to_string(kN) + "$" + std::to_string(kR) + "$" + std::to_string(kP) + "$" +
         Hex(salt.data(), salt.size()) + "$" + Hex(hash.data(), hash.size());
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
  const uint64_t n = std::stoull(std::string(f[1])), r = std::stoull(std::string(f[2])),
                 p = std::stoull(std::string(f[3]));
  const std::string salt = Unhex(f[4]), want = Unhex(f[5]);
  if (want.size() != 32 || n > (1u << 20) || r > 32 || p > 16) return false;
  std::array<unsigned char, 32> got{};
  if (!Scrypt(password, salt, n, r, p, got.data(), got.size())) return false;
  return CRYPTO_memcmp(got.data(), want.data(), got.size()) == 0;
}

Result<std::unique_ptr<StaffStore>> StaffStore::Open(std::unique_ptr<store::Database> db) {
  MYNACERT_RETURN_IF_ERROR(store::Migrate(*db, "service", kMigrations));
  return std::unique_ptr<StaffStore>(new StaffStore(std::move(db)));
}

Result<std::unique_ptr<StaffStore>> StaffStore::OpenSqlite(const std::string& path) {
  MYNACERT_ASSIGN_OR_RETURN(auto db, store::OpenSqlite(path));
  return Open(std::move(db));
}

Status StaffStore::AddStaff(std::string_view name, std::string_view role, std::string_view password,
                            int64_t now) {
  if (name.empty() || name.size() > 64) return InvalidArgument("--name", "職員名は1〜64文字です (1–64 characters)");
  if (role != "clerk" && role != "supervisor") {
    return InvalidArgument("--role", "clerk または supervisor です (clerk | supervisor)");
  }
  if (password.size() < 12) {
    return InvalidArgument("--password", "パスワードは12文字以上にしてください (12 characters at least)");
  }
  MYNACERT_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  MYNACERT_ASSIGN_OR_RETURN(auto q, counter::Query(*db_, "SELECT 1 FROM service_staff WHERE name = $1", {name}));
  MYNACERT_ASSIGN_OR_RETURN(bool exists, q->Step());
  if (exists) {
    MYNACERT_RETURN_IF_ERROR(counter::Run(
        *db_, "UPDATE service_staff SET role = $2, password_hash = $3, failed_logins = 0, locked_until = 0 WHERE name = $1",
        {name, role, std::string_view(hash)}));
  } else {
    MYNACERT_RETURN_IF_ERROR(counter::Run(*db_,
                                          "INSERT INTO service_staff (name, role, password_hash, created_at, "
                                          "failed_logins, locked_until) VALUES ($1, $2, $3, $4, 0, 0)",
                                          {name, role, std::string_view(hash), now}));
  }
  return tx.Commit();
}

Result<StaffSession> StaffStore::Login(std::string_view name, std::string_view password, int64_t now) {
  const Error wrong{ErrorCode::kUnauthenticated, "password",
                    "職員名またはパスワードが違います (wrong name or password)", ""};
  MYNACERT_ASSIGN_OR_RETURN(auto q, counter::Query(*db_,
                                                   "SELECT role, password_hash, failed_logins, locked_until "
                                                   "FROM service_staff WHERE name = $1",
                                                   {name}));
  MYNACERT_ASSIGN_OR_RETURN(bool found, q->Step());
  if (!found) {
    (void)CheckPassword(password, "scrypt$32768$8$1$00000000000000000000000000000000$" + std::string(64, '0'));
    return wrong;  // the same time and answer as a wrong password
  }
  const std::string role(q->ColumnText(0)), stored(q->ColumnText(1));
  const int64_t failed = q->ColumnInt(2), locked_until = q->ColumnInt(3);
  q.reset();
  if (locked_until > now) {
    return Error{ErrorCode::kPermissionDenied, "name",
                 "パスワードの誤りが続いたため一時的にロックしています。" + std::to_string((locked_until - now + 59) / 60) +
                     "分後にもう一度 (locked after repeated wrong passwords; try again later)",
                 ""};
  }
  MYNACERT_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(*db_));
  if (!CheckPassword(password, stored)) {
    const int64_t n = failed + 1;
    MYNACERT_RETURN_IF_ERROR(counter::Run(*db_,
                                          "UPDATE service_staff SET failed_logins = $2, locked_until = $3 WHERE name = $1",
                                          {name, n >= kMaxFailedLogins ? int64_t{0} : n,
                                           n >= kMaxFailedLogins ? now + kLockSeconds : int64_t{0}}));
    MYNACERT_RETURN_IF_ERROR(tx.Commit());
    return wrong;
  }
  StaffSession s;
  MYNACERT_ASSIGN_OR_RETURN(s.token, RandomHex(32));
  MYNACERT_ASSIGN_OR_RETURN(s.csrf, RandomHex(16));
  s.staff = std::string(name);
  s.role = role;
  s.expires_at = now + kSessionSeconds;
  MYNACERT_RETURN_IF_ERROR(
      counter::Run(*db_, "UPDATE service_staff SET failed_logins = 0, locked_until = 0 WHERE name = $1", {name}));
  MYNACERT_RETURN_IF_ERROR(counter::Run(*db_, "DELETE FROM service_sessions WHERE expires_at < $1", {now}));
  const std::string digest = Sha256Hex(s.token);
  MYNACERT_RETURN_IF_ERROR(counter::Run(*db_,
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
  const std::string digest = Sha256Hex(token);
  MYNACERT_ASSIGN_OR_RETURN(auto q, counter::Query(*db_,
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
  const std::string digest = Sha256Hex(token);
  return counter::Run(*db_, "DELETE FROM service_sessions WHERE token_sha256 = $1", {std::string_view(digest)});
}

Result<int64_t> StaffStore::StaffCount() {
  MYNACERT_ASSIGN_OR_RETURN(auto q, counter::Query(*db_, "SELECT COUNT(*) FROM service_staff", {}));
  MYNACERT_ASSIGN_OR_RETURN(bool row, q->Step());
  return row ? q->ColumnInt(0) : 0;
}

}  // namespace mynacert::service
