// An exclusive flock(2) on a file, held while the object lives and released by the kernel when
// the process ends, even by kill -9: the audit checkpoint's writers (audit.h) and a case's
// execution lease (execution.h) across processes and instances sharing one home folder.
#ifndef MYNACERT_COUNTER_FILE_LOCK_H_
#define MYNACERT_COUNTER_FILE_LOCK_H_

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.h"

namespace mynacert::counter {

class FileLock {
 public:
  // Waits for the lock (creating the file 0600). Errors name `field`.
  static Result<FileLock> Take(const std::filesystem::path& path, const std::string& field);
  // Does not wait: nullopt while another process (or another open of the file) holds it.
  static Result<std::optional<FileLock>> TryTake(const std::filesystem::path& path,
                                                 const std::string& field);
  FileLock() = default;  // holds nothing
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;  // releases what this one held
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace mynacert::counter

#endif  // MYNACERT_COUNTER_FILE_LOCK_H_
