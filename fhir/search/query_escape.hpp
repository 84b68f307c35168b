// R4 search.html "Escaping Search Parameters": in a value, `\,` `\$` `\|`
// and `\\` stand for the character itself, so values can hold the
// separators of OR lists (','), composites ('$') and tokens/quantities
// ('|'). Split on unescaped separators first, unescape each final field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fhir::search {

// Pieces between unescaped `sep`, still escaped (the caller may split them
// again on another separator). "a\,b,c" on ',' -> {"a\,b", "c"}.
std::vector<std::string_view> split_unescaped(std::string_view text, char sep);

// Drops the backslash of `\,` `\$` `\|` `\\`. A backslash before anything
// else is kept: R4 only defines those four, and "C:\x" is a plain value.
std::string unescape_value(std::string_view text);

}  // namespace fhir::search
