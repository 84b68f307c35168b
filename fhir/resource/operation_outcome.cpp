#include "fhir/resource/operation_outcome.hpp"

#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"

namespace fhir {

std::string operation_outcome_json(const std::vector<Issue>& issues) {
  using json::Value;
  Value oo = Value::make_object();
  oo.set("resourceType", Value::make_string("OperationOutcome"));
  Value& list = oo.set("issue", Value::make_array());
  for (const Issue& i : issues) {
    Value item = Value::make_object();
    item.set("severity", Value::make_string(severity_code(i.severity)));
    item.set("code", Value::make_string(i.code.empty() ? "exception" : i.code));
    if (!i.diagnostics.empty()) item.set("diagnostics", Value::make_string(i.diagnostics));
    if (!i.expression.empty()) {
      Value& expr = item.set("expression", Value::make_array());
      expr.push_back(Value::make_string(i.expression));
    }
    list.push_back(std::move(item));
  }
  return json::write(oo);
}

std::string operation_outcome_json(const Issue& issue) {
  return operation_outcome_json(std::vector<Issue>{issue});
}

}  // namespace fhir
