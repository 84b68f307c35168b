#include "gateway/http/http_message.hpp"

namespace gateway {

std::string_view HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

void HttpResponse::set_header(std::string_view name, std::string value) {
  for (auto& [n, v] : headers) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

}  // namespace gateway
