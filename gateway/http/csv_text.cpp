#include "gateway/http/csv_text.hpp"

namespace gateway {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

bool is_csv_media(std::string_view media) {
  media = media.substr(0, media.find(';'));
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return media == "csv" || media == "text/csv";
}

bool csv_requested(std::string_view accept, const std::string* format) {
  if (format != nullptr) return is_csv_media(*format);
  return is_csv_media(accept.substr(0, accept.find(',')));
}

}  // namespace gateway
