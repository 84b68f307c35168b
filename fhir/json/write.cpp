#include "fhir/json/write.hpp"

namespace fhir::json {

void append_escaped(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t run = 0;  // start of the current run of bytes needing no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
}

void write_to(const Value& v, std::string& out) {
  switch (v.kind()) {
    case Value::Kind::null: out += "null"; return;
    case Value::Kind::boolean: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::number: out += v.text(); return;
    case Value::Kind::string:
      out += '"';
      append_escaped(v.text(), out);
      out += '"';
      return;
    case Value::Kind::array: {
      out += '[';
      bool first = true;
      for (const Value& item : v.items()) {
        if (!first) out += ',';
        first = false;
        write_to(item, out);
      }
      out += ']';
      return;
    }
    case Value::Kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : v.members()) {
        if (!first) out += ',';
        first = false;
        out += '"';
        append_escaped(key, out);
        out += "\":";
        write_to(member, out);
      }
      out += '}';
      return;
    }
  }
}

std::string write(const Value& v) {
  std::string out;
  write_to(v, out);
  return out;
}

}  // namespace fhir::json
