#include "service/api_util.h"

#include "core/hex.h"

namespace mynacert::service {

HttpResponse Json(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  // Text from the store or a profile is UTF-8; should one ever not be, the answer still goes out.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Result<json> BodyJson(const HttpRequest& req) {
  if (req.body.empty()) return json::object();
  json j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument("body", "JSON オブジェクトではありません (the body is not a JSON object)");
  }
  return j;
}

Result<std::string> Str(const json& j, const std::string& key, bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return InvalidArgument(key, "必須です (required)");
    return std::string();
  }
  if (!it->is_string()) return InvalidArgument(key, "文字列で指定してください (a string)");
  return it->get<std::string>();
}

Result<std::string> HexField(const json& j, const std::string& key, size_t max_bytes) {
  MYNACERT_ASSIGN_OR_RETURN(std::string hex, Str(j, key, true));
  std::string bytes;
  if (hex.size() > 2 * max_bytes || !Unhex(hex, &bytes) || bytes.empty()) {
    return InvalidArgument(key, "16進の文字列で送ってください (hex, at most " + std::to_string(max_bytes) +
                                    " bytes)");
  }
  return bytes;
}

Result<int64_t> Int(const json& j, const std::string& key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return InvalidArgument(key, "整数が必要です (an integer is required)");
  return it->get<int64_t>();
}

bool Bool(const json& j, const std::string& key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

Result<int64_t> PathId(std::string_view text, const std::string& field) {
  if (text.empty() || text.size() > 18) return InvalidArgument(field, "番号が不正です (not a number)");
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return InvalidArgument(field, "番号が不正です (not a number)");
    v = v * 10 + (c - '0');
  }
  return v;
}

Result<std::pair<const profiles::Municipality*, const profiles::Counter*>> FindCounterAnywhere(
    const profiles::Registry& profiles, const std::string& id) {
  for (const profiles::Municipality& mu : profiles.all()) {
    if (const profiles::Counter* c = mu.FindCounter(id)) return std::pair{&mu, c};
  }
  return Error{ErrorCode::kNotFound, "counter", "窓口がありません (unknown counter '" + id + "')", ""};
}

}  // namespace mynacert::service
