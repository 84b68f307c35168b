// Plain request and response values handed to the request chain, so that
// stages never see Beast types or the socket (STYLE.md: a stage reads and
// writes an Exchange and never touches the socket).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gateway {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // origin-form: path and query, percent-encoded
  HeaderList headers;  // names lower-cased
  std::string body;
  std::string remote;  // peer address, for logs

  // The first header with this lower-case name, or empty.
  std::string_view header(std::string_view lower_name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;

  void set_header(std::string_view name, std::string value);
};

}  // namespace gateway
