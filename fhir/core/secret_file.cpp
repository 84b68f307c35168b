#include "fhir/core/secret_file.hpp"

#include <fcntl.h>
#include <string.h>  // explicit_bzero
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "fhir/core/errors.hpp"

namespace fhir {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Issue file_issue(std::string_view what, const std::string& path, const std::string& problem, int error) {
  std::string why = std::string(what) + " " + path + ": " + problem;
  if (error != 0) why += std::string(": ") + std::strerror(error);
  return make_issue(err::kInvalidParameter, std::move(why));
}

bool write_all(int fd, std::string_view text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

// The whole buffer: text shortened after reading leaves bytes past size().
SecretText::~SecretText() { explicit_bzero(text_.data(), text_.capacity()); }

Status create_secret_file(const std::string& path, std::string_view text, std::string_view what) {
  // mkostemp creates the file 0600 beside the target; link() then publishes
  // it under its name only if that name is free, atomically, so a
  // concurrent creator (another process starting) is never overwritten.
  const std::filesystem::path target(path);
  const std::string tmp_name = (target.parent_path() / (target.filename().string() + ".XXXXXX")).string();
  std::vector<char> tmp(tmp_name.begin(), tmp_name.end());
  tmp.push_back('\0');
  Fd out{::mkostemp(tmp.data(), O_CLOEXEC)};
  if (out.fd < 0) return file_issue(what, path, "cannot create", errno);
  const std::string tmp_path(tmp.data());
  int error = 0;
  if (::fchmod(out.fd, S_IRUSR | S_IWUSR) != 0 || !write_all(out.fd, text) || ::fsync(out.fd) != 0) error = errno;
  if (error == 0 && ::link(tmp_path.c_str(), path.c_str()) != 0) error = errno;
  ::unlink(tmp_path.c_str());
  if (error == EEXIST) return file_issue(what, path, "already exists; not replaced", 0);
  if (error != 0) return file_issue(what, path, "cannot write", error);
  return ok_status();
}

Result<SecretText> read_secret_file(const std::string& path, std::size_t max_bytes, std::string_view what) {
  Fd in{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (in.fd < 0) return file_issue(what, path, "cannot open", errno);
  struct stat st {};
  if (::fstat(in.fd, &st) != 0) return file_issue(what, path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) return file_issue(what, path, "is not a regular file", 0);
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return file_issue(what, path, "is too large for a key", 0);
  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::read(in.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      SecretText wipe(std::move(text));
      return file_issue(what, path, "cannot read", errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  text.resize(done);
  return SecretText(std::move(text));
}

}  // namespace fhir
