#include "core/result.h"

namespace mynacert {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kOutOfRange:
      return "out_of_range";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kResourceExhausted:
      return "rate_limited";
  }
  return "internal";
}

std::string Error::ToString() const {
  std::string out;
  if (!field.empty()) out += field + ": ";
  out += message;
  if (!rule.empty()) out += " (" + rule + ")";
  return out;
}

}  // namespace mynacert
