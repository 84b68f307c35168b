// Reads the R4 JSON schema into TypeDefs. The schema's shapes are few and
// regular (it is generated): a property is a $ref to a type, an array of
// one, an enum of codes (a required binding), an inline primitive pattern
// (some choice types), or the const resourceType. Anything else is refused
// at startup rather than silently ignored.
#include "profiles/type_model.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace profiles {

using fhir::Issue;
using fhir::Result;
using fhir::Status;
using fhir::json::Value;

namespace {

constexpr std::string_view kRefPrefix = "#/definitions/";
// A per-object bitmask tracks which choice elements were seen (validator).
constexpr std::size_t kMaxChoiceGroups = 64;

Issue schema_error(std::string_view where, std::string_view what) {
  return fhir::make_issue(fhir::err::kInternal,
                          "R4 schema, " + std::string(where) + ": " + std::string(what));
}

std::string capitalized(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

struct PrimitiveSchema {
  PrimitiveKind kind;
  std::string_view pattern;  // empty when the schema gives none
};

}  // namespace

TypeModel::TypeModel() = default;
TypeModel::~TypeModel() = default;

class TypeModelBuilder {
 public:
  explicit TypeModelBuilder(const Value& schema) : schema_(schema), model_(new TypeModel()) {}

  Result<std::shared_ptr<const TypeModel>> build() {
    const Value* defs = schema_.is_object() ? schema_.find("definitions") : nullptr;
    if (defs == nullptr || !defs->is_object() || defs->members().empty())
      return schema_error("root", "no definitions object");
    if (Status s = collect_definitions(*defs); !s) return s.issue();
    for (const auto& [name, def] : defs->members()) {
      const Value* props = def.find("properties");
      if (props == nullptr) continue;
      TypeDef& type = *types_by_name_.at(name);
      if (Status s = build_elements(type, *props); !s) return s.issue();
    }
    if (Status s = collect_resources(*defs); !s) return s.issue();
    return std::shared_ptr<const TypeModel>(std::move(model_));
  }

 private:
  const Value& schema_;
  std::unique_ptr<TypeModel> model_;
  std::map<std::string, PrimitiveSchema, std::less<>> primitives_;
  std::map<std::string, TypeDef*, std::less<>> types_by_name_;

  // First pass: every TypeDef exists before any element points at one.
  Status collect_definitions(const Value& defs) {
    for (const auto& [name, def] : defs.members()) {
      if (!def.is_object()) return schema_error(name, "definition is not an object");
      if (def.find("properties") != nullptr) {
        model_->types_.push_back(std::make_unique<TypeDef>(name));
        TypeDef* t = model_->types_.back().get();
        types_by_name_[name] = t;
        model_->by_name_.emplace(name, t);
      } else if (def.find("oneOf") != nullptr) {
        continue;  // ResourceList, read by collect_resources
      } else if (Status s = add_primitive(name, def); !s) {
        return s;
      }
    }
    return fhir::ok_status();
  }

  Status add_primitive(const std::string& name, const Value& def) {
    std::optional<PrimitiveKind> kind = primitive_kind_from_name(name);
    if (!kind) return schema_error(name, "a primitive type with no format check here");
    // The schema's JSON type must be the one our checks expect (xhtml has
    // none in the schema; R4 json.html sends it as a string).
    std::string_view type = def.string_at("type");
    std::string_view want = json_scalar_of(*kind) == JsonScalar::boolean  ? "boolean"
                            : json_scalar_of(*kind) == JsonScalar::number ? "number"
                                                                           : "string";
    if (!type.empty() && type != want) return schema_error(name, "unexpected JSON type");
    primitives_[name] = PrimitiveSchema{*kind, def.string_at("pattern")};
    return fhir::ok_status();
  }

  Status collect_resources(const Value& defs) {
    const Value* list = defs.find("ResourceList");
    const Value* one_of = list != nullptr ? list->find("oneOf") : nullptr;
    if (one_of == nullptr || !one_of->is_array() || one_of->items().empty())
      return schema_error("ResourceList", "no oneOf list of resource types");
    for (const Value& ref : one_of->items()) {
      std::string_view target = ref.string_at("$ref");
      if (!target.starts_with(kRefPrefix)) return schema_error("ResourceList", "entry without $ref");
      target.remove_prefix(kRefPrefix.size());
      auto it = types_by_name_.find(target);
      if (it == types_by_name_.end()) return schema_error(target, "resource type not defined");
      const ElementDef* rt = it->second->find("resourceType");
      if (rt == nullptr || rt->kind != ElementKind::resource_type)
        return schema_error(target, "resource without a const resourceType");
      it->second->is_resource_ = true;
      model_->resource_types_.emplace_back(target);
    }
    std::sort(model_->resource_types_.begin(), model_->resource_types_.end());
    return fhir::ok_status();
  }

