// The 予約ID a city prints on its notice (R-NOT-3, seed 003) and the cancel token of a booking:
// random strings a resident types from paper or reads over the phone.
//
// A 予約ID is 10 random symbols of Crockford's base32 (0–9 and A–Z without I, L, O, U: 50 bits
// from OpenSSL's CSPRNG) and one check symbol (Luhn mod 32, which catches every single wrong
// symbol and every swap of two neighbours), shown in groups: "7KQ2-M9XD-4TC". It carries no
// information about the resident: the store keeps the link, so the code cannot be guessed
// from a resident number, and 2^50 codes make guessing any valid one hopeless.
// Reading is forgiving as Crockford intends: lower case, hyphens and spaces are accepted, and
// O/I/L are read as 0/1/1.
//
// A cancel token is 12 random symbols (60 bits) without a check symbol, "ABCD-EFGH-JKMN"; the
// store keeps only its SHA-256.
//
// Thread-safety: free functions; RAND_bytes is thread-safe in OpenSSL 3.
#ifndef MYNACERT_RESERVATIONS_RESERVATION_CODE_H_
#define MYNACERT_RESERVATIONS_RESERVATION_CODE_H_

#include <string>
#include <string_view>
#include <variant>

#include "core/result.h"

namespace mynacert::reservations {

inline constexpr int kCodeRandomSymbols = 10;
inline constexpr int kCodeLength = kCodeRandomSymbols + 1;  // with the check symbol
inline constexpr int kCancelTokenLength = 12;

// A new 予約ID, canonical (11 symbols, no hyphens). kInternal if the CSPRNG fails.
Result<std::string> NewReservationCode();
// A new cancel token, canonical (12 symbols).
Result<std::string> NewCancelToken();

// What is wrong with typed text, in Japanese and in English.
struct CodeProblem {
  std::string ja;
  std::string en;
};
// The canonical 予約ID (or cancel token) in what a resident typed, or what is wrong with it.
std::variant<std::string, CodeProblem> ReadReservationCode(std::string_view typed);
std::variant<std::string, CodeProblem> ReadCancelToken(std::string_view typed);

// The canonical form of what a resident typed: upper case, hyphens and spaces removed, O/I/L
// read as 0/1/1. kInvalidArgument naming `field` for a symbol outside the alphabet, a wrong
// length or (for a 予約ID) a wrong check symbol, the message saying which.
Result<std::string> NormalizeReservationCode(std::string_view typed, std::string_view field);
Result<std::string> NormalizeCancelToken(std::string_view typed, std::string_view field);

// "7KQ2M9XD4TC" -> "7KQ2-M9XD-4TC" (groups of four).
std::string GroupSymbols(std::string_view canonical);

// The Luhn mod 32 check symbol of `payload` (canonical symbols).
char CheckSymbol(std::string_view payload);

}  // namespace mynacert::reservations

#endif  // MYNACERT_RESERVATIONS_RESERVATION_CODE_H_
