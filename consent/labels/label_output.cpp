#include "consent/labels/label_output.hpp"

#include <fstream>
#include <sstream>

#include "consent/labels/label_key.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"

namespace consent {
namespace {

using fhir::json::Value;

Value coding(const Label& l) {
  Value c = Value::make_object();
  c.set("system", Value::make_string(l.system));
  c.set("code", Value::make_string(l.code));
  return c;
}

// meta.security: the source's codings, but its confidentiality codes give
// way to the one the set holds (the gateway may raise, never lower it);
// then every label of the set the source did not send.
void merge_security(Value& meta, const LabelSet& labels) {
  Value merged = Value::make_array();
  if (!labels.confidentiality().empty())
    merged.push_back(coding({std::string(kConfidentialitySystem), labels.confidentiality()}));
  LabelSet present;
  if (const Value* old = meta.find("security"); old != nullptr && old->is_array()) {
    for (const Value& c : old->items()) {
      if (c.is_object() && c.string_at("system") == kConfidentialitySystem) continue;
      if (c.is_object()) present.add({std::string(c.string_at("system")), std::string(c.string_at("code"))});
      merged.push_back(c);
    }
  }
  for (const Label& l : labels.others())
    if (!present.contains(l.system, l.code)) merged.push_back(coding(l));
  meta.set("security", std::move(merged));
}

void add_notice(Value& meta, const RedisclosureNotice& notice) {
  Value* ext = meta.find("extension");
  if (ext != nullptr && ext->is_array())
    for (const Value& e : ext->items())
      if (e.is_object() && e.string_at("url") == notice.extension_url) return;  // carried already
  Value annotation = Value::make_object();
  annotation.set("text", Value::make_string(notice.text));
  Value e = Value::make_object();
  e.set("url", Value::make_string(notice.extension_url));
  e.set("valueAnnotation", std::move(annotation));
  if (ext == nullptr || !ext->is_array()) ext = &meta.set("extension", Value::make_array());
  ext->push_back(std::move(e));
}

}  // namespace

fhir::Result<std::shared_ptr<const RedisclosureNotice>> RedisclosureNotice::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fhir::make_issue(fhir::err::kInternal, "Cannot read the Part 2 notice file " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  auto doc = fhir::json::parse(buf.str());
  if (!doc || !doc->is_object())
    return fhir::make_issue(fhir::err::kInternal, "The Part 2 notice file " + path + " is not a JSON object");
  auto n = std::make_shared<RedisclosureNotice>();
  n->version = std::string(doc->string_at("version"));
  n->extension_url = std::string(doc->string_at("extension_url"));
  const Value* statement = doc->find("statement");
  const bool short_form = statement != nullptr && statement->is_number() && statement->text() == "2";
  n->text = std::string(doc->string_at(short_form ? "short_text" : "text"));
  if (n->extension_url.empty() || n->text.empty())
    return fhir::make_issue(fhir::err::kInternal, "The Part 2 notice file " + path + " lacks extension_url or text");
  return std::shared_ptr<const RedisclosureNotice>(std::move(n));
}

bool is_part2(const LabelSet& labels) { return labels.contains(kPrivacyLawSystem, "42CFRPart2"); }

bool is_part2_key(std::string_view label_key) {
  // "L:42CFRPart2" as a whole token.
  constexpr std::string_view kToken = "L:42CFRPart2";
  for (std::size_t at = label_key.find(kToken); at != std::string_view::npos; at = label_key.find(kToken, at + 1)) {
    const bool starts = at == 0 || label_key[at - 1] == ' ';
    const std::size_t end = at + kToken.size();
    if (starts && (end == label_key.size() || label_key[end] == ' ')) return true;
  }
  return false;
}

std::string render_labeled(std::string_view json, std::string_view label_key, const RedisclosureNotice& notice) {
  if (label_key.empty() || json.empty()) return std::string(json);
  auto doc = fhir::json::parse(json);
  if (!doc || !doc->is_object()) return std::string(json);
  const LabelSet labels = decode_label_key(label_key);
  Value* meta = doc->find("meta");
  if (meta == nullptr || !meta->is_object()) meta = &doc->set("meta", Value::make_object());
  merge_security(*meta, labels);
  if (is_part2(labels)) add_notice(*meta, notice);
  return fhir::json::write(*doc);
}

}  // namespace consent
