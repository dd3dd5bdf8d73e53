#include "reservations/reservation_code.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>

namespace mynacert::reservations {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kBase = 32;

// The value of a canonical symbol, -1 if none.
int ValueOf(char c) {
  const size_t at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// `n` uniformly random symbols: each takes 5 bits of CSPRNG output, so none is more likely.
Result<std::string> RandomSymbols(int n) {
  std::array<unsigned char, 16> bytes{};
  const size_t need = (static_cast<size_t>(n) * 5 + 7) / 8;
  if (need > bytes.size() || RAND_bytes(bytes.data(), static_cast<int>(need)) != 1) {
    return Error{ErrorCode::kInternal, "RAND_bytes", "乱数を得られません (the CSPRNG failed)", ""};
  }
  std::string out;
  for (int i = 0; i < n; ++i) {
    int v = 0;
    for (int b = 0; b < 5; ++b) {
      const size_t bit = static_cast<size_t>(i) * 5 + static_cast<size_t>(b);
      v = (v << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
    }
    out += kAlphabet[static_cast<size_t>(v)];
  }
  return out;
}

// Upper case, without hyphens and spaces, O/I/L -> 0/1/1; empty on a foreign symbol, with the
// symbol in `bad`. Full-width letters and digits (ＡＢ１２, as a Japanese IME types them) count
// as their ASCII forms, and full-width hyphens, dashes, ー and the ideographic space as
// separators.
std::string Canonical(std::string_view typed, std::string& bad) {
  std::string out;
  for (size_t i = 0; i < typed.size(); ++i) {
    char c = typed[i];
    const auto b0 = static_cast<unsigned char>(c);
    if (b0 >= 0x80) {
      // One UTF-8 sequence of three bytes (all the forms above), else foreign.
      const bool three = (b0 & 0xF0) == 0xE0 && i + 2 < typed.size() &&
                         (static_cast<unsigned char>(typed[i + 1]) & 0xC0) == 0x80 &&
                         (static_cast<unsigned char>(typed[i + 2]) & 0xC0) == 0x80;
      if (!three) {
        bad = "?";  // not shown raw: it may not be valid UTF-8
        return {};
      }
      const auto b1 = static_cast<unsigned char>(typed[i + 1]);
      const auto b2 = static_cast<unsigned char>(typed[i + 2]);
      const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      const std::string_view seq = typed.substr(i, 3);
      i += 2;
      if (cp == 0x3000 || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x30FC ||
          cp == 0xFF0D) {
        continue;  // separators
      }
      if (cp < 0xFF01 || cp > 0xFF5E) {
        bad = std::string(seq);
        return {};
      }
      c = static_cast<char>(cp - 0xFEE0);  // full-width ASCII
    }
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (ValueOf(c) < 0) {
      bad = std::string(1, c);
      return {};
    }
    out += c;
  }
  return out;
}

std::variant<std::string, CodeProblem> Read(std::string_view typed, size_t length,
                                             std::string_view what_ja, std::string_view what_en) {
  std::string bad;
  std::string c = Canonical(typed, bad);
  if (!bad.empty()) {
    return CodeProblem{std::string(what_ja) + "に使えない文字 '" + bad + "' があります",
                       std::string(what_en) + ": '" + bad +
                           "' is not one of 0-9 and A-Z without I, L, O, U"};
  }
  if (c.size() != length) {
    return CodeProblem{std::string(what_ja) + "は " + std::to_string(length) + " 文字です (" +
                           std::to_string(c.size()) + " 文字ありました)",
                       std::string(what_en) + ": expected " + std::to_string(length) +
                           " symbols, got " + std::to_string(c.size())};
  }
  return c;
}

Result<std::string> OrError(std::variant<std::string, CodeProblem> read, std::string_view field) {
  if (auto* p = std::get_if<CodeProblem>(&read)) {
    return InvalidArgument(std::string(field), p->ja + " (" + p->en + ")");
  }
  return std::get<std::string>(std::move(read));
}

}  // namespace

char CheckSymbol(std::string_view payload) {
  // Luhn mod N (N = 32), the symbol that makes the weighted sum a multiple of N.
  int factor = 2;
  int sum = 0;
  for (size_t i = payload.size(); i-- > 0;) {
    int addend = factor * ValueOf(payload[i]);
    factor = factor == 2 ? 1 : 2;
    addend = addend / kBase + addend % kBase;
    sum += addend;
  }
  return kAlphabet[static_cast<size_t>((kBase - sum % kBase) % kBase)];
}

Result<std::string> NewReservationCode() {
  MYNACERT_ASSIGN_OR_RETURN(std::string payload, RandomSymbols(kCodeRandomSymbols));
  return payload + CheckSymbol(payload);
}

Result<std::string> NewCancelToken() { return RandomSymbols(kCancelTokenLength); }

std::variant<std::string, CodeProblem> ReadReservationCode(std::string_view typed) {
  auto read = Read(typed, kCodeLength, "予約ID", "reservation ID");
  if (const std::string* c = std::get_if<std::string>(&read)) {
    if (CheckSymbol(std::string_view(*c).substr(0, kCodeRandomSymbols)) != c->back()) {
      return CodeProblem{"予約IDの検査文字が合いません。打ち間違いがないかお確かめください",
                         "reservation ID: the check symbol does not match (a typo?)"};
    }
  }
  return read;
}

std::variant<std::string, CodeProblem> ReadCancelToken(std::string_view typed) {
  return Read(typed, kCancelTokenLength, "取消番号", "cancel token");
}

Result<std::string> NormalizeReservationCode(std::string_view typed, std::string_view field) {
  return OrError(ReadReservationCode(typed), field);
}

Result<std::string> NormalizeCancelToken(std::string_view typed, std::string_view field) {
  return OrError(ReadCancelToken(typed), field);
}

std::string GroupSymbols(std::string_view canonical) {
  std::string out;
  for (size_t i = 0; i < canonical.size(); ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += canonical[i];
  }
  return out;
}

}  // namespace mynacert::reservations
