#include "pki/publication.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>

#include "pki/certificate.h"
#include "pki/key_file.h"

namespace mynacert::pki {
namespace {

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Publication::OcspUrl() const { return base_url + "/ocsp"; }

std::string Publication::CaIssuersUrl(CaKind kind, int generation) const {
  return base_url + "/ca/" + std::string(CaKindName(kind)) + "/g" + std::to_string(generation) +
         ".crt";
}

std::string Publication::CrlUrl(CaKind kind, int generation, std::string_view scope,
                                bool delta) const {
  // The scope's '/' separates segments; each segment is escaped on its own.
  std::string path;
  size_t from = 0;
  while (true) {
    const size_t slash = scope.find('/', from);
    path += EscapePathSegment(scope.substr(from, slash == std::string_view::npos ? slash : slash - from));
    if (slash == std::string_view::npos) break;
    path += '/';
    from = slash + 1;
  }
  return base_url + "/crl/" + std::string(CaKindName(kind)) + "/g" + std::to_string(generation) +
         "/" + path + (delta ? ".delta.crl" : ".crl");
}

std::string Publication::CpsUrl() const { return base_url + "/cps"; }

const char* Publication::PolicyOid(CaKind kind) const {
  if (policy == PolicyArc::kProduction) {
    return kind == CaKind::kSign ? kOidSignPolicy : kOidAuthPolicy;
  }
  return kind == CaKind::kSign ? kOidSignTestPolicy : kOidAuthTestPolicy;
}

Status CheckBaseUrl(std::string_view url, std::string_view field) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgument(std::string(field),
                           "公開 URL は http(s)://ホスト[:ポート][/パス] です: " + std::string(why) +
                               " (expected http(s)://host[:port][/path])");
  };
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return bad("http:// か https:// で始めてください (scheme)");
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') return bad("ホストがありません (no host)");
  if (url.back() == '/') return bad("末尾の / は不要です (no trailing '/')");
  if (url.size() > 200) return bad("長すぎます (over 200 characters)");
  for (const unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '"' || c == '<' || c == '>' ||
        c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}') {
      return bad("使えない文字があります (a character URLs cannot carry: space, ?, #, quote, …)");
    }
  }
  return {};
}

Result<Publication> LoadPublication(const std::string& dir) {
  const std::string file = (std::filesystem::path(dir) / kPublicationFile).string();
  Publication out;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return out;
  std::ifstream in(file);
  if (!in) return Error{ErrorCode::kInternal, file, "読めません (cannot read)", ""};
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string where = file + ":" + std::to_string(number);
    std::string_view l = Trim(line);
    if (l.empty() || l.front() == '#') continue;
    const size_t eq = l.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument(where, "「キー = 値」の行ではありません (expected key = value)");
    }
    const std::string_view key = Trim(l.substr(0, eq));
    const std::string_view value = Trim(l.substr(eq + 1));
    if (key == "url") {
      MYNACERT_RETURN_IF_ERROR(CheckBaseUrl(value, where));
      out.base_url = std::string(value);
    } else if (key == "policy") {
      if (value == "test") {
        out.policy = PolicyArc::kTest;
      } else if (value == "production") {
        out.policy = PolicyArc::kProduction;
      } else {
        return InvalidArgument(where, "policy は test か production です (expected test or production)");
      }
    } else if (key == "ocsp_responder_days") {
      int days = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), days);
      if (ec != std::errc() || end != value.data() + value.size() || days < 1 || days > 366) {
        return InvalidArgument(where, "ocsp_responder_days は 1〜366 です (days, 1 to 366)");
      }
      out.ocsp_responder_days = days;
    } else if (key == "status_access") {
      if (value != "public" && value != "restricted") {
        return InvalidArgument(where, "status_access は public か restricted です (expected public or restricted)");
      }
      out.status_restricted = value == "restricted";
    } else {
      return InvalidArgument(where, "知らないキーです: " + std::string(key) +
                                        " (unknown key; expected url, policy, ocsp_responder_days or status_access)");
    }
  }
  return out;
}

Status SavePublication(const std::string& dir, const Publication& p) {
  MYNACERT_RETURN_IF_ERROR(CheckBaseUrl(p.base_url, "url"));
  const std::string file = (std::filesystem::path(dir) / kPublicationFile).string();
  return WriteFileAtomically(
      file,
      "# Where relying parties find this CA (mynacert ca publish; docs/relying-parties.md)\n"
      "url = " + p.base_url + "\npolicy = " +
          (p.policy == PolicyArc::kTest ? "test" : "production") +
          "\nocsp_responder_days = " + std::to_string(p.ocsp_responder_days) +
          "\nstatus_access = " + (p.status_restricted ? "restricted" : "public") + "\n",
      0600);
}

std::string SignCrlScope(std::string_view prefecture_en, std::string_view municipality_en) {
  return std::string(prefecture_en) + "/" + std::string(municipality_en);
}

std::string AuthCrlScope(std::string_view serial_hex) {
  if (serial_hex.empty()) return "0";
  char c = serial_hex.back();
  if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  return std::string(1, c);
}

std::optional<CrlPath> ParseCrlPath(std::string_view path) {
  CrlPath out;
  if (path.starts_with("sign/")) {
    out.kind = CaKind::kSign;
  } else if (path.starts_with("auth/")) {
    out.kind = CaKind::kAuth;
  } else {
    return std::nullopt;
  }
  path.remove_prefix(5);
  if (!path.starts_with("g")) return std::nullopt;
  path.remove_prefix(1);
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash > 4) return std::nullopt;
  const auto [end, ec] = std::from_chars(path.data(), path.data() + slash, out.generation);
  if (ec != std::errc() || end != path.data() + slash || out.generation < 1) return std::nullopt;
  path.remove_prefix(slash + 1);
  if (path.ends_with(".delta.crl")) {
    out.delta = true;
    path.remove_suffix(10);
  } else if (path.ends_with(".crl")) {
    path.remove_suffix(4);
  } else {
    return std::nullopt;
  }
  // Percent-decoding, segment by segment; a decoded '/' or control byte is refused.
  std::string scope;
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '%') {
      unsigned value = 0;
      if (i + 2 >= path.size()) return std::nullopt;
      const auto [e, err] = std::from_chars(path.data() + i + 1, path.data() + i + 3, value, 16);
      if (err != std::errc() || e != path.data() + i + 3 || value < 0x20 || value == '/') {
        return std::nullopt;
      }
      scope.push_back(static_cast<char>(value));
      i += 2;
    } else {
      scope.push_back(c);
    }
  }
  const size_t slashes = static_cast<size_t>(std::count(scope.begin(), scope.end(), '/'));
  if (scope.empty() || scope.size() > 200 || scope.front() == '/' || scope.back() == '/' ||
      slashes != (out.kind == CaKind::kSign ? 1u : 0u) || scope.find("..") != std::string::npos) {
    return std::nullopt;
  }
  out.scope = std::move(scope);
  return out;
}

std::string EscapePathSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const unsigned char c : text) {
    if (Unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace mynacert::pki
