#include "counter/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mynacert::counter {
namespace {

Result<int> OpenLockFile(const std::filesystem::path& path, const std::string& field) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{ErrorCode::kFailedPrecondition, field, path.string() + ": " + std::strerror(errno), ""};
  }
  return fd;
}

}  // namespace

Result<FileLock> FileLock::Take(const std::filesystem::path& path, const std::string& field) {
  MYNACERT_ASSIGN_OR_RETURN(const int fd, OpenLockFile(path, field));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int e = errno;
    ::close(fd);
    return Error{ErrorCode::kFailedPrecondition, field, path.string() + ": " + std::strerror(e), ""};
  }
  return FileLock(fd);
}

Result<std::optional<FileLock>> FileLock::TryTake(const std::filesystem::path& path,
                                                  const std::string& field) {
  MYNACERT_ASSIGN_OR_RETURN(const int fd, OpenLockFile(path, field));
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    const int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return std::optional<FileLock>();
    return Error{ErrorCode::kFailedPrecondition, field, path.string() + ": " + std::strerror(e), ""};
  }
  return std::optional<FileLock>(FileLock(fd));
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace mynacert::counter
