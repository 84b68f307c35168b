#include "consent/audit/audit_key_file.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "fhir/core/errors.hpp"

namespace consent {
namespace {

// A PEM Ed25519 key is about 120 bytes; anything much larger is not one.
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

// Wipes a buffer that held PEM text before it goes back to the heap.
struct Wiped {
  std::string text;
  ~Wiped() { OPENSSL_cleanse(text.data(), text.size()); }
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

fhir::Issue file_issue(const std::string& what, const std::string& path, int error) {
  std::string why = "audit key file " + path + ": " + what;
  if (error != 0) why += std::string(": ") + std::strerror(error);
  return fhir::make_issue(fhir::err::kInvalidParameter, std::move(why));
}

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// mkostemp creates the file 0600 beside the target; link() publishes it
// under its name only if that name is free, atomically, so a concurrent
// creator (another process starting) cannot be overwritten.
fhir::Status save_new(const AuditKey& key, const std::string& path) {
  auto pem = key.private_pem();
  if (!pem) return pem.take_issue();
  Wiped text{std::move(*pem)};
  const std::filesystem::path target(path);
  const std::string tmp_name = (target.parent_path() / (target.filename().string() + ".XXXXXX")).string();
  std::vector<char> tmp(tmp_name.begin(), tmp_name.end());
  tmp.push_back('\0');
  Fd out{::mkostemp(tmp.data(), O_CLOEXEC)};
  if (out.fd < 0) return file_issue("cannot create", path, errno);
  const std::string tmp_path(tmp.data());
  int error = 0;
  if (::fchmod(out.fd, S_IRUSR | S_IWUSR) != 0 || !write_all(out.fd, text.text) || ::fsync(out.fd) != 0)
    error = errno;
  if (error == 0 && ::link(tmp_path.c_str(), path.c_str()) != 0) error = errno;
  ::unlink(tmp_path.c_str());
  if (error == EEXIST) return file_issue("already exists; not replaced", path, 0);
  if (error != 0) return file_issue("cannot write", path, error);
  return fhir::ok_status();
}

}  // namespace

fhir::Result<AuditKey> load_audit_key(const std::string& path) {
  Fd in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) return file_issue("cannot open", path, errno);
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) return file_issue("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) return file_issue("is not a regular file", path, 0);
  if (static_cast<std::size_t>(st.st_size) > kMaxKeyFileBytes) return file_issue("is too large for a key", path, 0);
  Wiped text;
  text.text.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < text.text.size()) {
    const ssize_t n = ::read(in.fd, text.text.data() + done, text.text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return file_issue("cannot read", path, errno);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  text.text.resize(done);
  auto key = AuditKey::from_pem(text.text);
  if (!key) {
    fhir::Issue issue = key.take_issue();
    issue.diagnostics += " (file " + path + ")";
    return issue;
  }
  return key;
}

fhir::Result<AuditKey> load_or_create_audit_key(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    auto key = AuditKey::generate();
    if (!key) return key.take_issue();
    auto saved = save_new(*key, path);
    if (saved) return key;
    // Lost a race with another process creating it: use theirs.
    if (!std::filesystem::exists(path, ec)) return saved.take_issue();
  }
  auto key = load_audit_key(path);
  if (key && !key->can_sign()) return file_issue("holds no private key", path, 0);
  return key;
}

}  // namespace consent
