#include "fhir/store/search_sql.hpp"

#include <cmath>
#include <string_view>
#include <type_traits>

#include "fhir/core/errors.hpp"
#include "fhir/search/value_match.hpp"
#include "fhir/store/index_encoding.hpp"

namespace fhir::store {
namespace {

using search::Arg;
using search::Criterion;
using search::Modifier;
using search::ParamType;
using search::Prefix;
using search::SearchParam;

// SQL text with its bound values, appended in text order.
struct Frag {
  std::string sql;
  std::vector<SqlValue> binds;

  Frag& add(std::string_view s) {
    sql += s;
    return *this;
  }
  Frag& bind(SqlValue v) {
    sql += '?';
    binds.push_back(std::move(v));
    return *this;
  }
  Frag& add(const Frag& f) {
    sql += f.sql;
    binds.insert(binds.end(), f.binds.begin(), f.binds.end());
    return *this;
  }
};

// The end of a prefix range: byte 0xFF never occurs in UTF-8, so every
// text starting with p sorts in [p, p + "\xff").
std::string prefix_end(const std::string& p) { return p + "\xff"; }

// One index lookup: which table, under which parameter name, with which
// condition on the table's columns (no alias: the probe is its own query).
struct Probe {
  std::string_view table;
  std::string param;
  Frag cond;
};

// R4's token forms: code, sys|code, |code (system ""), sys| (code nullopt).
Frag token_cond(const search::TokenArg& a, std::string_view code_col = "code",
                std::string_view system_col = "system") {
  Frag f;
  if (a.code) {
    f.add(std::string(code_col) + " = ").bind(*a.code);
    if (a.system) f.add(" AND " + std::string(system_col) + " = ").bind(*a.system);
  } else {
    f.add(std::string(system_col) + " = ").bind(a.system.value_or(""));
  }
  return f;
}

Frag string_cond(const search::StringArg& a, Modifier m) {
  Frag f;
  switch (m) {
    case Modifier::exact:
      // The folded value is determined by the raw text: one seek.
      f.add("value = ").bind(a.normalized).add(" AND raw = ").bind(a.raw);
      break;
    case Modifier::contains:
      f.add("instr(value, ").bind(a.normalized).add(") > 0");
      break;
    default:
      f.add("value >= ").bind(a.normalized).add(" AND value < ").bind(prefix_end(a.normalized));
      break;
  }
  return f;
}

// value_match.hpp, dates: [lo, hi] against [L, H], both inclusive.
Frag date_cond(std::string_view lo, std::string_view hi, const search::DateArg& a, std::int64_t now_ms,
               bool as_real) {
  auto v = [as_real](std::int64_t x) -> SqlValue {
    if (as_real) return static_cast<double>(x);
    return x;
  };
  const std::string l(lo), h(hi);
  Frag eq;
  eq.add("(" + l + " >= ").bind(v(a.low)).add(" AND " + h + " <= ").bind(v(a.high)).add(")");
  Frag f;
  switch (a.prefix) {
    case Prefix::eq: return eq;
    case Prefix::ne: return f.add("NOT ").add(eq);
    case Prefix::gt: return f.add(h + " > ").bind(v(a.high));
    case Prefix::lt: return f.add(l + " < ").bind(v(a.low));
    case Prefix::ge: return f.add("(" + h + " > ").bind(v(a.high)).add(" OR ").add(eq).add(")");
    case Prefix::le: return f.add("(" + l + " < ").bind(v(a.low)).add(" OR ").add(eq).add(")");
    case Prefix::sa: return f.add(l + " > ").bind(v(a.high));
    case Prefix::eb: return f.add(h + " < ").bind(v(a.low));
    case Prefix::ap: {
      const search::DateArg wide = search::approximate_range(a, now_ms);
      return f.add("(" + l + " <= ").bind(v(wide.high)).add(" AND " + h + " >= ").bind(v(wide.low)).add(")");
    }
  }
  return eq;
}

// value_match.hpp, numbers and quantities: [lo, hi] against v and [low, high).
Frag number_cond(std::string_view lo, std::string_view hi, const search::NumberArg& a) {
  const std::string l(lo), h(hi);
  Frag eq;
  eq.add("(" + l + " >= ").bind(a.low).add(" AND " + h + " < ").bind(a.high).add(")");
  Frag f;
  switch (a.prefix) {
    case Prefix::eq: return eq;
    case Prefix::ne: return f.add("NOT ").add(eq);
    case Prefix::lt: return f.add(l + " < ").bind(a.value);
    case Prefix::le: return f.add(l + " <= ").bind(a.value);
    case Prefix::gt: return f.add(h + " > ").bind(a.value);
    case Prefix::ge: return f.add(h + " >= ").bind(a.value);
    case Prefix::sa: return f.add(l + " > ").bind(a.value);
    case Prefix::eb: return f.add(h + " < ").bind(a.value);
    case Prefix::ap: {
      const double d = std::fabs(a.value) / 10;
      return f.add("(" + l + " <= ").bind(a.value + d).add(" AND " + h + " >= ").bind(a.value - d).add(")");
    }
  }
  return eq;
}

Frag unit_cond(const std::optional<std::string>& system, const std::optional<std::string>& code,
               std::string_view system_col, std::string_view code_col, std::string_view unit_col) {
  Frag f;
  if (!code) {
    if (system) f.add(" AND " + std::string(system_col) + " = ").bind(*system);
    return f;
  }
  if (system) {
    f.add(" AND " + std::string(system_col) + " = ").bind(*system);
    f.add(" AND " + std::string(code_col) + " = ").bind(*code);
  } else if (!unit_col.empty()) {
    f.add(" AND (" + std::string(code_col) + " = ").bind(*code);
    f.add(" OR " + std::string(unit_col) + " = ").bind(*code).add(")");
  } else {
    f.add(" AND " + std::string(code_col) + " = ").bind(*code);
  }
  return f;
}

Frag reference_cond(const search::ReferenceArg& a, std::string_view target_col, std::string_view type_col) {
  Frag f;
  if (!a.url.empty()) return f.add(std::string(target_col) + " = ").bind(a.url);
  f.add(std::string(target_col) + " = ").bind(a.id);
  if (!a.type.empty()) f.add(" AND " + std::string(type_col) + " = ").bind(a.type);
  return f;
}

Frag uri_cond(const search::UriArg& a, Modifier m) {
  Frag f;
  if (m == Modifier::below) return f.add("uri >= ").bind(a.uri).add(" AND uri < ").bind(prefix_end(a.uri));
  if (m == Modifier::above) return f.add("instr(").bind(a.uri).add(", uri) = 1");
  return f.add("uri = ").bind(a.uri);
}

// One composite component's condition on the ix_composite columns.
Frag composite_part(std::size_t k, const search::ComponentArg& part, std::int64_t now_ms) {
  return std::visit(
      [&](const auto& a) -> Frag {
        using A = std::decay_t<decltype(a)>;
        Frag f;
        if (k == 0) {
          if constexpr (std::is_same_v<A, search::TokenArg>) {
            return token_cond(a, "code1", "system1");
          } else if constexpr (std::is_same_v<A, search::ReferenceArg>) {
            return reference_cond(a, "code1", "system1");
          }
          return f.add("0");
        }
        if (k == 2) {
          if constexpr (std::is_same_v<A, search::NumberArg>) return number_cond("low3", "high3", a);
          return f.add("0");
        }
        if constexpr (std::is_same_v<A, search::TokenArg>) {
          f.add(token_cond(a, "code2", "system2"));
        } else if constexpr (std::is_same_v<A, search::QuantityArg>) {
          // "||unit" finds a unit other than the code in its own row (composite_rows).
          f.add(number_cond("low2", "high2", a.number)).add(unit_cond(a.system, a.code, "system2", "code2", ""));
        } else if constexpr (std::is_same_v<A, search::NumberArg>) {
          f.add(number_cond("low2", "high2", a));
        } else if constexpr (std::is_same_v<A, search::DateArg>) {
          f.add(date_cond("low2", "high2", a, now_ms, true));
        } else if constexpr (std::is_same_v<A, search::StringArg>) {
          f.add("code2 >= ").bind(a.normalized).add(" AND code2 < ").bind(prefix_end(a.normalized));
        } else if constexpr (std::is_same_v<A, search::ReferenceArg>) {
          f.add(reference_cond(a, "code2", "system2"));
        } else if constexpr (std::is_same_v<A, search::UriArg>) {
          f.add("code2 = ").bind(a.uri);
        }
        return f;
      },
      part);
}

// The table a parameter type's rows live in.
std::string_view table_of(ParamType t) {
  switch (t) {
    case ParamType::string: return "ix_string";
    case ParamType::token: return "ix_token";
    case ParamType::reference: return "ix_reference";
    case ParamType::uri: return "ix_uri";
    case ParamType::date: return "ix_date";
    case ParamType::number:
    case ParamType::quantity: return "ix_quantity";
    case ParamType::composite: return "ix_composite";
    case ParamType::special: return "";
  }
  return "";
}

class Planner {
 public:
  Planner(const SearchSpec& spec, bool count) : spec_(spec), count_(count) {}

