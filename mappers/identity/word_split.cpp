#include "mappers/identity/word_split.hpp"

#include "fhir/core/utf8.hpp"
#include "fhir/search/string_normalise.hpp"

namespace mappers::identity {
namespace {

enum class Kind { letter, join, own_word, separator };


Kind ascii_kind(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return Kind::letter;
  if (c == '\'' || c == '.' || c == '`') return Kind::join;
  if (c == '#') return Kind::own_word;
  return Kind::separator;
}

Kind kind_of(char32_t cp) {
  // Right single quote and modifier apostrophe: how keyboards type O'Brien.
  if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC) return Kind::join;
  // Latin-1 punctuation and symbols (NBSP, guillemets, middle dot...),
  // General Punctuation (dashes, spaces, quotes), CJK punctuation.
  if (cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F)) return Kind::separator;
  if (cp == 0xD7 || cp == 0xF7) return Kind::separator;  // multiplication, division signs
  return Kind::letter;
}

}  // namespace

std::vector<std::string> folded_words(std::string_view text) {
  std::string folded = fhir::search::normalise_string(text);
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) out.push_back(std::move(word));
    word.clear();
  };
  for (std::size_t i = 0; i < folded.size();) {
    std::size_t len = 1;
    Kind k = Kind::separator;  // invalid UTF-8 bytes separate
    if (static_cast<unsigned char>(folded[i]) < 0x80) {
      k = ascii_kind(folded[i]);
    } else {
      char32_t cp = 0;
      if (std::size_t n = fhir::decode_utf8(folded, i, cp); n != 0) {
        len = n;
        k = kind_of(cp);
      }
    }
    switch (k) {
      case Kind::letter: word.append(folded, i, len); break;
      case Kind::join: break;
      case Kind::own_word:
        flush();
        out.emplace_back(folded.substr(i, len));
        break;
      case Kind::separator: flush(); break;
    }
    i += len;
  }
  flush();
  return out;
}

}  // namespace mappers::identity
