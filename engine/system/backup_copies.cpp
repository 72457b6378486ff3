#include "engine/system/backup_copies.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace afterimage::system {

namespace fs = std::filesystem;

namespace {

// FILE.bak is copy 0, FILE.bak.N copy N; -1 for other names.
long backupNumber(const std::string& name, const std::string& base) {
  if (name == base) return 0;
  if (name.size() <= base.size() + 1 || name.compare(0, base.size() + 1, base + ".") != 0) return -1;
  const char* first = name.data() + base.size() + 1;
  const char* last = name.data() + name.size();
  long number = -1;
  auto [end, error] = std::from_chars(first, last, number);
  return error == std::errc() && end == last && number > 0 ? number : -1;
}

fs::path backupName(const fs::path& file, long number) {
  fs::path name = file;
  name += ".bak";
  if (number > 0) {
    name += ".";  // two appends: GCC 12 warns (-Wrestrict) on "." + string
    name += std::to_string(number);
  }
  return name;
}

}  // namespace

fs::path keepBackup(const fs::path& file, int keep) {
  const std::string base = file.filename().string() + ".bak";
  fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  std::vector<long> numbers;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    long n = backupNumber(it->path().filename().string(), base);
    if (n >= 0) numbers.push_back(n);
  }
  if (error) throw std::runtime_error(file.string() + ": cannot list its folder for backups: " + error.message());
  std::sort(numbers.begin(), numbers.end());

  // Above the newest, never into a gap: the numbers keep telling the age.
  long next = numbers.empty() ? 0 : numbers.back() + 1;
  fs::path copy;
  for (;; ++next) {
    copy = backupName(file, next);
    fs::copy_file(file, copy, fs::copy_options::none, error);  // refuses an existing name
    if (!error) break;
    if (error != std::errc::file_exists) {
      std::error_code ignored;
      fs::remove(copy, ignored);  // ours, half-made: an existing name is refused before
      throw std::runtime_error(file.string() + ": cannot copy it to " + copy.string() + ": " + error.message());
    }
  }
  int fd = ::open(copy.c_str(), O_RDONLY | O_CLOEXEC);
  bool synced = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!synced) {
    std::error_code ignored;
    fs::remove(copy, ignored);
    throw std::runtime_error(file.string() + ": cannot sync its backup " + copy.string());
  }
  numbers.push_back(next);

  // Pruning is tidying: a copy that will not go away costs disk, not data.
  for (size_t i = 0; i + size_t(std::max(keep, 1)) < numbers.size(); ++i) {
    std::error_code ignored;
    fs::remove(backupName(file, numbers[i]), ignored);
  }
  return copy;
}

}  // namespace afterimage::system
