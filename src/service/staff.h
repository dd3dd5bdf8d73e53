// Staff accounts and sessions of `mynacert serve`: roles `clerk` (the counter) and
// `supervisor` (also the notice batch and the bookings), passwords hashed with scrypt
// (OpenSSL's EVP_PBE_scrypt, N=2^15 r=8 p=1, a 16-byte salt), sessions as random 256-bit
// cookie tokens stored only as their SHA-256, each with its own CSRF token that every
// state-changing request must echo in `X-CSRF-Token`.
//
// Five wrong passwords in a row lock the account for 15 minutes (the counter of failures is
// reset by a success). Sessions last 8 hours.
//
// Thread-safety: none; the service serialises calls.
#ifndef MYNACERT_SERVICE_STAFF_H_
#define MYNACERT_SERVICE_STAFF_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace mynacert::service {

inline constexpr int kMaxFailedLogins = 5;
inline constexpr int64_t kLockSeconds = 15 * 60;
inline constexpr int64_t kSessionSeconds = 8 * 3600;

struct StaffSession {
  std::string token;  // only in Login's answer: the cookie value
  std::string staff;
  std::string role;
  std::string csrf;
  int64_t expires_at = 0;
};

// scrypt$32768$8$1$<salt hex>$<hash hex>
Result<std::string> HashPassword(std::string_view password);
bool CheckPassword(std::string_view password, std::string_view stored);

class StaffStore {
 public:
  static Result<std::unique_ptr<StaffStore>> Open(std::unique_ptr<store::Database> db);
  static Result<std::unique_ptr<StaffStore>> OpenSqlite(const std::string& path);

  // Errors name --name, --role or --password (12 characters at least).
  Status AddStaff(std::string_view name, std::string_view role, std::string_view password, int64_t now);
  // Unknown name and wrong password give the same answer (kPermissionDenied, field "password").
  Result<StaffSession> Login(std::string_view name, std::string_view password, int64_t now);
  Result<StaffSession> Check(std::string_view token, int64_t now);
  Status Logout(std::string_view token);
  Result<int64_t> StaffCount();

 private:
  explicit StaffStore(std::unique_ptr<store::Database> db) : db_(std::move(db)) {}
  std::unique_ptr<store::Database> db_;
};

}  // namespace mynacert::service

#endif  // MYNACERT_SERVICE_STAFF_H_