  Status build_elements(TypeDef& type, const Value& props) {
    if (!props.is_object()) return schema_error(type.name(), "properties is not an object");
    type.elements_.reserve(props.members().size());
    for (const auto& [name, prop] : props.members()) {
      ElementDef e;
      e.name = name;
      if (Status s = resolve(type, name, prop, e); !s) return s;
      type.elements_.push_back(std::move(e));
    }
    index(type);
    add_missing_companions(type);
    if (Status s = check_companions(type); !s) return s;
    return assign_choice_groups(type, props);
  }

  Status resolve(const TypeDef& owner, const std::string& name, const Value& prop, ElementDef& e) {
    std::string where = owner.name() + "." + name;
    if (!prop.is_object()) return schema_error(where, "property is not an object");
    if (const Value* items = prop.find("items")) {
      if (prop.string_at("type") != "array" || e.is_array) return schema_error(where, "odd array");
      e.is_array = true;
      return resolve(owner, name, *items, e);
    }
    if (const Value* ref = prop.find("$ref")) {
      std::string_view target = ref->is_string() ? std::string_view(ref->text()) : std::string_view();
      if (!target.starts_with(kRefPrefix)) return schema_error(where, "$ref outside #/definitions");
      target.remove_prefix(kRefPrefix.size());
      return resolve_ref(where, name, target, e);
    }
    if (const Value* values = prop.find("enum")) {
      if (!values->is_array() || values->items().empty()) return schema_error(where, "empty enum");
      for (const Value& v : values->items()) {
        if (!v.is_string()) return schema_error(where, "enum value is not a string");
        e.codes.push_back(v.text());
      }
      std::sort(e.codes.begin(), e.codes.end());
      e.kind = ElementKind::primitive;
      e.primitive = PrimitiveKind::code;
      e.type_name = "code";
      return fhir::ok_status();
    }
    if (const Value* c = prop.find("const")) {
      if (name != "resourceType" || !c->is_string() || c->text() != owner.name())
        return schema_error(where, "const other than the resource's own resourceType");
      e.kind = ElementKind::resource_type;
      e.type_name = "code";
      return fhir::ok_status();
    }
    if (prop.find("pattern") != nullptr) return resolve_inline_primitive(where, name, prop, e);
    return schema_error(where, "property shape not understood");
  }

  Status resolve_ref(const std::string& where, const std::string& name, std::string_view target,
                     ElementDef& e) {
    e.type_name = std::string(target);
    if (target == "ResourceList") {
      e.kind = ElementKind::resource;
      e.type_name = "Resource";
      return fhir::ok_status();
    }
    if (auto p = primitives_.find(target); p != primitives_.end()) {
      e.kind = ElementKind::primitive;
      e.primitive = p->second.kind;
      return fhir::ok_status();
    }
    auto t = types_by_name_.find(target);
    if (t == types_by_name_.end()) return schema_error(where, "$ref to an undefined type");
    e.type = t->second;
    e.kind = name.starts_with('_') ? ElementKind::companion : ElementKind::complex;
    if (e.kind == ElementKind::companion && target != "Element")
      return schema_error(where, "`_` element that is not an Element");
    return fhir::ok_status();
  }

  // Some choice types carry their primitive's pattern inline instead of a
  // $ref (e.g. ValueSet_Parameter.valueBoolean). The type is named by the
  // suffix (valueDateTime -> dateTime); the pattern must then agree.
  Status resolve_inline_primitive(const std::string& where, const std::string& name,
                                  const Value& prop, ElementDef& e) {
    const std::pair<const std::string, PrimitiveSchema>* best = nullptr;
    for (const auto& entry : primitives_) {
      std::string suffix = capitalized(entry.first);
      if (name.size() > suffix.size() && name.ends_with(suffix) &&
          (best == nullptr || entry.first.size() > best->first.size()))
        best = &entry;
    }
    if (best == nullptr) return schema_error(where, "inline pattern of no known primitive");
    std::string_view pattern = prop.string_at("pattern");
    if (!best->second.pattern.empty() && best->second.pattern != pattern)
      return schema_error(where, "inline pattern differs from its primitive's");
    e.kind = ElementKind::primitive;
    e.primitive = best->second.kind;
    e.type_name = best->first;
    return fhir::ok_status();
  }

