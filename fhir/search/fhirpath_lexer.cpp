#include "fhir/search/fhirpath_lexer.hpp"

#include <utility>

#include "fhir/core/errors.hpp"

namespace fhir::search::fhirpath {
namespace {

bool is_ident_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(unsigned cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      skip_space_and_comments();
      if (i_ >= text_.size()) break;
      auto t = next();
      if (!t) return t.take_issue();
      out.push_back(std::move(*t));
    }
    out.push_back(Token{Tok::end, {}, text_.size()});
    return out;
  }

 private:
  Issue fail(std::size_t pos, const std::string& why) const {
    return make_issue(err::kInvalidValue,
                      "FHIRPath: " + why + " at position " + std::to_string(pos),
                      std::string(text_));
  }

  void skip_space_and_comments() {
    while (i_ < text_.size()) {
      char c = text_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i_;
      } else if (text_.substr(i_, 2) == "//") {
        while (i_ < text_.size() && text_[i_] != '\n') ++i_;
      } else if (text_.substr(i_, 2) == "/*") {
        auto close = text_.find("*/", i_ + 2);
        i_ = close == std::string_view::npos ? text_.size() : close + 2;
      } else {
        return;
      }
    }
  }

  Result<Token> next() {
    std::size_t start = i_;
    char c = text_[i_];
    if (is_ident_start(c)) return Token{Tok::identifier, std::string(take_ident()), start};
    if (is_digit(c)) return number(start);
    if (c == '\'') return quoted(start, '\'', Tok::string);
    if (c == '`') return quoted(start, '`', Tok::identifier);
    if (c == '%' || c == '$') {
      ++i_;
      Tok kind = c == '%' ? Tok::variable : Tok::special;
      if (i_ < text_.size() && is_ident_start(text_[i_])) return Token{kind, std::string(take_ident()), start};
      if (c == '%' && i_ < text_.size() && (text_[i_] == '`' || text_[i_] == '\'')) {
        auto q = quoted(i_, text_[i_], kind);
        if (q) q->pos = start;
        return q;
      }
      return fail(start, std::string("expected a name after '") + c + "'");
    }
    return symbol(start);
  }

  std::string_view take_ident() {
    std::size_t start = i_;
    while (i_ < text_.size() && is_ident_char(text_[i_])) ++i_;
    return text_.substr(start, i_ - start);
  }

  Result<Token> number(std::size_t start) {
    while (i_ < text_.size() && is_digit(text_[i_])) ++i_;
    if (i_ + 1 < text_.size() && text_[i_] == '.' && is_digit(text_[i_ + 1])) {
      ++i_;
      while (i_ < text_.size() && is_digit(text_[i_])) ++i_;
    }
    return Token{Tok::number, std::string(text_.substr(start, i_ - start)), start};
  }

  Result<Token> quoted(std::size_t start, char quote, Tok kind) {
    std::string value;
    ++i_;
    while (i_ < text_.size() && text_[i_] != quote) {
      char c = text_[i_++];
      if (c != '\\') {
        value += c;
        continue;
      }
      if (i_ >= text_.size()) break;
      char e = text_[i_++];
      switch (e) {
        case 'n': value += '\n'; break;
        case 'r': value += '\r'; break;
        case 't': value += '\t'; break;
        case 'f': value += '\f'; break;
        case 'u': {
          unsigned cp = 0;
          for (int k = 0; k < 4; ++k) {
            int h = i_ < text_.size() ? hex_value(text_[i_]) : -1;
            if (h < 0) return fail(i_, "bad \\u escape");
            cp = cp * 16 + static_cast<unsigned>(h);
            ++i_;
          }
          append_utf8(cp, value);
          break;
        }
        default: value += e;  // \' \" \` \\ \/
      }
    }
    if (i_ >= text_.size()) return fail(start, "unterminated quoted text");
    ++i_;
    return Token{kind, std::move(value), start};
  }

  Result<Token> symbol(std::size_t start) {
    static constexpr std::string_view kTwo[] = {"!=", "!~", "<=", ">="};
    for (auto s : kTwo)
      if (text_.substr(i_, 2) == s) {
        i_ += 2;
        return Token{Tok::symbol, std::string(s), start};
      }
    static constexpr std::string_view kOne = ".()[]{},|=~<>+-*/&";
    if (kOne.find(text_[i_]) != std::string_view::npos)
      return Token{Tok::symbol, std::string(1, text_[i_++]), start};
    return fail(start, std::string("unexpected character '") + text_[i_] + "'");
  }

  std::string_view text_;
  std::size_t i_ = 0;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view text) { return Lexer(text).run(); }

}  // namespace fhir::search::fhirpath
