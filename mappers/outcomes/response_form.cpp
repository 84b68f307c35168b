#include "mappers/outcomes/response_form.hpp"

#include "mappers/outcomes/score_summary.hpp"

namespace mappers::outcomes {
namespace {

using fhir::json::Value;

const Value* contained(const Value& resource, std::string_view type, std::string_view id) {
  const Value* list = resource.find("contained");
  if (list == nullptr) return nullptr;
  for (const auto& r : list->items())
    if (r.string_at("resourceType") == type && r.string_at("id") == id) return &r;
  return nullptr;
}

void add_option(std::string_view system, const Value& coding_like, std::optional<int> ordinal,
                std::vector<OptionValue>& out) {
  std::string_view code = coding_like.string_at("code");
  if (ordinal && !code.empty()) out.push_back({std::string(system), std::string(code), *ordinal});
}

// The options of one Questionnaire item that carry an ordinalValue: its
// answerOptions (the extension sits on the option or on its coding), or the
// concepts of a contained answerValueSet. The ValueSet may be contained in
// the Questionnaire or, for a Questionnaire itself contained in the
// response, beside it (the SDC adaptive example).
std::vector<OptionValue> option_values(const Value& item, const Value& questionnaire, const Value& response) {
  std::vector<OptionValue> out;
  if (const Value* options = item.find("answerOption"); options != nullptr) {
    for (const auto& o : options->items()) {
      const Value* coding = o.find("valueCoding");
      if (coding == nullptr) continue;
      auto ordinal = ordinal_extension(o);
      add_option(coding->string_at("system"), *coding, ordinal ? ordinal : ordinal_extension(*coding), out);
    }
  }
  std::string_view vs_ref = item.string_at("answerValueSet");
  if (vs_ref.empty() || vs_ref[0] != '#') return out;  // an external ValueSet is not resolved here
  const Value* vs = contained(questionnaire, "ValueSet", vs_ref.substr(1));
  if (vs == nullptr) vs = contained(response, "ValueSet", vs_ref.substr(1));
  if (vs == nullptr) return out;
  if (const Value* compose = vs->find("compose"); compose != nullptr && compose->find("include") != nullptr)
    for (const auto& inc : compose->find("include")->items())
      if (const Value* concepts = inc.find("concept"); concepts != nullptr)
        for (const auto& c : concepts->items()) add_option(inc.string_at("system"), c, ordinal_extension(c), out);
  if (const Value* expansion = vs->find("expansion"); expansion != nullptr && expansion->find("contains") != nullptr)
    for (const auto& c : expansion->find("contains")->items())
      add_option(c.string_at("system"), c, ordinal_extension(c), out);
  return out;
}

std::string_view last_segment(std::string_view link_id) {
  auto slash = link_id.rfind('/');
  return slash == std::string_view::npos ? link_id : link_id.substr(slash + 1);
}

}  // namespace

ResponseForm::ResponseForm(const InstrumentTable& table, const Value& response, const Value* questionnaire)
    : table_(table) {
  std::string_view canonical = response.string_at("questionnaire");
  const Value* q = nullptr;
  if (!canonical.empty() && canonical[0] == '#') {
    q = contained(response, "Questionnaire", canonical.substr(1));
    if (q == nullptr)
      notes_.push_back(note("the contained Questionnaire " + std::string(canonical) + " is missing",
                            "QuestionnaireResponse.questionnaire"));
  } else if (questionnaire != nullptr) {
    std::string_view url = questionnaire->string_at("url");
    if (canonical.empty() || canonical_url(url) == canonical_url(canonical)) {
      q = questionnaire;
    } else {
      notes_.push_back(note("the Questionnaire supplied is " + std::string(url) + ", not the one answered",
                            "QuestionnaireResponse.questionnaire"));
    }
  }
  std::optional<FormMatch> form;
  if (!canonical.empty() && canonical[0] != '#') form = table.match_form(canonical);
  if (!form && q != nullptr) {
    form = table.match_form(q->string_at("url"));
    if (const Value* derived = q->find("derivedFrom"); !form && derived != nullptr)
      for (const auto& d : derived->items())
        if (!form && d.is_string()) form = table.match_form(d.text());
  }
  if (form) {
    form_ = *form;
    add_form(*form);
  }
  if (q != nullptr && q->find("item") != nullptr) add_questionnaire_items(*q->find("item"), *q, response);
}

void ResponseForm::add_form(const FormMatch& m) {
  const Form& f = *m.form;
  for (std::size_t k = 0; k < f.item_link_ids.size(); ++k)
    roles_[f.item_link_ids[k]] = LinkRole{m.instrument, static_cast<int>(k), f.answer_system, {}};
  if (!f.total_link_id.empty()) roles_[f.total_link_id] = LinkRole{m.instrument, -1, f.answer_system, {}};
}

void ResponseForm::add_questionnaire_items(const Value& items, const Value& questionnaire, const Value& response) {
  for (const Value& item : items.items()) {
    std::string link_id(item.string_at("linkId"));
    std::optional<LinkRole> coded;
    if (const Value* codes = item.find("code"); codes != nullptr)
      for (const auto& c : codes->items())
        if (!coded && c.string_at("system") == kLoinc) coded = loinc_role(c.string_at("code"));
    auto known = roles_.find(link_id);
    if (known != roles_.end()) {
      // The form in instruments.json wins; a Questionnaire saying otherwise
      // is worth a look, not a different score.
      if (coded && (coded->instrument != known->second.instrument || coded->item != known->second.item))
        notes_.push_back(note("Questionnaire item " + link_id + " is coded differently from the known form",
                              "Questionnaire.item.code"));
    } else {
      if (!coded) coded = loinc_role(last_segment(link_id));
      if (coded && !link_id.empty()) known = roles_.emplace(link_id, std::move(*coded)).first;
    }
    if (known != roles_.end()) known->second.options = option_values(item, questionnaire, response);
    if (const Value* children = item.find("item"); children != nullptr)
      add_questionnaire_items(*children, questionnaire, response);
  }
}

std::optional<LinkRole> ResponseForm::loinc_role(std::string_view code) const {
  auto m = table_.match_loinc(code);
  if (!m || m->role == CodeRole::panel) return std::nullopt;
  LinkRole r{m->instrument, m->role == CodeRole::item ? m->item : -1, {}, {}};
  if (form_ && form_->instrument == m->instrument) r.default_system = form_->form->answer_system;
  return r;
}

std::optional<LinkRole> ResponseForm::role(std::string_view link_id) const {
  if (auto it = roles_.find(std::string(link_id)); it != roles_.end()) return it->second;
  return loinc_role(last_segment(link_id));
}

}  // namespace mappers::outcomes
