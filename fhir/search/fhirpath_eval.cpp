#include "fhir/search/fhirpath_eval.hpp"

#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "fhir/search/fhir_types.hpp"
#include "fhir/search/reference_parts.hpp"

namespace fhir::search::fhirpath {
namespace {

using Kind = json::Value::Kind;

Node bool_node(bool b) {
  static const json::Value kTrue = json::Value::make_bool(true);
  static const json::Value kFalse = json::Value::make_bool(false);
  return Node{b ? &kTrue : &kFalse, "boolean", false};
}

void push_child(const json::Value& v, std::string_view type, Collection& out) {
  if (v.is_array()) {
    for (const auto& item : v.items())
      if (!item.is_null()) out.push_back(Node{&item, type, false});
  } else if (!v.is_null()) {
    out.push_back(Node{&v, type, false});
  }
}

// Element `name` of a node. A choice element (value[x]) is sent as
// valueQuantity, valueString..., so when `name` itself is absent, members
// spelt name + <R4 type> match and tell the node's type.
void navigate(const Node& n, std::string_view name, Collection& out) {
  if (n.opaque || !n.value->is_object()) return;
  if (const json::Value* v = n.value->find(name)) {
    push_child(*v, {}, out);
    return;
  }
  for (const auto& [key, v] : n.value->members()) {
    if (key.size() <= name.size() || key.compare(0, name.size(), name) != 0) continue;
    char first = key[name.size()];
    if (first < 'A' || first > 'Z') continue;
    std::string_view type = choice_suffix_type(std::string_view(key).substr(name.size()));
    if (!type.empty()) push_child(v, type, out);
  }
}

bool is_resource_of(const Node& n, std::string_view type) {
  if (n.opaque || !n.value->is_object()) return false;
  std::string_view rt = n.value->string_at("resourceType");
  if (rt.empty()) return false;
  return rt == type || type == "Resource" || (type == "DomainResource" && rt != "Bundle" &&
                                              rt != "Binary" && rt != "Parameters");
}

// FHIRPath singleton evaluation of a criterion: one boolean is itself, one
// other item is true, anything else is not true.
bool is_true(const Collection& c) {
  if (c.size() != 1) return false;
  return !c[0].value->is_bool() || c[0].value->as_bool();
}

std::optional<bool> as_boolean(const Collection& c) {
  if (c.size() != 1 || !c[0].value->is_bool()) return std::nullopt;
  return c[0].value->as_bool();
}

std::optional<double> number_of(const json::Value& v) {
  double d = 0;
  const std::string& t = v.text();
  auto r = std::from_chars(t.data(), t.data() + t.size(), d);
  if (r.ec != std::errc()) return std::nullopt;
  return d;
}

// FHIRPath decimals step by 1e-8 (fhirpath.html#decimal): 1.0 = 1.00, and
// values closer than the step are equal. fhirpath.js rounds the same way.
bool numbers_equal(const json::Value& x, const json::Value& y) {
  auto a = number_of(x);
  auto b = number_of(y);
  if (!a || !b) return x.text() == y.text();
  return std::nearbyint(*a / 1e-8) == std::nearbyint(*b / 1e-8);
}

// FHIRPath `=` on two items: values of different kinds are unequal;
// numbers compare by value, objects member by member in any order.
bool values_equal(const json::Value& x, const json::Value& y) {
  if (&x == &y) return true;
  if (x.kind() != y.kind()) return false;
  switch (x.kind()) {
    case Kind::null: return true;
    case Kind::string: return x.text() == y.text();
    case Kind::boolean: return x.as_bool() == y.as_bool();
    case Kind::number: return numbers_equal(x, y);
    case Kind::array:
      if (x.items().size() != y.items().size()) return false;
      for (std::size_t i = 0; i < x.items().size(); ++i)
        if (!values_equal(x.items()[i], y.items()[i])) return false;
      return true;
    case Kind::object:
      if (x.members().size() != y.members().size()) return false;
      for (const auto& [key, v] : x.members()) {
        const json::Value* other = y.find(key);
        if (other == nullptr || !values_equal(v, *other)) return false;
      }
      return true;
  }
  return false;
}

bool items_equal(const Node& a, const Node& b) { return values_equal(*a.value, *b.value); }

// FHIRPath `=` on collections: empty if either side is, else item by item.
std::optional<bool> collections_equal(const Collection& a, const Collection& b) {
  if (a.empty() || b.empty()) return std::nullopt;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!items_equal(a[i], b[i])) return false;
  return true;
}

// A hash agreeing with values_equal: numbers by their 1e-8 step, object
// members in any order.
std::size_t value_hash(const json::Value& v) {
  switch (v.kind()) {
    case Kind::null: return 0x9e37;
    case Kind::boolean: return v.as_bool() ? 1 : 2;
    case Kind::string: return std::hash<std::string>{}(v.text());
    case Kind::number: {
      auto d = number_of(v);
      return d ? std::hash<double>{}(std::nearbyint(*d / 1e-8)) : std::hash<std::string>{}(v.text());
    }
    case Kind::array: {
      std::size_t h = 0x51;
      for (const auto& i : v.items()) h = h * 1000003u ^ value_hash(i);
      return h;
    }
    case Kind::object: {
      std::size_t h = 0x71;
      for (const auto& [key, m] : v.members()) h += std::hash<std::string>{}(key) * 31u ^ value_hash(m);
      return h;
    }
  }
  return 0;
}

// FHIRPath union: `from` appended to out[start..] without duplicates,
// first occurrence kept. Pairwise for the usual handful of items; hashed
// beyond, so a resource with thousands of codings stays linear.
void append_distinct(const Collection& from, Collection& out, std::size_t start) {
  constexpr std::size_t kPairwise = 32;
  if (out.size() - start + from.size() <= kPairwise) {
    for (const Node& n : from) {
      bool seen = false;
      for (std::size_t i = start; i < out.size() && !seen; ++i) seen = items_equal(out[i], n);
      if (!seen) out.push_back(n);
    }
    return;
  }
  std::unordered_multimap<std::size_t, std::size_t> seen;  // hash -> index in out
  for (std::size_t i = start; i < out.size(); ++i) seen.emplace(value_hash(*out[i].value), i);
  for (const Node& n : from) {
    std::size_t h = value_hash(*n.value);
    auto [lo, hi] = seen.equal_range(h);
    bool dup = false;
    for (auto it = lo; it != hi && !dup; ++it) dup = items_equal(out[it->second], n);
    if (dup) continue;
    seen.emplace(h, out.size());
    out.push_back(n);
  }
}

// resolve() without fetching: a contained reference ("#id") resolves to
// the contained resource; any other reference to a node known only by the
// type its text names ("Patient/1", ".../Patient/1/_history/2"), which is
// all `resolve() is Patient` asks.
void resolve(const Node& n, const EvalContext& ctx, Collection& out) {
  if (n.opaque) return;
  const json::Value& v = *n.value;
  std::string_view ref = v.is_string() ? std::string_view(v.text()) : v.string_at("reference");
  if (ref.empty()) return;
  auto parts = parse_reference(ref);
  if (parts && parts->local) {
    if (parts->id.empty()) {
      out.push_back(Node{ctx.resource, ctx.resource->string_at("resourceType"), false});
      return;
    }
    const json::Value* contained = ctx.resource->find("contained");
    if (contained == nullptr || !contained->is_array()) return;
    for (const auto& r : contained->items())
      if (r.is_object() && r.string_at("id") == parts->id)
        out.push_back(Node{&r, r.string_at("resourceType"), false});
    return;
  }
  // Reference.type names the target when the text cannot (urn:uuid:...).
  std::string_view type = parts ? parts->type : (v.is_object() ? v.string_at("type") : std::string_view{});
  if (!type.empty()) out.push_back(Node{&v, type, true});
}

bool node_is(const Node& n, const Expr& e) {
  if (e.ns.empty() || e.ns == "FHIR") {
    if (is_resource_of(n, e.name)) return true;
    // A resolve() target known only by its type is still a resource.
    if (n.opaque && (e.name == "Resource" || e.name == "DomainResource")) return true;
  }
  return type_matches(n.type, e.ns, e.name);
}

void filter_type(const Collection& in, const Expr& e, Collection& out) {
  for (const Node& n : in)
    if (node_is(n, e)) out.push_back(n);
}

void where(const Collection& in, const Expr& criterion, const EvalContext& ctx, Collection& out) {
  Collection crit;
  for (const Node& n : in) {
    crit.clear();
    eval(criterion, ctx, std::span<const Node>(&n, 1), crit);
    if (is_true(crit)) out.push_back(n);
  }
}

void call(const Expr& e, const EvalContext& ctx, std::span<const Node> focus, Collection& out) {
  Collection in;
  eval(e.kids[0], ctx, focus, in);
  switch (e.fn) {
    case Fn::where:
      where(in, e.kids[1], ctx, out);
      return;
    case Fn::exists:
      if (e.kids.size() == 1) {
        out.push_back(bool_node(!in.empty()));
      } else {
        Collection kept;
        where(in, e.kids[1], ctx, kept);
        out.push_back(bool_node(!kept.empty()));
      }
      return;
    case Fn::select:
      for (const Node& n : in) eval(e.kids[1], ctx, std::span<const Node>(&n, 1), out);
      return;
    case Fn::empty:
      out.push_back(bool_node(in.empty()));
      return;
    case Fn::not_fn:
      if (auto b = as_boolean(in)) out.push_back(bool_node(!*b));
      return;
    case Fn::first:
      if (!in.empty()) out.push_back(in.front());
      return;
    case Fn::last:
      if (!in.empty()) out.push_back(in.back());
      return;
    case Fn::as:
    case Fn::of_type:
      filter_type(in, e, out);
      return;
    case Fn::is:
      if (in.size() == 1) out.push_back(bool_node(node_is(in[0], e)));
      return;
    case Fn::resolve:
      for (const Node& n : in) resolve(n, ctx, out);
      return;
    case Fn::extension: {
      Collection ext;
      for (const Node& n : in) navigate(n, "extension", ext);
      for (const Node& x : ext)
        if (x.value->is_object() && x.value->string_at("url") == e.literal.text()) out.push_back(x);
      return;
    }
  }
}

// FHIRPath three-valued and/or (fhirpath.html#boolean-logic).
void logic(const Expr& e, const EvalContext& ctx, std::span<const Node> focus, Collection& out) {
  Collection l, r;
  eval(e.kids[0], ctx, focus, l);
  auto a = as_boolean(l);
  bool is_and = e.kind == ExprKind::and_op;
  if (a && *a != is_and) {  // false and .. / true or ..
    out.push_back(bool_node(*a));
    return;
  }
  eval(e.kids[1], ctx, focus, r);
  auto b = as_boolean(r);
  if (b && *b != is_and) {
    out.push_back(bool_node(*b));
    return;
  }
  if (a && b) out.push_back(bool_node(is_and));
}

}  // namespace

