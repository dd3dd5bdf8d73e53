// Errors as values at module boundaries (architecture.md, "Principles").
//
// `Result<T>` holds either a `T` or an `Error`. An `Error` names what went wrong in
// words a counter clerk or a developer can act on: the field (a JSON member or parameter, which
// the CLI shows as its flag — card_issued as --card-issued —, or a profile key), the rule ID
// when a rule was broken, and a message.
//
// A rule *refusal* ("the renewal window is not open yet") is not an error: it is a normal
// answer of the rules engine with its rule IDs. Errors are for input that cannot be
// assessed at all (an impossible date, an unknown municipality, a malformed profile).
//
// Thread-safety: plain values, safe to copy between threads.
#ifndef MYNACERT_CORE_RESULT_H_
#define MYNACERT_CORE_RESULT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>

namespace mynacert {

// Which code to choose:
//  kInvalidArgument  the caller's input is malformed or impossible (2026-02-30, birth after
//                    issue, unknown enum value). Fixing the input fixes the call.
//  kNotFound         a named thing does not exist (municipality "osaka", counter "x").
//  kOutOfRange       the input is well formed but outside what we compute (a holiday year
//                    before 1955 or after 2099). Prefer this over kInvalidArgument when the
//                    same input would be valid in a wider implementation.
//  kFailedPrecondition  the system is not in a state to do it (a profile that failed
//                    validation, a store not migrated).
//  kInternal         a broken invariant of ours; never caused by user input.
enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kOutOfRange,
  kFailedPrecondition,
  kInternal,
  kUnauthenticated,   // no or an expired staff session, a wrong password
  kPermissionDenied,  // a role that may not do this, a bad CSRF token
  kResourceExhausted, // too many requests from one address or booker, a login flood: try
                      // again after Error::retry_after_seconds (HTTP 429 with Retry-After)
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInvalidArgument;
  std::string field;    // "birth", "card_issued", "profiles/yokohama.toml:12 counters[0].hours", "" if none
  std::string message;  // one sentence, Japanese first where it faces a resident or a clerk
  std::string rule;     // "R-VAL-2" when the input contradicts a rule, else ""
  int64_t retry_after_seconds = 0;  // kResourceExhausted: when to try again (≥ 1)

  // "birth: 2026-02-30 is not a date (R-VAL-1)"; the CLI prints the field as its flag.
  std::string ToString() const;
};

inline Error InvalidArgument(std::string field, std::string message, std::string rule = {}) {
  return Error{ErrorCode::kInvalidArgument, std::move(field), std::move(message), std::move(rule)};
}
inline Error NotFound(std::string field, std::string message) {
  return Error{ErrorCode::kNotFound, std::move(field), std::move(message), {}};
}
inline Error OutOfRange(std::string field, std::string message, std::string rule = {}) {
  return Error{ErrorCode::kOutOfRange, std::move(field), std::move(message), std::move(rule)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : v_(value) {}          // NOLINT: implicit by design
  Result(T&& value) : v_(std::move(value)) {}    // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
  // Constructs the value in place (no copy of a large T): Result<Big> r(std::in_place);
  explicit Result(std::in_place_t) : v_(std::in_place_index<0>) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Precondition: ok(). Calling these on an error is a programmer error.
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Precondition: !ok().
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// A Result for calls that return nothing on success. The ok path costs one pointer (no
// strings are built), so Status is cheap on hot paths such as rules::Assess.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error)  // NOLINT: implicit by design
      : error_(std::make_unique<Error>(std::move(error))) {}
  bool ok() const { return error_ == nullptr; }
  // Precondition: !ok().
  const Error& error() const { return *error_; }

 private:
  std::unique_ptr<Error> error_;
};

}  // namespace mynacert

// Propagates an error: `MYNACERT_ASSIGN_OR_RETURN(Date d, Date::Parse(s, "birth"));`
#define MYNACERT_CONCAT_INNER_(a, b) a##b
#define MYNACERT_CONCAT_(a, b) MYNACERT_CONCAT_INNER_(a, b)
#define MYNACERT_ASSIGN_OR_RETURN(lhs, expr) \
  MYNACERT_ASSIGN_OR_RETURN_IMPL_(MYNACERT_CONCAT_(result_, __LINE__), lhs, expr)
#define MYNACERT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.error();                    \
  lhs = std::move(tmp).value()
#define MYNACERT_RETURN_IF_ERROR(expr)         \
  do {                                         \
    auto status_ = (expr);                     \
    if (!status_.ok()) return status_.error(); \
  } while (false)

#endif  // MYNACERT_CORE_RESULT_H_
