#include "consent/enforcement/inline_redaction.hpp"

#include <utility>

#include "consent/labels/security_label.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"

namespace consent {
namespace {

using fhir::json::Value;

class Redactor {
 public:
  Redactor(const DisclosureFilter& filter, const fhir::store::VersionRecord& rec) : filter_(filter), rec_(rec) {}

  // True when node itself must go. An object's own inline labels are
  // checked, except the resource root's (see redact_inline).
  bool prune(Value& node, bool root = false) {
    if (node.is_array()) {
      auto& items = node.items();
      for (std::size_t i = 0; i < items.size();) {
        if (prune(items[i])) {
          items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
          redacted_ = true;
        } else {
          ++i;
        }
      }
      return false;
    }
    if (!node.is_object()) return false;
    if (!root && !cleared(node)) return true;
    auto& members = node.members();
    for (std::size_t i = 0; i < members.size();) {
      // meta.security is the labels themselves; never walk into it.
      if (members[i].first != "meta" && prune(members[i].second)) {
        members.erase(members.begin() + static_cast<std::ptrdiff_t>(i));
        redacted_ = true;
      } else {
        ++i;
      }
    }
    return false;
  }

  bool redacted() const { return redacted_; }

 private:
  // The element's own inline labels, if any, and whether they are cleared.
  bool cleared(const Value& element) const {
    const Value* ext = element.find("extension");
    if (ext == nullptr || !ext->is_array()) return true;
    LabelSet inline_labels;
    for (const auto& e : ext->items()) {
      if (!e.is_object() || e.string_at("url") != kInlineLabelUrl) continue;
      const Value* c = e.find("valueCoding");
      if (c == nullptr || !c->is_object()) continue;
      inline_labels.add({std::string(c->string_at("system")), std::string(c->string_at("code"))});
    }
    return inline_labels.empty() || filter_.may_receive_with(rec_, inline_labels);
  }

  const DisclosureFilter& filter_;
  const fhir::store::VersionRecord& rec_;
  bool redacted_ = false;
};

void mark_redacted(Value& root) {
  Value* meta = root.find("meta");
  if (meta == nullptr || !meta->is_object()) meta = &root.set("meta", Value::make_object());
  Value* security = meta->find("security");
  if (security == nullptr || !security->is_array()) security = &meta->set("security", Value::make_array());
  Value c = Value::make_object();
  c.set("system", Value::make_string(std::string(kActCodeSystem)));
  c.set("code", Value::make_string("REDACT"));
  security->push_back(std::move(c));
}

}  // namespace

std::optional<std::string> redact_inline(const DisclosureFilter& filter, const fhir::store::VersionRecord& rec,
                                         std::string_view json) {
  // The labeler marks every resource with inline labels, so the others
  // are never parsed here.
  if (rec.label_key.find(kProcessInlineLabel) == std::string_view::npos) return std::nullopt;
  if (json.find(kInlineLabelUrl) == std::string_view::npos) return std::nullopt;
  auto doc = fhir::json::parse(json);
  if (!doc || !doc->is_object()) return std::nullopt;
  Redactor r(filter, rec);
  // The resource as a whole was decided already (inline labels belong on
  // elements, not on the resource); prune() walks its parts.
  (void)r.prune(*doc, true);
  if (!r.redacted()) return std::nullopt;
  mark_redacted(*doc);
  return fhir::json::write(*doc);
}

}  // namespace consent