  Result<SqlQuery> run() {
    if (spec_.types.empty()) return make_issue(err::kInternal, "A search needs at least one type");
    Frag all;
    all.add(count_ ? "SELECT count(*) FROM (" : "SELECT type, id FROM (");
    for (std::size_t i = 0; i < spec_.types.size(); ++i) {
      if (i > 0) all.add(" UNION ALL ");
      auto one = type_select(spec_.types[i]);
      if (!one) return one.take_issue();
      all.add(*one);
    }
    all.add(")");
    if (count_) return SqlQuery{std::move(all.sql), std::move(all.binds)};
    all.add(" ORDER BY ");
    const auto* q = spec_.query;
    const std::size_t keys = q ? q->sort.size() : 0;
    for (std::size_t k = 0; k < keys; ++k) {
      const std::string col = "k" + std::to_string(k);
      all.add("(" + col + " IS NULL), " + col + (q->sort[k].descending ? " DESC, " : ", "));
    }
    // Without _sort: commit order. Ties of a sort: by type and id, so
    // pages never shuffle between requests.
    all.add(keys == 0 ? "seq, type, id" : "type, id");
    all.add(" LIMIT ").bind(spec_.limit);
    return SqlQuery{std::move(all.sql), std::move(all.binds)};
  }

 private:
  const SearchParam* param_on(std::string_view type, std::string_view code) const {
    if (spec_.params == nullptr) return nullptr;
    const auto* bound = spec_.params->find(type, code);
    return bound ? bound->param : nullptr;
  }

