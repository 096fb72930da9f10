#include "base/result.h"

namespace schemabot {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kPermissionDenied: return "permission denied";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace schemabot
