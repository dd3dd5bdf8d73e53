// Helpers shared by the API's area files (api_*.cc): JSON answers and reading a request's body
// and path parameters with errors that name the field. Internal to service/.
#ifndef MYNACERT_SERVICE_API_UTIL_H_
#define MYNACERT_SERVICE_API_UTIL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"
#include "profiles/loader.h"
#include "profiles/model.h"
#include "server/http.h"
#include "server/router.h"

namespace mynacert::service {

using nlohmann::json;
using server::Access;
using server::HttpRequest;
using server::HttpResponse;
using server::RequestContext;

inline constexpr size_t kSmallBody = 16 * 1024;  // a JSON request
inline constexpr size_t kNoBody = 1024;          // a GET: no body expected

HttpResponse Json(int status, const json& body);
inline HttpResponse Fail(const Error& e) { return server::ErrorResponse(e); }

// The request body as a JSON object; errors name "body".
Result<json> BodyJson(const HttpRequest& req);
// A string member: "" when absent and not required; errors name the member.
Result<std::string> Str(const json& j, const std::string& key, bool required);
Result<int64_t> Int(const json& j, const std::string& key);
// A required member of hex digits (DER, a signature) as bytes: 1 to `max_bytes`; errors name it.
Result<std::string> HexField(const json& j, const std::string& key, size_t max_bytes);
bool Bool(const json& j, const std::string& key);
// A decimal ID of a path or query ("case", "resident"…): 0–18 digits.
Result<int64_t> PathId(std::string_view text, const std::string& field);

// The municipality and counter of a counter ID (IDs are unique across the profiles); kNotFound
// naming "counter".
Result<std::pair<const profiles::Municipality*, const profiles::Counter*>> FindCounterAnywhere(
    const profiles::Registry& profiles, const std::string& id);

}  // namespace mynacert::service

#endif  // MYNACERT_SERVICE_API_UTIL_H_