void eval(const Expr& e, const EvalContext& ctx, std::span<const Node> focus, Collection& out) {
  switch (e.kind) {
    case ExprKind::empty:
      return;
    case ExprKind::this_item:
      out.insert(out.end(), focus.begin(), focus.end());
      return;
    case ExprKind::resource:
      out.push_back(Node{ctx.resource, ctx.resource->string_at("resourceType"), false});
      return;
    case ExprKind::literal: {
      std::string_view type = e.literal.is_string() ? "string" : e.literal.is_bool() ? "boolean" : "decimal";
      out.push_back(Node{&e.literal, type, false});
      return;
    }
    case ExprKind::type_filter:
      for (const Node& n : focus)
        if (is_resource_of(n, e.name)) out.push_back(n);
      return;
    case ExprKind::member: {
      // A path's first step reads straight from the focus: no copy.
      if (e.kids[0].kind == ExprKind::this_item) {
        for (const Node& n : focus) navigate(n, e.name, out);
        return;
      }
      Collection in;
      eval(e.kids[0], ctx, focus, in);
      for (const Node& n : in) navigate(n, e.name, out);
      return;
    }
    case ExprKind::index: {
      Collection in, idx;
      eval(e.kids[0], ctx, focus, in);
      eval(e.kids[1], ctx, focus, idx);
      if (idx.size() != 1 || !idx[0].value->is_number()) return;
      auto i = number_of(*idx[0].value);
      if (i && *i >= 0 && *i < static_cast<double>(in.size())) out.push_back(in[static_cast<std::size_t>(*i)]);
      return;
    }
    case ExprKind::call:
      call(e, ctx, focus, out);
      return;
    case ExprKind::union_op: {
      Collection l, r;
      eval(e.kids[0], ctx, focus, l);
      eval(e.kids[1], ctx, focus, r);
      std::size_t start = out.size();
      append_distinct(l, out, start);
      append_distinct(r, out, start);
      return;
    }
    case ExprKind::and_op:
    case ExprKind::or_op:
      logic(e, ctx, focus, out);
      return;
    case ExprKind::equal:
    case ExprKind::not_equal: {
      Collection l, r;
      eval(e.kids[0], ctx, focus, l);
      eval(e.kids[1], ctx, focus, r);
      if (auto eq = collections_equal(l, r)) out.push_back(bool_node(*eq == (e.kind == ExprKind::equal)));
      return;
    }
    case ExprKind::is_op: {
      Collection in;
      eval(e.kids[0], ctx, focus, in);
      if (in.size() == 1) out.push_back(bool_node(node_is(in[0], e)));
      return;
    }
    case ExprKind::as_op: {
      Collection in;
      eval(e.kids[0], ctx, focus, in);
      filter_type(in, e, out);
      return;
    }
  }
}

}  // namespace fhir::search::fhirpath
