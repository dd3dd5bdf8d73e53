// Staff accounts and sessions of `mynacert serve`: roles `clerk` (the counter), `supervisor`
// (also the notice batch and the audit) and `hotline` (the loss hotline's operators, R-LOST-1:
// they hold certificates and see nothing of the counter's cases), passwords hashed with scrypt (OpenSSL's
// EVP_PBE_scrypt, N=2^15 r=8 p=1, a 16-byte salt), sessions as random 256-bit cookie tokens
// stored only as their SHA-256, each with its own CSRF token that every state-changing request
// must echo in `X-CSRF-Token`. Sessions last 8 hours.
//
// Logins cannot stall the service nor lock a clerk out (issue 14):
//   * the scrypt hash (≈ 32 MiB, tens of ms) runs outside the store's lock, and at most
//     `parallel_hashes` run at once; an attempt beyond that is answered at once with
//     kResourceExhausted (HTTP 429, retry after 1 s) rather than queued on a serving thread;
//   * wrong passwords are counted per (name, caller's address): five in a row lock that name for
//     that address for 15 minutes, and only for it, so a stranger cannot keep `supervisor` out;
//   * an unknown name costs one scrypt hash, is counted and locked, and is answered exactly like
//     a known name with a wrong password: nothing tells which names exist;
//   * names are 1–64 characters (a 60 kB name is refused before it reaches the audit log).
//
// Thread-safety: every method may be called from any thread; the store's one connection is
// used under its own mutex (never a service-wide one).
#ifndef MYNACERT_STAFF_STAFF_H_
#define MYNACERT_STAFF_STAFF_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/database.h"

namespace mynacert::staff {

inline constexpr int kMaxFailedLogins = 5;
inline constexpr int64_t kLockSeconds = 15 * 60;
inline constexpr int64_t kSessionSeconds = 8 * 3600;
inline constexpr size_t kMaxNameBytes = 64;
inline constexpr size_t kMaxPasswordBytes = 1024;

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

struct StaffOptions {
  // scrypt hashes at once; 0 = half the cores (at least 1), so that a login flood leaves the
  // other cores to everything else.
  int parallel_hashes = 0;
};
// Half the cores, at least 1: the default of parallel_hashes (and of the HTTP transport's slow
// pool, which runs the logins).
int DefaultParallelHashes();

class StaffStore {
 public:
  static Result<std::unique_ptr<StaffStore>> Open(std::unique_ptr<store::Database> db, StaffOptions options = {});
  // The database a locator names (store::Open: a SQLite path or postgresql://…).
  static Result<std::unique_ptr<StaffStore>> Open(const std::string& locator, StaffOptions options = {});
  ~StaffStore();

  // Errors name `name`, `role` or `password` (12 characters at least).
  Status AddStaff(std::string_view name, std::string_view role, std::string_view password, int64_t now);
  // One attempt from `address` (the peer's IP). A wrong password and an unknown name are the
  // same kUnauthenticated (field "password"); a locked (name, address) or too many hashes at
  // once are kResourceExhausted with retry_after_seconds; a name of 0 or over 64 bytes is
  // kInvalidArgument (field "name").
  Result<StaffSession> Login(std::string_view name, std::string_view password, std::string_view address,
                             int64_t now);
  Result<StaffSession> Check(std::string_view token, int64_t now);
  Status Logout(std::string_view token);
  Result<int64_t> StaffCount();

 private:
  StaffStore(std::unique_ptr<store::Database> db, int parallel_hashes);
  Status RecordFailure(std::string_view name, std::string_view address, int64_t now);

  std::mutex mu_;  // db_
  std::unique_ptr<store::Database> db_;
  std::counting_semaphore<> hashing_;
};

}  // namespace mynacert::staff

#endif  // MYNACERT_STAFF_STAFF_H_
