#include "fhir/json/json_patch.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace fhir::json {
namespace {

Issue patch_issue(std::size_t op, const std::string& why) {
  return make_issue(err::kInvalidRequest, "JSON Patch operation " + std::to_string(op) + ": " + why);
}

// RFC 6901 pointer -> reference tokens ("~1" is "/", "~0" is "~").
Result<std::vector<std::string>> split_pointer(std::string_view p) {
  std::vector<std::string> tokens;
  if (p.empty()) return tokens;
  if (p.front() != '/') return make_issue(err::kInvalidRequest, "a JSON pointer starts with '/'");
  std::size_t start = 1;
  for (;;) {
    std::size_t slash = p.find('/', start);
    std::string_view raw = p.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    std::string token;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
        token += raw[i + 1] == '0' ? '~' : '/';
        ++i;
      } else if (raw[i] == '~') {
        return make_issue(err::kInvalidRequest, "malformed '~' escape in a JSON pointer");
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) return tokens;
    start = slash + 1;
  }
}

// An array index token: digits without leading zeros, or "-" (past the end)
// when allowed.
bool array_index(const std::string& t, std::size_t size, bool allow_end, std::size_t& out) {
  if (allow_end && t == "-") {
    out = size;
    return true;
  }
  if (t.empty() || (t.size() > 1 && t[0] == '0')) return false;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc() || p != t.data() + t.size()) return false;
  return allow_end ? out <= size : out < size;
}

// A JSON number as its significant digits and the exponent that places
// them (value = 0.digits x 10^exponent), so that numerically equal texts
// ("1", "1.0", "10e-1") compare equal. nullopt when the text is not a
// JSON number or its exponent does not fit.
struct Decimal {
  bool negative = false;
  std::string digits;  // no leading or trailing zeros; empty for zero
  long long exponent = 0;
  bool operator==(const Decimal&) const = default;
};

std::optional<Decimal> decimal_of(std::string_view t) {
  Decimal d;
  std::size_t i = 0;
  if (i < t.size() && t[i] == '-') {
    d.negative = true;
    ++i;
  }
  std::string digits;
  std::optional<std::size_t> point;
  for (; i < t.size() && ((t[i] >= '0' && t[i] <= '9') || t[i] == '.'); ++i) {
    if (t[i] == '.') point = digits.size();
    else digits += t[i];
  }
  long long exponent = 0;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && t[i] == '+') ++i;
    auto [p, ec] = std::from_chars(t.data() + i, t.data() + t.size(), exponent);
    if (ec != std::errc() || p != t.data() + t.size()) return std::nullopt;
  } else if (i != t.size()) {
    return std::nullopt;
  }
  std::size_t lead = digits.find_first_not_of('0');
  if (lead == std::string::npos) return Decimal{};  // zero, whatever its sign
  long long integer_digits = static_cast<long long>(point.value_or(digits.size()));
  digits.erase(0, lead);
  digits.erase(digits.find_last_not_of('0') + 1);
  d.digits = std::move(digits);
  constexpr long long kMaxExponent = 1LL << 60;  // far past any double; no overflow below
  if (exponent > kMaxExponent || exponent < -kMaxExponent) return std::nullopt;
  d.exponent = integer_digits - static_cast<long long>(lead) + exponent;
  return d;
}

// RFC 6902 4.6 equality for "test": numbers by value, objects by their set
// of members whatever the order, arrays element by element.
bool json_equal(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::number: {
      auto x = decimal_of(a.text()), y = decimal_of(b.text());
      return x && y ? *x == *y : a.text() == b.text();
    }
    case Value::Kind::array:
      if (a.items().size() != b.items().size()) return false;
      for (std::size_t i = 0; i < a.items().size(); ++i)
        if (!json_equal(a.items()[i], b.items()[i])) return false;
      return true;
    case Value::Kind::object:
      if (a.members().size() != b.members().size()) return false;
      for (const auto& [key, value] : a.members()) {
        const Value* other = b.find(key);
        if (other == nullptr || !json_equal(value, *other)) return false;
      }
      return true;
    default:
      return a == b;
  }
}

Value* resolve(Value& root, const std::vector<std::string>& tokens, std::size_t count) {
  Value* node = &root;
  for (std::size_t i = 0; i < count; ++i) {
    if (node->is_object()) {
      node = node->find(tokens[i]);
    } else if (node->is_array()) {
      std::size_t idx = 0;
      if (!array_index(tokens[i], node->items().size(), false, idx)) return nullptr;
      node = &node->items()[idx];
    } else {
      return nullptr;
    }
    if (node == nullptr) return nullptr;
  }
  return node;
}

Status add_at(Value& root, const std::vector<std::string>& path, Value v) {
  if (path.empty()) {
    root = std::move(v);
    return ok_status();
  }
  Value* parent = resolve(root, path, path.size() - 1);
  if (parent == nullptr) return make_issue(err::kInvalidRequest, "the path's parent does not exist");
  const std::string& last = path.back();
  if (parent->is_object()) {
    parent->set(last, std::move(v));
    return ok_status();
  }
  if (parent->is_array()) {
    std::size_t idx = 0;
    if (!array_index(last, parent->items().size(), true, idx))
      return make_issue(err::kInvalidRequest, "array index out of range");
    parent->items().insert(parent->items().begin() + static_cast<std::ptrdiff_t>(idx), std::move(v));
    return ok_status();
  }
  return make_issue(err::kInvalidRequest, "the path's parent is not a container");
}

