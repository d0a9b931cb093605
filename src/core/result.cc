#include "core/result.h"

#include <fmt/format.h>

namespace camroll {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return "invalid_input";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kLimit:
      return "limit";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kPermission:
      return "permission";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Error& Error::Context(std::string_view where) {
  message_ = fmt::format("{}: {}", where, message_);
  return *this;
}

std::string Error::ToString() const {
  return fmt::format("{} ({})", message_, ErrorCodeName(code_));
}

}  // namespace camroll
