// SmallVolume: a real, small ext4 file system for fault tests - an image file formatted with
// mkfs.ext4 and loop-mounted in a temporary directory - that a test can fill to the last
// block and free again. Needs root (mount); Available() says why not when it cannot be had.
//
// Not thread-safe; one object per test.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace haven::testing {

class SmallVolume {
 public:
  explicit SmallVolume(std::uint32_t megabytes);
  ~SmallVolume();
  SmallVolume(const SmallVolume&) = delete;
  SmallVolume& operator=(const SmallVolume&) = delete;

  // Empty when mounted; otherwise why the volume could not be made.
  const std::string& problem() const { return problem_; }
  const std::filesystem::path& root() const { return mount_point_; }

  // Writes a filler file until the file system says it is full (ENOSPC); returns the bytes
  // written. Free() deletes the filler again.
  std::uint64_t Fill();
  void Free();
  std::uint64_t FreeBytes() const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path mount_point_;
  std::string problem_;
  bool mounted_ = false;
};

}  // namespace haven::testing
