// Result<T>: a value or the Issue that explains why there is none.
// Errors are values here (STYLE.md): no exceptions for control flow.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "fhir/core/issue.hpp"

namespace fhir {

// Default-constructible on purpose: co_spawn builds a T() on its error path.
template <class T>
class Result {
 public:
  Result() = default;
  Result(T v) : v_(std::in_place_index<1>, std::move(v)) {}
  Result(Issue i) : v_(std::in_place_index<0>, std::move(i)) {}

  bool ok() const { return v_.index() == 1; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<1>(v_); }
  const T& value() const { return std::get<1>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Issue& issue() const { return std::get<0>(v_); }
  Issue take_issue() { return std::move(std::get<0>(v_)); }

 private:
  std::variant<Issue, T> v_;
};

// For operations that produce nothing but can fail.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace fhir
