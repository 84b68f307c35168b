#include "fhir/json/value.hpp"

namespace fhir::json {

Value Value::make_bool(bool b) {
  Value v;
  v.kind_ = Kind::boolean;
  v.bool_ = b;
  return v;
}

Value Value::make_number(std::string text) {
  Value v;
  v.kind_ = Kind::number;
  v.data_ = std::move(text);
  return v;
}

Value Value::make_string(std::string s) {
  Value v;
  v.kind_ = Kind::string;
  v.data_ = std::move(s);
  return v;
}

Value Value::make_array() {
  Value v;
  v.kind_ = Kind::array;
  v.data_ = std::vector<Value>{};
  return v;
}

Value Value::make_object() {
  Value v;
  v.kind_ = Kind::object;
  v.data_ = std::vector<Member>{};
  return v;
}

namespace {
template <class T>
const T& held_or_empty(const std::variant<std::monostate, std::string, std::vector<Value>,
                                          std::vector<Value::Member>>& data) {
  static const T kEmpty{};
  const T* p = std::get_if<T>(&data);
  return p != nullptr ? *p : kEmpty;
}
template <class T, class Variant>
T& held_or_new(Variant& data) {
  if (T* p = std::get_if<T>(&data)) return *p;
  return data.template emplace<T>();
}
}  // namespace

const std::string& Value::text() const { return held_or_empty<std::string>(data_); }
std::string& Value::text() { return held_or_new<std::string>(data_); }
const std::vector<Value>& Value::items() const { return held_or_empty<std::vector<Value>>(data_); }
std::vector<Value>& Value::items() { return held_or_new<std::vector<Value>>(data_); }
const std::vector<Value::Member>& Value::members() const {
  return held_or_empty<std::vector<Member>>(data_);
}
std::vector<Value::Member>& Value::members() { return held_or_new<std::vector<Member>>(data_); }

Value& Value::push_back(Value v) {
  auto& list = items();
  list.push_back(std::move(v));
  return list.back();
}

const Value* Value::find(std::string_view key) const {
  for (const auto& m : members())
    if (m.first == key) return &m.second;
  return nullptr;
}

Value* Value::find(std::string_view key) {
  if (kind_ != Kind::object) return nullptr;
  for (auto& m : members())
    if (m.first == key) return &m.second;
  return nullptr;
}

std::string_view Value::string_at(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr || !v->is_string()) return {};
  return v->text();
}

Value& Value::set(std::string_view key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
    return *existing;
  }
  auto& list = members();
  list.emplace_back(std::string(key), std::move(v));
  return list.back().second;
}

Value& Value::insert_at(std::size_t pos, std::string_view key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
    return *existing;
  }
  auto& list = members();
  if (pos > list.size()) pos = list.size();
  auto it = list.emplace(list.begin() + static_cast<std::ptrdiff_t>(pos), std::string(key),
                         std::move(v));
  return it->second;
}

bool Value::erase(std::string_view key) {
  if (kind_ != Kind::object) return false;
  auto& list = members();
  for (auto it = list.begin(); it != list.end(); ++it) {
    if (it->first == key) {
      list.erase(it);
      return true;
    }
  }
  return false;
}

bool Value::operator==(const Value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::null: return true;
    case Kind::boolean: return bool_ == o.bool_;
    case Kind::number:
    case Kind::string: return text() == o.text();
    case Kind::array: return items() == o.items();
    case Kind::object: return members() == o.members();
  }
  return false;
}

}  // namespace fhir::json