  Result<Frag> type_select(const std::string& type) {
    Frag select, from, where;
    select.add("SELECT h.type AS type, h.id AS id, h.seq AS seq");
    from.add(" FROM resource_head h JOIN resource_version v ON v.seq = h.seq");
    where.add(" WHERE h.type = ").bind(type).add(" AND v.deleted = 0");
    if (!spec_.compartment_patients.empty()) where.add(compartment(type, spec_.compartment_patients));
    if (spec_.since_ms) where.add(" AND v.last_updated_ms >= ").bind(*spec_.since_ms);
    if (spec_.query) {
      if (auto st = sort_keys(type, select, from); !st) return st.take_issue();
      where.add(criteria(type, spec_.query->criteria));
    }
    // Last: SQLite tests the terms in this order, so the consent decision
    // runs only for rows every criterion has already matched.
    if (const RowFilter* f = spec_.match_filter ? spec_.match_filter : spec_.filter) where.add(visible(f, "h", "v"));
    Frag out;
    out.add(select).add(from).add(where);
    return out;
  }

  // A RowFilter on one row (see sqlite_row_filter.hpp). The head row
  // holds its version's labels and patients. The JSON goes only where the
  // filter reads it: every row, those whose label key holds its marker
  // (SQLite evaluates CASE lazily: no other row's JSON is read), or none.
  Frag visible(const RowFilter* filter, std::string_view h, std::string_view v) const {
    const std::string hs(h), vs(v);
    Frag f;
    f.add(" AND cb_visible(").bind(filter);
    f.add(", " + hs + ".type, " + hs + ".id, " + hs + ".label_key, " + hs + ".patients, ");
    if (filter->wants_content()) {
      f.add(vs + ".json)");
    } else if (!filter->content_marker().empty()) {
      f.add("CASE WHEN instr(" + hs + ".label_key, ").bind(std::string(filter->content_marker()));
      f.add(") > 0 THEN " + vs + ".json ELSE '' END)");
    } else {
      f.add("'')");
    }
    return f;
  }

  // The ids among `ids` (of `type`) the request may see: chains and _has
  // cross into other resources, and a withheld one must not decide a match.
  Frag visible_ids(const std::string& type, const Frag& ids) const {
    if (spec_.filter == nullptr) return ids;
    Frag f;
    f.add("SELECT hv.id FROM resource_head hv JOIN resource_version vv ON vv.seq = hv.seq WHERE hv.type = ").bind(type);
    f.add(" AND hv.id IN (").add(ids).add(")").add(visible(spec_.filter, "hv", "vv"));
    return f;
  }

