// Errors as values. Every operation that can fail on bad input or I/O returns Result<T>; library
// exceptions are caught where the library is called and turned into an Error with context.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace camroll {

enum class ErrorCode {
  kInvalidInput,  // the bytes or arguments are malformed (corrupt file, bad JSON, bad flag)
  kUnsupported,   // well-formed but not something we handle (file type, codec)
  kLimit,         // refused by an explicit limit (pixels, bytes, rate)
  kNotFound,
  kPermission,  // consent or authorization missing
  kIo,          // the operating system said no (open, read, write, fsync)
  kInternal,    // a bug or a library failure we cannot attribute to the input
};

std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with where the error was met ("reading EXIF: ..."). Returns *this so
  // that `return std::unexpected(err.Context("x"))` reads naturally.
  Error& Context(std::string_view where);

  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected(Error(code, std::move(message)));
}

inline Status Ok() { return {}; }

#define CAMROLL_CONCAT_INNER_(a, b) a##b
#define CAMROLL_CONCAT_(a, b) CAMROLL_CONCAT_INNER_(a, b)

// Declares/assigns `lhs` from a Result-returning expression, or returns its error.
//   CAMROLL_ASSIGN_OR_RETURN(auto bytes, ReadFile(path));
#define CAMROLL_ASSIGN_OR_RETURN(lhs, expr)                                                \
  auto CAMROLL_CONCAT_(camroll_result_, __LINE__) = (expr);                                \
  if (!CAMROLL_CONCAT_(camroll_result_, __LINE__)) {                                       \
    return std::unexpected(std::move(CAMROLL_CONCAT_(camroll_result_, __LINE__)).error()); \
  }                                                                                        \
  lhs = std::move(CAMROLL_CONCAT_(camroll_result_, __LINE__)).value()

// Returns the error of a Status/Result-returning expression, if any.
#define CAMROLL_RETURN_IF_ERROR(expr)                             \
  do {                                                            \
    auto camroll_status_ = (expr);                                \
    if (!camroll_status_) {                                       \
      return std::unexpected(std::move(camroll_status_).error()); \
    }                                                             \
  } while (0)

}  // namespace camroll
