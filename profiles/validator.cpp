// The walk: one pass over the element tree, looking each member up in its
// type's table. The path is one string grown and shrunk as the walk goes
// and copied only into an issue, so a valid resource allocates nothing here.
#include "profiles/validator.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "profiles/primitive_format.hpp"

namespace profiles {

using fhir::json::Value;

namespace {

// Appends ".member" or "[index]" to the path for the life of the scope.
class PathScope {
 public:
  PathScope(std::string& path, std::string_view member) : path_(path), size_(path.size()) {
    if (!path_.empty()) path_ += '.';
    path_ += member;
  }
  PathScope(std::string& path, std::size_t index) : path_(path), size_(path.size()) {
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, index).ptr;
    path_ += '[';
    path_.append(buf, end);
    path_ += ']';
  }
  PathScope(const PathScope&) = delete;
  PathScope& operator=(const PathScope&) = delete;
  ~PathScope() { path_.resize(size_); }

 private:
  std::string& path_;
  std::size_t size_;
};

std::string_view sent_as(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::null: return "null";
    case Value::Kind::boolean: return "a JSON boolean";
    case Value::Kind::number: return "a JSON number";
    case Value::Kind::string: return "a JSON string";
    case Value::Kind::array: return "a JSON array";
    case Value::Kind::object: return "a JSON object";
  }
  return "a JSON value";
}

// For "value set" diagnostics: enough codes to fix a typo, not a wall.
std::string list_codes(const std::vector<std::string>& codes) {
  constexpr std::size_t kShown = 12;
  std::string out;
  for (std::size_t i = 0; i < codes.size() && i < kShown; ++i) {
    if (i > 0) out += ", ";
    out += codes[i];
  }
  if (codes.size() > kShown) out += ", ... (" + std::to_string(codes.size()) + " codes)";
  return out;
}

class Walker {
 public:
  Walker(const TypeModel& model, std::size_t max_issues) : model_(model), max_issues_(max_issues) {}

  void root(const Value& v) {
    if (!v.is_object()) {
      structure("A resource must be a JSON object, but " + std::string(sent_as(v)) + " was sent.");
      return;
    }
    resource(v);
  }

  std::vector<fhir::Issue> take() { return std::move(issues_); }

 private:
  const TypeModel& model_;
  const std::size_t max_issues_;
  std::vector<fhir::Issue> issues_;
  std::string path_;  // FHIRPath of the element being checked
  int depth_ = 0;
  // The innermost resource being walked and where its elements start in
  // path_ (after "Patient" or "Bundle.entry[0].resource").
  const TypeDef* resource_type_ = nullptr;
  std::size_t resource_start_ = 0;

  bool full() const { return issues_.size() >= max_issues_; }
  void add(const fhir::ErrorDef& def, std::string diagnostics) {
    if (!full()) issues_.push_back(fhir::make_issue(def, std::move(diagnostics), path_));
  }
  void structure(std::string d) { add(fhir::err::kInvalidResource, std::move(d)); }
  void value(std::string d) { add(fhir::err::kInvalidValue, std::move(d)); }

  // path_ is where the resource sits ("" for the root, whose path then
  // starts with its type: Patient.name[0]).
  void resource(const Value& obj) {
    const TypeDef* type = nullptr;
    {
      PathScope at(path_, "resourceType");
      const Value* rt = obj.find("resourceType");
      if (rt == nullptr) {
        structure(path_ + " is missing: every resource, contained ones too, names its type.");
        return;
      }
      if (rt->is_string()) type = model_.find_resource(rt->text());
      if (type == nullptr) {
        structure(path_ + " must be a JSON string naming an R4 resource type.");
        return;
      }
    }
    bool is_root = path_.empty();
    if (is_root) path_ = type->name();
    const TypeDef* outer_type = resource_type_;
    std::size_t outer_start = resource_start_;
    resource_type_ = type;
    resource_start_ = path_.size();
    object(obj, *type);
    resource_type_ = outer_type;
    resource_start_ = outer_start;
    if (is_root) path_.clear();
  }

  void object(const Value& obj, const TypeDef& type) {
    if (obj.members().empty()) {
      structure(path_ + " is an empty object; FHIR JSON leaves out elements with no content.");
      return;
    }
    if (depth_ >= fhir::json::kMaxDepth) {
      structure(path_ + " is nested too deeply.");
      return;
    }
    ++depth_;
    const std::size_t owner_len = path_.size();
    std::uint64_t seen_choices = 0;
    for (const auto& [name, v] : obj.members()) {
      if (full()) break;
      PathScope at(path_, name);
      const ElementDef* e = type.find(name);
      if (e == nullptr) {
        structure(path_ + " is not an element FHIR R4 defines for " + owner(type, owner_len) + ".");
        continue;
      }
      if (e->kind == ElementKind::resource_type) continue;  // checked by resource()
      if (e->choice_group != 0) {
        std::uint64_t bit = std::uint64_t{1} << (e->choice_group - 1);
        if ((seen_choices & bit) != 0)
          structure(path_ + " is a second type for the choice element " + e->choice_name +
                    "[x], which takes only one.");
        seen_choices |= bit;
      }
      member(obj, *e, v);
    }
    --depth_;
  }

