// fhir::json::Value: the element tree of a FHIR resource, owned by us.
// It keeps what a client sent: member order, number text ("1.50" stays
// "1.50"), strings as UTF-8. RapidJSON is only the wire format (parse.cpp,
// write.cpp); its values never escape those files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace fhir::json {

class Value {
 public:
  enum class Kind : unsigned char { null, boolean, number, string, array, object };
  using Member = std::pair<std::string, Value>;

  Value() = default;
  static Value make_null() { return Value(); }
  static Value make_bool(bool b);
  static Value make_number(std::string text);  // text must be a JSON number
  static Value make_string(std::string s);
  static Value make_array();
  static Value make_object();

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }
  bool is_bool() const { return kind_ == Kind::boolean; }
  bool is_number() const { return kind_ == Kind::number; }
  bool is_string() const { return kind_ == Kind::string; }
  bool is_array() const { return kind_ == Kind::array; }
  bool is_object() const { return kind_ == Kind::object; }

  bool as_bool() const { return bool_; }
  // Number text or string value ("" for other kinds).
  const std::string& text() const;
  std::string& text();

  // Arrays (empty for other kinds).
  const std::vector<Value>& items() const;
  std::vector<Value>& items();
  Value& push_back(Value v);

  // Objects: members in the order they were sent (empty for other kinds).
  const std::vector<Member>& members() const;
  std::vector<Member>& members();
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // The string value of a member, or empty when absent or not a string.
  std::string_view string_at(std::string_view key) const;
  // Sets key, keeping its place if present, else appending.
  Value& set(std::string_view key, Value v);
  // Inserts key at position pos (or replaces in place if present).
  Value& insert_at(std::size_t pos, std::string_view key, Value v);
  bool erase(std::string_view key);

  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }

 private:
  // Only what the kind needs is held: a bundle of tens of MB is millions of
  // nodes, so the node size is the server's memory per MB ingested. The
  // mutable accessors of another kind's payload switch the payload (and
  // never touch memory that is not there).
  using Payload = std::variant<std::monostate, std::string, std::vector<Value>, std::vector<Member>>;
  Kind kind_ = Kind::null;
  bool bool_ = false;
  Payload data_;
};

}  // namespace fhir::json