  // The head version is in one of the patients' compartments; the ids of
  // the patients' versions drive, so $everything reads only their rows.
  Frag compartment(const std::string& type, const std::vector<std::string>& patients) {
    Frag ids;  // "= ?" for one patient, "IN (?, ?)" for several
    if (patients.size() == 1) {
      ids.add(" = ").bind(patients.front());
    } else {
      ids.add(" IN (");
      for (std::size_t i = 0; i < patients.size(); ++i) (i == 0 ? ids : ids.add(", ")).bind(patients[i]);
      ids.add(")");
    }
    Frag f;
    Frag members;
    members.add("SELECT c.seq FROM version_compartment c WHERE c.patient_id").add(ids);
    if (type == "Patient") {
      f.add(" AND (h.id").add(ids).add(" OR h.seq IN (").add(members).add("))");
      return f;
    }
    f.add(" AND h.id IN (SELECT cv.id FROM version_compartment c JOIN resource_version cv ON cv.seq = c.seq");
    f.add(" WHERE c.patient_id").add(ids).add(" AND cv.type = ").bind(type).add(")");
    f.add(" AND h.seq IN (").add(members).add(")");
    return f;
  }

  Status sort_keys(const std::string& type, Frag& select, Frag& from) {
    const auto& sort = spec_.query->sort;
    for (std::size_t k = 0; k < sort.size(); ++k) {
      const std::string col = "k" + std::to_string(k);
      const bool desc = sort[k].descending;
      const std::string& code = sort[k].param->code;
      const SearchParam* p = param_on(type, code);
      if (code == "_id") {
        select.add(", h.id AS " + col);
      } else if (code == "_lastUpdated") {
        select.add(", v.last_updated_ms AS " + col);
      } else if (p == nullptr) {
        select.add(", NULL AS " + col);
      } else if (p->type == ParamType::date) {
        // R4: ascending by the earliest instant, descending by the latest.
        select.add(desc ? ", (SELECT MAX(high)" : ", (SELECT MIN(low)");
        select.add(" FROM ix_date WHERE type = ").bind(type).add(" AND param = ").bind(code);
        select.add(" AND id = h.id) AS " + col);
      } else {
        std::string column;
        switch (p->type) {
          case ParamType::string: column = "value"; break;
          case ParamType::token: column = "code"; break;
          case ParamType::reference: column = "target"; break;
          case ParamType::uri: column = "uri"; break;
          case ParamType::number:
          case ParamType::quantity: column = desc ? "high" : "low"; break;
          default:
            return make_issue(err::kInvalidParameter, "_sort by '" + code + "' is not supported");
        }
        // Value-keyed tables: one grouped pass over the parameter's rows,
        // joined by id (a per-row probe could not seek by id).
        const std::string alias = "s" + std::to_string(k);
        select.add(", " + alias + ".k AS " + col);
        from.add(" LEFT JOIN (SELECT id, " + std::string(desc ? "MAX(" : "MIN(") + column + ") AS k FROM " +
                 std::string(table_of(p->type)) + " WHERE type = ");
        from.bind(type).add(" AND param = ").bind(code).add(" GROUP BY id) " + alias + " ON " + alias + ".id = h.id");
      }
    }
    return ok_status();
  }

  // How good a criterion is at driving (lower is better; kNoDrive never).
  static constexpr int kNoDrive = 100;
  int drive_score(const std::string& type, const Criterion& c) const {
    if (!c.has.empty() || !c.chain.empty()) return kNoDrive;  // IN sets anyway
    if (c.missing || c.modifier == Modifier::not_) return kNoDrive;
    const std::string& code = c.param->code;
    if (code == "_id") return 0;
    if (code == "_lastUpdated") return kNoDrive;
    const SearchParam* p = param_on(type, code);
    if (p == nullptr) return kNoDrive;
    switch (p->type) {
      case ParamType::reference: return 1;
      case ParamType::token: return c.modifier == Modifier::text ? 4 : 2;
      case ParamType::uri: return c.modifier == Modifier::above ? kNoDrive : 2;
      case ParamType::composite: return 2;
      case ParamType::string: return c.modifier == Modifier::contains ? kNoDrive : 3;
      case ParamType::quantity: return 5;
      default: return kNoDrive;
    }
  }

  Frag criteria(const std::string& type, const std::vector<Criterion>& all) {
    std::size_t driver = all.size();
    int best = kNoDrive;
    for (std::size_t i = 0; i < all.size(); ++i) {
      int s = drive_score(type, all[i]);
      if (s < best) {
        best = s;
        driver = i;
      }
    }
    Frag f;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Criterion& c = all[i];
      f.add(" AND ");
      if (!c.has.empty() || !c.chain.empty()) {
        f.add("h.id IN (").add(has_ids(type, c, 0)).add(")");
      } else {
        f.add(final_condition(type, c, i == driver));
      }
    }
    return f;
  }

