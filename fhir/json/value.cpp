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
  v.text_ = std::move(text);
  return v;
}

Value Value::make_string(std::string s) {
  Value v;
  v.kind_ = Kind::string;
  v.text_ = std::move(s);
  return v;
}

Value Value::make_array() {
  Value v;
  v.kind_ = Kind::array;
  return v;
}

Value Value::make_object() {
  Value v;
  v.kind_ = Kind::object;
  return v;
}

Value& Value::push_back(Value v) {
  items_.push_back(std::move(v));
  return items_.back();
}

const Value* Value::find(std::string_view key) const {
  for (const auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

Value* Value::find(std::string_view key) {
  for (auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

std::string_view Value::string_at(std::string_view key) const {
  const Value* v = find(key);
  if (v == nullptr || !v->is_string()) return {};
  return v->text_;
}

Value& Value::set(std::string_view key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
    return *existing;
  }
  members_.emplace_back(std::string(key), std::move(v));
  return members_.back().second;
}

Value& Value::insert_at(std::size_t pos, std::string_view key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
    return *existing;
  }
  if (pos > members_.size()) pos = members_.size();
  auto it = members_.emplace(members_.begin() + static_cast<std::ptrdiff_t>(pos),
                             std::string(key), std::move(v));
  return it->second;
}

bool Value::erase(std::string_view key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
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
    case Kind::string: return text_ == o.text_;
    case Kind::array: return items_ == o.items_;
    case Kind::object: return members_ == o.members_;
  }
  return false;
}

}  // namespace fhir::json
