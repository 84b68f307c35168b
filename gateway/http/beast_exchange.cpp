#include "gateway/http/beast_exchange.hpp"

#include <cctype>

namespace gateway {

Exchange head_exchange(const boost::beast::http::request<boost::beast::http::string_body>& req) {
  Exchange x;
  x.request.method = std::string(req.method_string());
  x.request.target = std::string(req.target());
  for (const auto& f : req) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    x.request.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  return x;
}

Exchange to_exchange(boost::beast::http::request<boost::beast::http::string_body>&& req) {
  Exchange x = head_exchange(req);
  x.request.body = std::move(req.body());
  return x;
}

}  // namespace gateway