  // What an unknown element was looked up in, for people: the type's name
  // ("HumanName"), or for a backbone element its definition's path
  // ("Patient.contact"), since the schema's Patient_Contact is no FHIR name.
  std::string owner(const TypeDef& type, std::size_t owner_len) const {
    if (!type.is_backbone() || resource_type_ == nullptr) return type.name();
    std::string out = resource_type_->name();
    int brackets = 0;
    for (char c : std::string_view(path_).substr(resource_start_, owner_len - resource_start_)) {
      if (c == '[') ++brackets;
      if (brackets == 0) out += c;
      if (c == ']') --brackets;
    }
    return out;
  }

  void member(const Value& obj, const ElementDef& e, const Value& v) {
    if (!e.is_array) {
      if (v.is_array())
        structure(path_ + " does not repeat, so it must not be a JSON array.");
      else if (v.is_null())
        structure(path_ + " is null; FHIR JSON leaves out elements with no value.");
      else
        single(e, v);
      return;
    }
    if (!v.is_array()) {
      structure(path_ + " repeats, so it must be a JSON array, but " + std::string(sent_as(v)) +
                " was sent.");
      return;
    }
    if (v.items().empty()) {
      structure(path_ + " is an empty array; FHIR JSON leaves out elements with no content.");
      return;
    }
    const bool paired = e.kind == ElementKind::primitive || e.kind == ElementKind::companion;
    const Value* partner = paired ? partner_of(obj, e) : nullptr;
    const bool aligned = partner == nullptr || !partner->is_array() ||
                         partner->items().size() == v.items().size();
    // Arrays of different lengths are one problem, reported on the `_` side.
    if (!aligned && e.kind == ElementKind::companion)
      structure(path_ + " must have one item (or null) for each item of " + e.name.substr(1) + ".");
    for (std::size_t i = 0; i < v.items().size() && !full(); ++i) {
      PathScope at(path_, i);
      const Value& item = v.items()[i];
      if (!item.is_null())
        single(e, item);
      else if (!paired)
        structure(path_ + " is null; FHIR JSON does not allow null in arrays.");
      else if (aligned && !null_allowed(e, partner, i))
        structure(path_ + " is null, which FHIR JSON allows only to align a repeating "
                  "primitive with its `_` element holding an item at the same index.");
    }
  }

  // R4 json.html: a null keeps a repeating primitive and its `_` array
  // aligned, so it may stand where the other array has an item. A null on
  // both sides is reported once, on the primitive side.
  static bool null_allowed(const ElementDef& e, const Value* partner, std::size_t i) {
    if (partner == nullptr || !partner->is_array()) return false;
    return e.kind == ElementKind::companion || !partner->items()[i].is_null();
  }

  // The `_given` for `given` and the other way round; nullptr if absent.
  // Compares in place rather than building "_given" for every array.
  static const Value* partner_of(const Value& obj, const ElementDef& e) {
    std::string_view name = e.name;
    if (e.kind == ElementKind::companion) return obj.find(name.substr(1));
    for (const auto& [key, v] : obj.members())
      if (key.size() == name.size() + 1 && key[0] == '_' && std::string_view(key).substr(1) == name)
        return &v;
    return nullptr;
  }

  // One value of an element: not null, and not a repetition itself.
  void single(const ElementDef& e, const Value& v) {
    switch (e.kind) {
      case ElementKind::primitive: return primitive(e, v);
      case ElementKind::complex:
      case ElementKind::companion:
        if (!v.is_object())
          return structure(path_ + " must be a JSON object (" + e.type_name + "), but " +
                           std::string(sent_as(v)) + " was sent.");
        // R4 ele-1: an element needs a value or children, and its id does
        // not count. (A `_x` with only an id is fine: x holds the value.)
        if (e.kind == ElementKind::complex && v.members().size() == 1 && v.members()[0].first == "id")
          return structure(path_ + " has nothing but an id; an element needs content (ele-1).");
        return object(v, *e.type);
      case ElementKind::resource:
        if (!v.is_object())
          return structure(path_ + " must be a resource (a JSON object), but " +
                           std::string(sent_as(v)) + " was sent.");
        return resource(v);
      case ElementKind::resource_type: return;
    }
  }

  void primitive(const ElementDef& e, const Value& v) {
    if (v.is_object() || v.is_array())
      return structure(path_ + " (" + e.type_name + ") must be " +
                       std::string(expected_form(e.primitive)) + ", but " + std::string(sent_as(v)) +
                       " was sent.");
    FormatProblem problem = check_primitive(e.primitive, v);
    if (problem == FormatProblem::none && e.allows_code(v.text())) return;
    std::string what = path_ + " (" + e.type_name + ")";
    std::string form(expected_form(e.primitive));
    switch (problem) {
      case FormatProblem::none:
        return value(what + " is not a code of its required value set: " + list_codes(e.codes) + ".");
      case FormatProblem::wrong_json_type:
        return value(what + " must be " + form + ", but " + std::string(sent_as(v)) + " was sent.");
      case FormatProblem::empty:
        return value(what + " is an empty string; FHIR JSON leaves out elements with no value.");
      case FormatProblem::bad_format: return value(what + " is not valid: it must be " + form + ".");
      case FormatProblem::out_of_range: return value(what + " is out of range: it must be " + form + ".");
      case FormatProblem::too_long:
        return value(what + " is longer than the 1 MB R4 allows for a string.");
    }
  }
};

}  // namespace

std::vector<fhir::Issue> validate(const TypeModel& model, const Value& resource,
                                  const ValidateOptions& options) {
  Walker w(model, options.max_issues);
  w.root(resource);
  return w.take();
}

}  // namespace profiles
