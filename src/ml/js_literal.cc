#include "ml/js_literal.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace camroll::ml {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<nlohmann::json> Value(int depth = 0) {
    if (depth > 256) return Err("nesting too deep");
    Space();
    if (pos_ >= s_.size()) return Err("unexpected end");
    char c = s_[pos_];
    if (c == '{') return Object(depth);
    if (c == '[') return Array(depth);
    if (c == '"' || c == '\'') {
      CAMROLL_ASSIGN_OR_RETURN(std::string str, String());
      return nlohmann::json(std::move(str));
    }
    if (c == '!') {  // minifiers write true as !0 and false as !1
      ++pos_;
      CAMROLL_ASSIGN_OR_RETURN(auto v, Value(depth + 1));
      if (!v.is_number()) return Err("'!' before a non-number");
      return nlohmann::json(v.get<double>() == 0);
    }
    if (c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
      return Number();
    }
    std::string word = Identifier();
    if (word == "true") return nlohmann::json(true);
    if (word == "false") return nlohmann::json(false);
    if (word == "null" || word == "undefined") return nlohmann::json(nullptr);
    return Err("unexpected '" + std::string(1, c) + "'");
  }

  size_t pos() const { return pos_; }

 private:
  std::unexpected<Error> Err(const std::string& what) const {
    return Fail(ErrorCode::kInvalidInput,
                "JS literal at offset " + std::to_string(pos_) + ": " + what);
  }

  void Space() {
    while (pos_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[pos_]))) {
        ++pos_;
      } else if (s_.substr(pos_, 2) == "//") {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if (s_.substr(pos_, 2) == "/*") {
        size_t end = s_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? s_.size() : end + 2;
      } else {
        break;
      }
    }
  }

  std::string Identifier() {
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '_' || s_[pos_] == '$')) {
      ++pos_;
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  Result<std::string> String() {
    char quote = s_[pos_++];
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      char c = s_[pos_++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) break;
      char e = s_[pos_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case '0':
          out += '\0';
          break;
        case 'u':
        case 'x': {
          size_t n = e == 'u' ? 4 : 2;
          if (pos_ + n > s_.size()) return Err("short escape");
          unsigned code = 0;
          auto r = std::from_chars(s_.data() + pos_, s_.data() + pos_ + n, code, 16);
          if (r.ec != std::errc()) return Err("bad escape");
          pos_ += n;
          // UTF-8 encode (surrogate pairs are not expected in model files).
          if (code < 0x80) {
            out += static_cast<char>(code);
          } else if (code < 0x800) {
            out += static_cast<char>(0xc0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3f));
          } else {
            out += static_cast<char>(0xe0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
          }
          break;
        }
        default:
          out += e;
      }
    }
    if (pos_ >= s_.size()) return Err("unterminated string");
    ++pos_;
    return out;
  }

  Result<nlohmann::json> Number() {
    size_t start = pos_;
    if (s_[pos_] == '-' || s_[pos_] == '+') ++pos_;
    while (
        pos_ < s_.size() &&
        (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
         ((s_[pos_] == '-' || s_[pos_] == '+') && (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E')))) {
      ++pos_;
    }
    std::string text(s_.substr(start, pos_ - start));
    if (text == "Infinity" || text == "+Infinity") return nlohmann::json(INFINITY);
    if (text == "-Infinity") return nlohmann::json(-INFINITY);
    bool integer = text.find_first_of(".eE") == std::string::npos;
    if (integer && text.rfind("0x", 0) != 0) {
      int64_t v;
      auto r = std::from_chars(text.data() + (text[0] == '+'), text.data() + text.size(), v);
      if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return nlohmann::json(v);
    }
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return Err("bad number '" + text + "'");
    return nlohmann::json(v);
  }

  Result<nlohmann::json> Object(int depth) {
    ++pos_;
    nlohmann::json obj = nlohmann::json::object();
    while (true) {
      Space();
      if (pos_ >= s_.size()) return Err("unterminated object");
      if (s_[pos_] == '}') {
        ++pos_;
        return obj;
      }
      std::string key;
      if (s_[pos_] == '"' || s_[pos_] == '\'') {
        CAMROLL_ASSIGN_OR_RETURN(key, String());
      } else {
        key = Identifier();
        if (key.empty()) return Err("expected a key");
      }
      Space();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Err("expected ':' after " + key);
      ++pos_;
      CAMROLL_ASSIGN_OR_RETURN(obj[key], Value(depth + 1));
      Space();
      if (pos_ < s_.size() && s_[pos_] == ',') ++pos_;
    }
  }

  Result<nlohmann::json> Array(int depth) {
    ++pos_;
    nlohmann::json arr = nlohmann::json::array();
    while (true) {
      Space();
      if (pos_ >= s_.size()) return Err("unterminated array");
      if (s_[pos_] == ']') {
        ++pos_;
        return arr;
      }
      CAMROLL_ASSIGN_OR_RETURN(auto v, Value(depth + 1));
      arr.push_back(std::move(v));
      Space();
      if (pos_ < s_.size() && s_[pos_] == ',') ++pos_;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<nlohmann::json> ParseJsLiteral(std::string_view text, size_t* consumed) {
  Parser p(text);
  auto v = p.Value();
  if (v && consumed != nullptr) *consumed = p.pos();
  return v;
}

Result<nlohmann::json> FindJsObject(std::string_view text, std::string_view marker) {
  std::string needle = "{" + std::string(marker);
  size_t at = text.find(needle);
  if (at == std::string_view::npos) {
    return Fail(ErrorCode::kNotFound, "no object literal starting with " + std::string(marker));
  }
  return ParseJsLiteral(text.substr(at));
}

Result<std::string_view> LongestJsString(std::string_view text) {
  std::string_view best;
  size_t pos = 0;
  while (pos < text.size()) {
    char q = text[pos];
    if (q != '"' && q != '\'') {
      ++pos;
      continue;
    }
    size_t end = pos + 1;
    while (end < text.size() && text[end] != q) end += text[end] == '\\' ? 2 : 1;
    if (end >= text.size()) break;
    if (end - pos - 1 > best.size()) best = text.substr(pos + 1, end - pos - 1);
    pos = end + 1;
  }
  if (best.empty()) return Fail(ErrorCode::kNotFound, "no string literal");
  return best;
}

}  // namespace camroll::ml
