// The only file that includes RapidJSON's reader. A SAX handler builds our
// own Value tree so no RapidJSON allocator outlives the parse.
#include "fhir/json/parse.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <string>
#include <vector>

#include "fhir/core/errors.hpp"

namespace fhir::json {
namespace {

// RapidJSON 1.1.0 decodes a lone low-surrogate escape ("\udc00") to the
// bytes of a UTF-16 surrogate (ED B0 80), which is not UTF-8: stored, it
// would print as text no parser, ours included, accepts (found by
// fuzz/json_parse_fuzzer). In UTF-8, ED followed by A0..BF is exactly that.
bool has_surrogate(const char* s, std::size_t n) {
  const char* end = s + n;
  for (const char* p = s; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, 0xED, static_cast<std::size_t>(end - p)));
    if (p == nullptr) return false;
    if (p + 1 < end && static_cast<unsigned char>(p[1]) >= 0xA0) return true;
  }
  return false;
}

class TreeBuilder {
 public:
  Value root;
  std::string error;

  bool Null() { return add(Value::make_null()); }
  bool Bool(bool b) { return add(Value::make_bool(b)); }
  // kParseNumbersAsStringsFlag routes every number through RawNumber; the
  // typed callbacks stay for completeness.
  bool Int(int i) { return add(Value::make_number(std::to_string(i))); }
  bool Uint(unsigned u) { return add(Value::make_number(std::to_string(u))); }
  bool Int64(int64_t i) { return add(Value::make_number(std::to_string(i))); }
  bool Uint64(uint64_t u) { return add(Value::make_number(std::to_string(u))); }
  bool Double(double d) { return add(Value::make_number(std::to_string(d))); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return add(Value::make_number(std::string(s, n)));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (has_surrogate(s, n)) return surrogate();
    return add(Value::make_string(std::string(s, n)));
  }
  bool StartObject() { return open(Value::make_object()); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (has_surrogate(s, n)) return surrogate();
    Value& obj = *stack_.back();
    std::string_view key(s, n);
    if (obj.find(key) != nullptr) {
      error = "duplicate member name '" + std::string(key) + "'";
      return false;
    }
    obj.members().emplace_back(std::string(key), Value());
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(Value::make_array()); }
  bool EndArray(rapidjson::SizeType) { return close(); }

 private:
  std::vector<Value*> stack_;
  bool started_ = false;

  // Places v where the grammar says: the root, the last key of an object, or
  // the end of an array. Returns the placed value.
  Value* place(Value v) {
    if (stack_.empty()) {
      if (started_) return nullptr;
      started_ = true;
      root = std::move(v);
      return &root;
    }
    Value& parent = *stack_.back();
    if (parent.is_array()) return &parent.push_back(std::move(v));
    parent.members().back().second = std::move(v);
    return &parent.members().back().second;
  }
  bool add(Value v) { return place(std::move(v)) != nullptr; }
  bool surrogate() {
    error = "\\u escape of a lone UTF-16 surrogate";
    return false;
  }
  bool open(Value v) {
    if (stack_.size() >= static_cast<std::size_t>(kMaxDepth)) {
      error = "JSON nesting deeper than " + std::to_string(kMaxDepth);
      return false;
    }
    Value* p = place(std::move(v));
    if (p == nullptr) return false;
    stack_.push_back(p);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
};

}  // namespace

Result<Value> parse(std::string_view text) {
  TreeBuilder builder;
  rapidjson::Reader reader;
  rapidjson::MemoryStream ms(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> is(ms);
  constexpr unsigned kFlags = rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseIterativeFlag;
  rapidjson::ParseResult r = reader.Parse<kFlags>(is, builder);
  if (!r) {
    std::string why = builder.error.empty() ? rapidjson::GetParseError_En(r.Code()) : builder.error;
    return make_issue(err::kInvalidJson,
                      "Malformed JSON at offset " + std::to_string(r.Offset()) + ": " + why);
  }
  return std::move(builder.root);
}

}  // namespace fhir::json