  // --- id sets -------------------------------------------------------------

  // Ids of `type` whose reverse chain from link k (then the forward chain
  // and the final parameter) matches.
  Frag has_ids(const std::string& type, const Criterion& c, std::size_t k) {
    if (k == c.has.size()) return chain_ids(type, c, 0);
    const auto& link = c.has[k];
    Frag f;
    f.add("SELECT target FROM ix_reference WHERE type = ").bind(link.source_type);
    f.add(" AND param = ").bind(link.reference_param->code);
    f.add(" AND target_type = ").bind(type);
    f.add(" AND id IN (").add(visible_ids(link.source_type, has_ids(link.source_type, c, k + 1))).add(")");
    return f;
  }

  Frag chain_ids(const std::string& type, const Criterion& c, std::size_t k) {
    if (k == c.chain.size()) return final_ids(type, c);
    const auto& link = c.chain[k];
    Frag f;
    f.add("SELECT id FROM ix_reference WHERE type = ").bind(type);
    f.add(" AND param = ").bind(link.reference_param->code);
    f.add(" AND target_type = ").bind(link.target_type);
    f.add(" AND target IN (").add(visible_ids(link.target_type, chain_ids(link.target_type, c, k + 1))).add(")");
    return f;
  }

  // Live resources of the type (for :missing=true and :not).
  static Frag all_ids(const std::string& type) {
    Frag f;
    f.add("SELECT h2.id FROM resource_head h2 JOIN resource_version v2 ON v2.seq = h2.seq WHERE h2.type = ")
        .bind(type)
        .add(" AND v2.deleted = 0");
    return f;
  }

  // Ids with any row of the parameter (for :missing), including a token's
  // text-only rows and a reference's identifier-only rows.
  Frag present_ids(const std::string& type, const SearchParam& p) {
    Frag f;
    f.add("SELECT id FROM ").add(table_of(p.type)).add(" WHERE type = ").bind(type);
    f.add(" AND param = ").bind(p.code);
    if (p.type == ParamType::token)
      f.add(" UNION SELECT id FROM ix_string WHERE type = ").bind(type).add(" AND param = ").bind(text_param(p.code));
    if (p.type == ParamType::reference)
      f.add(" UNION SELECT id FROM ix_token WHERE type = ").bind(type).add(" AND param = ").bind(
          identifier_param(p.code));
    return f;
  }

  Frag final_ids(const std::string& type, const Criterion& c) {
    const std::string& code = c.param->code;
    const SearchParam* p = param_on(type, code);
    Frag f;
    if (served_by_head(code)) {
      f.add(all_ids(type)).add(" AND ").add(head_condition(c, "h2", "v2"));
      return f;
    }
    if (p == nullptr || table_of(p->type).empty()) return f.add("SELECT NULL WHERE 0");
    if (c.missing) {
      if (!*c.missing) return present_ids(type, *p);
      return f.add(all_ids(type)).add(" AND h2.id NOT IN (").add(present_ids(type, *p)).add(")");
    }
    if (c.modifier == Modifier::not_)
      return f.add(all_ids(type)).add(" AND h2.id NOT IN (").add(probe_ids(type, *p, c)).add(")");
    return probe_ids(type, *p, c);
  }

  // Union of one probe per value (values are ORed).
  Frag probe_ids(const std::string& type, const SearchParam& p, const Criterion& c) {
    Frag f;
    bool first = true;
    for (const Arg& a : c.any_of) {
      Probe pr = probe(p, a, c.modifier);
      if (!first) f.add(" UNION ");
      first = false;
      f.add("SELECT id FROM ").add(pr.table).add(" WHERE type = ").bind(type);
      f.add(" AND param = ").bind(pr.param).add(" AND ").add(pr.cond);
    }
    if (first) f.add("SELECT NULL WHERE 0");
    return f;
  }

  // --- conditions on the searched row h ------------------------------------