  static void index(TypeDef& type) {
    type.index_.clear();
    for (std::uint32_t i = 0; i < type.elements_.size(); ++i)
      type.index_.emplace(type.elements_[i].name, i);
  }

  // The R4 schema leaves out `_name` for canonical elements (72 of them,
  // e.g. QuestionnaireResponse._questionnaire), yet canonical is a primitive
  // and R4 json.html lets every primitive carry id/extensions in `_name`.
  // Element and resource ids (System.String in the StructureDefinitions)
  // and Narrative.div (xhtml) really have none.
  void add_missing_companions(TypeDef& type) {
    const TypeDef* element = types_by_name_.count("Element") ? types_by_name_.at("Element") : nullptr;
    if (element == nullptr) return;
    std::size_t n = type.elements_.size();
    for (std::size_t i = 0; i < n; ++i) {
      const ElementDef& e = type.elements_[i];
      if (e.kind != ElementKind::primitive || e.name == "id" || e.primitive == PrimitiveKind::xhtml)
        continue;
      std::string companion = "_" + e.name;
      if (type.find(companion) != nullptr) continue;
      ElementDef c;
      c.name = std::move(companion);
      c.type_name = "Element";
      c.kind = ElementKind::companion;
      c.is_array = e.is_array;
      c.type = element;
      type.elements_.push_back(std::move(c));  // e is not used after this
    }
    if (type.elements_.size() != n) index(type);
  }

  // R4 json.html: `_name` carries the id/extensions of primitive `name` and
  // repeats exactly when it does; the validator relies on that pairing.
  static Status check_companions(const TypeDef& type) {
    for (const ElementDef& e : type.elements_) {
      if (e.kind != ElementKind::companion) continue;
      const ElementDef* base = type.find(std::string_view(e.name).substr(1));
      if (base == nullptr || base->kind != ElementKind::primitive || base->is_array != e.is_array)
        return schema_error(type.name() + "." + e.name, "companion without a matching primitive");
    }
    return fhir::ok_status();
  }

  // The schema spells a choice element value[x] as valueQuantity,
  // valueString, ... and does not group them. A group is the single
  // elements named <prefix><Type> for their own type that share one
  // description (the generator copies the choice's description to each);
  // that excludes look-alikes such as instantiatesCanonical/instantiatesUri,
  // which repeat and are described differently.
  Status assign_choice_groups(TypeDef& type, const Value& props) {
    std::map<std::string, std::vector<std::size_t>> by_prefix;
    for (std::size_t i = 0; i < type.elements_.size(); ++i) {
      const ElementDef& e = type.elements_[i];
      if (e.is_array || (e.kind != ElementKind::primitive && e.kind != ElementKind::complex)) continue;
      std::string suffix = capitalized(e.type_name);
      if (e.name.size() > suffix.size() && e.name.ends_with(suffix))
        by_prefix[e.name.substr(0, e.name.size() - suffix.size())].push_back(i);
    }
    std::uint8_t next = 0;
    for (const auto& [prefix, members] : by_prefix) {
      if (members.size() < 2) continue;
      std::string_view description = props.find(type.elements_[members[0]].name)->string_at("description");
      bool same = std::all_of(members.begin(), members.end(), [&](std::size_t i) {
        return props.find(type.elements_[i].name)->string_at("description") == description;
      });
      if (!same) continue;
      if (next == kMaxChoiceGroups) return schema_error(type.name(), "too many choice elements");
      ++next;
      for (std::size_t i : members) {
        type.elements_[i].choice_group = next;
        type.elements_[i].choice_name = prefix;
      }
    }
    return fhir::ok_status();
  }
};

Result<std::shared_ptr<const TypeModel>> TypeModel::from_schema(const Value& schema) {
  return TypeModelBuilder(schema).build();
}

Result<std::shared_ptr<const TypeModel>> TypeModel::load(const std::string& schema_path) {
  std::ifstream in(schema_path, std::ios::binary);
  if (!in) return schema_error(schema_path, "cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) return schema_error(schema_path, "cannot read the file");
  Result<Value> schema = fhir::json::parse(text.str());
  if (!schema) return schema_error(schema_path, schema.issue().diagnostics);
  return from_schema(*schema);
}

const TypeDef* TypeModel::find_type(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

const TypeDef* TypeModel::find_resource(std::string_view name) const {
  const TypeDef* t = find_type(name);
  return t != nullptr && t->is_resource() ? t : nullptr;
}

}  // namespace profiles
