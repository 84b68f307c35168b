// Files that hold a secret (a private key): created mode 0600 whatever the
// umask, atomically and never over an existing file (losing a key makes
// everything it signed unverifiable), and read back with a size bound. The
// text is wiped from memory when it goes. The gateway's token signing key
// and the audit trail's checkpoint key both live in such files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"

namespace fhir {

// Text that is wiped (explicit_bzero) when destroyed.
class SecretText {
 public:
  SecretText() = default;
  explicit SecretText(std::string text) : text_(std::move(text)) {}
  SecretText(SecretText&& other) noexcept : text_(std::move(other.text_)) {}
  SecretText& operator=(SecretText&&) = delete;
  SecretText(const SecretText&) = delete;
  SecretText& operator=(const SecretText&) = delete;
  ~SecretText();
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Errors (kInvalidParameter) say "<what> <path>: <problem>".
Status create_secret_file(const std::string& path, std::string_view text, std::string_view what);
Result<SecretText> read_secret_file(const std::string& path, std::size_t max_bytes, std::string_view what);

}  // namespace fhir