  Frag final_condition(const std::string& type, const Criterion& c, bool drive) {
    const std::string& code = c.param->code;
    if (served_by_head(code)) return head_condition(c, "h", "v");
    const SearchParam* p = param_on(type, code);
    Frag f;
    if (p == nullptr || table_of(p->type).empty()) return f.add("0");
    if (c.missing || c.modifier == Modifier::not_ || drive)
      return f.add("h.id IN (").add(final_ids(type, c)).add(")");
    // A probe per candidate: the id follows the exact columns in each
    // table's key, so this is a seek.
    f.add("(");
    bool first = true;
    for (const Arg& a : c.any_of) {
      Probe pr = probe(*p, a, c.modifier);
      if (!first) f.add(" OR ");
      first = false;
      f.add("EXISTS (SELECT 1 FROM ").add(pr.table).add(" WHERE type = ").bind(type);
      f.add(" AND param = ").bind(pr.param).add(" AND id = h.id AND ").add(pr.cond).add(")");
    }
    if (first) f.add("0");
    return f.add(")");
  }

  // _id and _lastUpdated: columns of the head and its version.
  Frag head_condition(const Criterion& c, const std::string& h, const std::string& v) {
    Frag f;
    if (c.missing) return f.add(*c.missing ? "0" : "1");
    const bool is_id = c.param->code == "_id";
    Frag any;
    bool first = true;
    for (const Arg& a : c.any_of) {
      if (!first) any.add(" OR ");
      first = false;
      if (is_id) {
        // Resource.id is a token without a system (match_token): "|id"
        // matches it, "sys|id" and "sys|" never do.
        const auto* t = std::get_if<search::TokenArg>(&a);
        if (t && t->code && (!t->system || t->system->empty()))
          any.add(h + ".id = ").bind(*t->code);
        else
          any.add("0");
      } else if (const auto* d = std::get_if<search::DateArg>(&a)) {
        any.add(date_cond(v + ".last_updated_ms", v + ".last_updated_ms", *d, spec_.now_ms, false));
      } else {
        any.add("0");
      }
    }
    if (first) any.add("0");
    if (c.modifier == Modifier::not_) return f.add("NOT (").add(any).add(")");
    return f.add("(").add(any).add(")");
  }

  Probe probe(const SearchParam& p, const Arg& a, Modifier m) {
    Probe pr{table_of(p.type), p.code, {}};
    std::visit(
        [&](const auto& arg) {
          using A = std::decay_t<decltype(arg)>;
          if constexpr (std::is_same_v<A, search::StringArg>) {
            if (p.type == ParamType::token) {  // :text
              pr.table = "ix_string";
              pr.param = text_param(p.code);
              pr.cond = string_cond(arg, Modifier::none);
            } else {
              pr.cond = string_cond(arg, m);
            }
          } else if constexpr (std::is_same_v<A, search::TokenArg>) {
            if (p.type == ParamType::reference) {  // :identifier
              pr.table = "ix_token";
              pr.param = identifier_param(p.code);
            }
            pr.cond = token_cond(arg);
          } else if constexpr (std::is_same_v<A, search::OfTypeArg>) {
            pr.param = of_type_param(p.code);
            pr.cond.add("code = ").bind(arg.value).add(" AND system = ").bind(
                of_type_system(arg.type_system, arg.type_code));
          } else if constexpr (std::is_same_v<A, search::DateArg>) {
            pr.cond = date_cond("low", "high", arg, spec_.now_ms, false);
          } else if constexpr (std::is_same_v<A, search::NumberArg>) {
            pr.cond.add("code = ''").add(" AND ").add(number_cond("low", "high", arg));
          } else if constexpr (std::is_same_v<A, search::QuantityArg>) {
            pr.cond = number_cond("low", "high", arg.number);
            pr.cond.add(unit_cond(arg.system, arg.code, "system", "code", "unit"));
          } else if constexpr (std::is_same_v<A, search::ReferenceArg>) {
            pr.cond = reference_cond(arg, "target", "target_type");
          } else if constexpr (std::is_same_v<A, search::UriArg>) {
            pr.cond = uri_cond(arg, m);
          } else if constexpr (std::is_same_v<A, search::CompositeArg>) {
            pr.cond.add("1");
            for (std::size_t k = 0; k < arg.parts.size(); ++k)
              pr.cond.add(" AND ").add(composite_part(k, arg.parts[k], spec_.now_ms));
          }
        },
        a);
    return pr;
  }

  const SearchSpec& spec_;
  const bool count_;
};

}  // namespace

Result<SqlQuery> plan_search(const SearchSpec& spec) { return Planner(spec, false).run(); }

Result<SqlQuery> plan_count(const SearchSpec& spec) { return Planner(spec, true).run(); }

}  // namespace fhir::store
