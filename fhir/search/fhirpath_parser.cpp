#include "fhir/search/fhirpath_parser.hpp"

#include <array>
#include <utility>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/search/fhir_types.hpp"
#include "fhir/search/fhirpath_lexer.hpp"

namespace fhir::search::fhirpath {
namespace {

enum class ArgKind : unsigned char { none, expression, type, url };

struct FnDef {
  std::string_view name;
  Fn fn;
  int min_args;
  int max_args;
  ArgKind arg;
};

// The functions we evaluate. The R4 search parameters use where, exists,
// as and resolve; the rest are the ones profiles and later R4 releases put
// in search expressions, cheap to carry.
constexpr std::array<FnDef, 12> kFunctions{{
    {"where", Fn::where, 1, 1, ArgKind::expression},
    {"select", Fn::select, 1, 1, ArgKind::expression},
    {"exists", Fn::exists, 0, 1, ArgKind::expression},
    {"empty", Fn::empty, 0, 0, ArgKind::none},
    {"not", Fn::not_fn, 0, 0, ArgKind::none},
    {"first", Fn::first, 0, 0, ArgKind::none},
    {"last", Fn::last, 0, 0, ArgKind::none},
    {"as", Fn::as, 1, 1, ArgKind::type},
    {"is", Fn::is, 1, 1, ArgKind::type},
    {"ofType", Fn::of_type, 1, 1, ArgKind::type},
    {"resolve", Fn::resolve, 0, 0, ArgKind::none},
    {"extension", Fn::extension, 1, 1, ArgKind::url},
}};

const FnDef* find_function(std::string_view name) {
  for (const auto& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

Expr make(ExprKind kind, std::vector<Expr> kids = {}) {
  Expr e;
  e.kind = kind;
  e.kids = std::move(kids);
  return e;
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), toks_(std::move(tokens)) {}

  Result<Expr> run() {
    auto e = parse_or();
    if (!e) return e;
    if (peek().kind != Tok::end) return unexpected();
    return e;
  }

 private:
  const Token& peek() const { return toks_[i_]; }
  bool at_symbol(std::string_view s) const { return peek().kind == Tok::symbol && peek().text == s; }
  bool at_word(std::string_view w) const { return peek().kind == Tok::identifier && peek().text == w; }

  Issue fail(const std::string& why) const { return fail_at(peek().pos, why); }
  Issue fail_at(std::size_t pos, const std::string& why) const {
    return make_issue(err::kInvalidValue, "FHIRPath: " + why + " at position " + std::to_string(pos),
                      std::string(text_));
  }
  Issue unexpected() const {
    if (peek().kind == Tok::end) return fail("unexpected end of expression");
    return fail("unsupported or unexpected '" + peek().text + "'");
  }

  // Lowest to highest precedence (fhirpath.html#operator-precedence):
  // or, and, = !=, |, is as, then invocation and indexer.
  Result<Expr> parse_or() {
    // Every nesting (parentheses, arguments, indexers) passes here; the cap
    // keeps hostile text from exhausting the stack, here and in eval.
    if (++depth_ > kMaxNesting) return fail("expression nested too deeply");
    auto left = parse_and();
    while (left && at_word("or")) {
      ++i_;
      auto right = parse_and();
      if (!right) return right;
      left = make(ExprKind::or_op, {std::move(*left), std::move(*right)});
    }
    --depth_;
    return left;
  }

  Result<Expr> parse_and() {
    auto left = parse_equality();
    while (left && at_word("and")) {
      ++i_;
      auto right = parse_equality();
      if (!right) return right;
      left = make(ExprKind::and_op, {std::move(*left), std::move(*right)});
    }
    return left;
  }

  Result<Expr> parse_equality() {
    auto left = parse_union();
    while (left && (at_symbol("=") || at_symbol("!="))) {
      ExprKind kind = peek().text == "=" ? ExprKind::equal : ExprKind::not_equal;
      ++i_;
      auto right = parse_union();
      if (!right) return right;
      left = make(kind, {std::move(*left), std::move(*right)});
    }
    return left;
  }

  Result<Expr> parse_union() {
    auto left = parse_type_op();
    while (left && at_symbol("|")) {
      ++i_;
      auto right = parse_type_op();
      if (!right) return right;
      left = make(ExprKind::union_op, {std::move(*left), std::move(*right)});
    }
    return left;
  }

  Result<Expr> parse_type_op() {
    auto left = parse_postfix();
    while (left && (at_word("is") || at_word("as"))) {
      ExprKind kind = peek().text == "is" ? ExprKind::is_op : ExprKind::as_op;
      ++i_;
      Expr e = make(kind, {std::move(*left)});
      if (auto st = parse_type_spec(e); !st) return st.take_issue();
      left = std::move(e);
    }
    return left;
  }

  Result<Expr> parse_postfix() {
    auto e = parse_term();
    while (e) {
      if (at_symbol(".")) {
        ++i_;
        e = parse_invocation(std::move(*e));
      } else if (at_symbol("[")) {
        ++i_;
        auto index = parse_or();
        if (!index) return index;
        if (!at_symbol("]")) return unexpected();
        ++i_;
        e = make(ExprKind::index, {std::move(*e), std::move(*index)});
      } else {
        break;
      }
    }
    return e;
  }

  Result<Expr> parse_term() {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::string:
        ++i_;
        return literal(json::Value::make_string(t.text));
      case Tok::number:
        ++i_;
        return literal(json::Value::make_number(t.text));
      case Tok::variable:
        if (t.text == "resource" || t.text == "rootResource" || t.text == "context") {
          ++i_;
          return make(ExprKind::resource);
        }
        return fail("unknown variable %" + t.text);
      case Tok::special:
        if (t.text == "this") {
          ++i_;
          return make(ExprKind::this_item);
        }
        return fail("unsupported $" + t.text);
      case Tok::identifier:
        if (t.text == "true" || t.text == "false") {
          ++i_;
          return literal(json::Value::make_bool(t.text == "true"));
        }
        return leading_identifier();
      case Tok::symbol:
        if (t.text == "(") {
          ++i_;
          auto inner = parse_or();
          if (!inner) return inner;
          if (!at_symbol(")")) return unexpected();
          ++i_;
          return inner;
        }
        if (t.text == "{" && toks_[i_ + 1].kind == Tok::symbol && toks_[i_ + 1].text == "}") {
          i_ += 2;
          return make(ExprKind::empty);
        }
        return unexpected();
      case Tok::end:
        return unexpected();
    }
    return unexpected();
  }

  // A name that starts a path: a function on $this (`exists()` inside
  // where), a resource type (`Observation.code`: FHIRPath filters the focus
  // by that type), or an element of $this (`code` in a composite component).
  Result<Expr> leading_identifier() {
    const Token& t = peek();
    bool is_call = toks_[i_ + 1].kind == Tok::symbol && toks_[i_ + 1].text == "(";
    if (!is_call && t.kind == Tok::identifier && looks_like_resource_type(t.text)) {
      Expr e = make(ExprKind::type_filter);
      e.name = t.text;
      ++i_;
      return e;
    }
    return parse_invocation(make(ExprKind::this_item));
  }

  Result<Expr> parse_invocation(Expr focus) {
    if (peek().kind != Tok::identifier) return unexpected();
    std::string name = peek().text;
    std::size_t name_pos = peek().pos;
    ++i_;
    if (!at_symbol("(")) {
      Expr e = make(ExprKind::member, {std::move(focus)});
      e.name = std::move(name);
      return e;
    }
    ++i_;
    const FnDef* def = find_function(name);
    if (def == nullptr) return fail_at(name_pos, "unsupported function " + name + "()");
    Expr e = make(ExprKind::call, {std::move(focus)});
    e.fn = def->fn;
    e.name = std::move(name);
    int args = 0;
    while (!at_symbol(")")) {
      if (args > 0) {
        if (!at_symbol(",")) return unexpected();
        ++i_;
      }
      if (auto st = parse_argument(*def, e); !st) return st.take_issue();
      ++args;
    }
    ++i_;
    if (args < def->min_args || args > def->max_args)
      return fail_at(name_pos, "wrong number of arguments to " + e.name + "()");
    return e;
  }

  Status parse_argument(const FnDef& def, Expr& call) {
    switch (def.arg) {
      case ArgKind::type:
        return parse_type_spec(call);
      case ArgKind::url:
        // extension(url) takes a literal in every use we know; refusing
        // anything else keeps the lookup a string compare.
        if (peek().kind != Tok::string) return fail("extension() needs a string literal");
        call.literal = json::Value::make_string(peek().text);
        ++i_;
        return ok_status();
      case ArgKind::expression:
      case ArgKind::none: {
        auto arg = parse_or();
        if (!arg) return arg.take_issue();
        call.kids.push_back(std::move(*arg));
        return ok_status();
      }
    }
    return ok_status();
  }

  // TypeSpecifier: Name or Namespace.Name (FHIR.Quantity, System.String).
  Status parse_type_spec(Expr& e) {
    if (peek().kind != Tok::identifier) return unexpected();
    e.name = peek().text;
    ++i_;
    if (at_symbol(".") && toks_[i_ + 1].kind == Tok::identifier) {
      e.ns = std::move(e.name);
      e.name = toks_[i_ + 1].text;
      i_ += 2;
    }
    return ok_status();
  }

  static Result<Expr> literal(json::Value v) {
    Expr e = make(ExprKind::literal);
    e.literal = std::move(v);
    return e;
  }

  static constexpr int kMaxNesting = 64;

  std::string_view text_;
  std::vector<Token> toks_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<Expr> parse(std::string_view text) {
  auto tokens = tokenize(text);
  if (!tokens) return tokens.take_issue();
  // Paths build left-deep trees the evaluator walks recursively; R4's
  // longest expression has 325 tokens.
  constexpr std::size_t kMaxTokens = 2048;
  if (tokens->size() > kMaxTokens)
    return make_issue(err::kInvalidValue, "FHIRPath: expression longer than " + std::to_string(kMaxTokens) + " tokens",
                      std::string(text.substr(0, 200)));
  return Parser(text, std::move(*tokens)).run();
}

}  // namespace fhir::search::fhirpath