Result<Value> remove_at(Value& root, const std::vector<std::string>& path) {
  if (path.empty()) return make_issue(err::kInvalidRequest, "cannot remove the whole document");
  Value* parent = resolve(root, path, path.size() - 1);
  if (parent == nullptr) return make_issue(err::kInvalidRequest, "the path does not exist");
  const std::string& last = path.back();
  if (parent->is_object()) {
    Value* child = parent->find(last);
    if (child == nullptr) return make_issue(err::kInvalidRequest, "the path does not exist");
    Value out = std::move(*child);
    parent->erase(last);
    return out;
  }
  std::size_t idx = 0;
  if (!parent->is_array() || !array_index(last, parent->items().size(), false, idx))
    return make_issue(err::kInvalidRequest, "the path does not exist");
  Value out = std::move(parent->items()[idx]);
  parent->items().erase(parent->items().begin() + static_cast<std::ptrdiff_t>(idx));
  return out;
}

Status apply_one(Value& doc, const Value& op) {
  if (!op.is_object()) return make_issue(err::kInvalidRequest, "an operation must be an object");
  std::string_view name = op.string_at("op");
  const Value* path_v = op.find("path");
  if (path_v == nullptr || !path_v->is_string()) return make_issue(err::kInvalidRequest, "missing path");
  auto path = split_pointer(path_v->text());
  if (!path) return path.take_issue();
  const Value* value = op.find("value");
  if (name == "add" || name == "replace" || name == "test") {
    if (value == nullptr) return make_issue(err::kInvalidRequest, "missing value");
  }
  if (name == "add") return add_at(doc, *path, *value);
  if (name == "remove") {
    auto r = remove_at(doc, *path);
    return r ? ok_status() : Status(r.take_issue());
  }
  if (name == "replace") {
    Value* target = resolve(doc, *path, path->size());
    if (target == nullptr) return make_issue(err::kInvalidRequest, "the path does not exist");
    *target = *value;
    return ok_status();
  }
  if (name == "test") {
    Value* target = resolve(doc, *path, path->size());
    // RFC 5789 2.2: the patch cannot apply to the resource's current state,
    // a 409. (412 stays for If-Match, a precondition in the headers.)
    if (target == nullptr || !json_equal(*target, *value))
      return make_issue(err::kConflict, "a test operation failed");
    return ok_status();
  }
  if (name == "move" || name == "copy") {
    const Value* from_v = op.find("from");
    if (from_v == nullptr || !from_v->is_string()) return make_issue(err::kInvalidRequest, "missing from");
    auto from = split_pointer(from_v->text());
    if (!from) return from.take_issue();
    if (name == "move") {
      if (path->size() > from->size() &&
          std::equal(from->begin(), from->end(), path->begin()))
        return make_issue(err::kInvalidRequest, "cannot move a value into itself");
      auto moved = remove_at(doc, *from);
      if (!moved) return moved.take_issue();
      return add_at(doc, *path, std::move(*moved));
    }
    Value* source = resolve(doc, *from, from->size());
    if (source == nullptr) return make_issue(err::kInvalidRequest, "from does not exist");
    Value copy = *source;
    return add_at(doc, *path, std::move(copy));
  }
  return make_issue(err::kInvalidRequest, "unknown op");
}

// A patched document stays within what the parser would accept: nesting
// at most kMaxDepth, and at most kMaxPatchedNodes values.
constexpr std::size_t kMaxPatchedNodes = 4'000'000;

// containers: open arrays and objects above v, counted as the parser does.
bool count_within(const Value& v, int containers, std::size_t& nodes) {
  if (++nodes > kMaxPatchedNodes) return false;
  if (!v.is_array() && !v.is_object()) return true;
  if (++containers > kMaxDepth) return false;
  for (const Value& item : v.items())
    if (!count_within(item, containers, nodes)) return false;
  for (const auto& member : v.members())
    if (!count_within(member.second, containers, nodes)) return false;
  return true;
}

bool exceeds_bounds(const Value& v) {
  std::size_t nodes = 0;
  return !count_within(v, 0, nodes);
}

}  // namespace

Status apply_patch(Value& target, const Value& patch) {
  if (!patch.is_array()) return make_issue(err::kInvalidRequest, "A JSON Patch document is an array of operations");
  Value work = target;  // all or nothing
  for (std::size_t i = 0; i < patch.items().size(); ++i) {
    if (auto st = apply_one(work, patch.items()[i]); !st) {
      Issue issue = st.take_issue();
      issue.diagnostics = patch_issue(i, issue.diagnostics).diagnostics;
      return issue;
    }
    // copy and move can double the document or its depth with every
    // operation: a few hundred bytes of patch could exhaust memory or the
    // stack. Checked after each operation, so nothing grows past twice the
    // bounds before it is refused.
    if (exceeds_bounds(work)) return patch_issue(i, "the result would be too large or too deeply nested");
  }
  target = std::move(work);
  return ok_status();
}

}  // namespace fhir::json
