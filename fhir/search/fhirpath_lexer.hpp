// FHIRPath text -> tokens. Knows the lexical grammar only (fhirpath.html
// "Lexical elements"); the parser decides which operators we support.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"

namespace fhir::search::fhirpath {

enum class Tok : unsigned char {
  end,
  identifier,  // name, keyword or `delimited name`
  string,      // 'text', unescaped
  number,      // 12, 4.5
  variable,    // %resource -> "resource"
  special,     // $this -> "this"
  symbol,      // . ( ) [ ] { } , | = != ~ !~ < > <= >= + - * / &
};

struct Token {
  Tok kind = Tok::end;
  std::string text;
  std::size_t pos = 0;  // byte offset, for messages
};

Result<std::vector<Token>> tokenize(std::string_view text);

}  // namespace fhir::search::fhirpath
