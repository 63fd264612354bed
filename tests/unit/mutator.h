// Valid inputs made invalid at random, for the parser sweeps: the changes a corrupted or hostile
// message is made of (a flipped bit, a changed byte, a cut, an insertion, a repeated run, bytes
// of pure noise). Seeded, so a failure names the seed and the round that reproduce it.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace haven::testing {

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : random_(seed) {}

  // One to four changes to `valid`; the result may be empty and may, rarely, be `valid` again.
  std::vector<std::uint8_t> Mutate(std::span<const std::uint8_t> valid) {
    std::vector<std::uint8_t> out(valid.begin(), valid.end());
    const int changes = Below(4) + 1;
    for (int i = 0; i < changes; ++i) MutateOnce(out);
    return out;
  }

  // Noise of up to `max_size` bytes.
  std::vector<std::uint8_t> Noise(std::size_t max_size) {
    std::vector<std::uint8_t> out(Below(static_cast<int>(max_size) + 1));
    for (auto& byte : out) byte = static_cast<std::uint8_t>(Below(256));
    return out;
  }

 private:
  int Below(int bound) { return static_cast<int>(random_() % static_cast<std::uint64_t>(bound)); }

  void MutateOnce(std::vector<std::uint8_t>& bytes) {
    const int size = static_cast<int>(bytes.size());
    switch (Below(6)) {
      case 0:  // flip one bit
        if (size > 0) bytes[Below(size)] ^= static_cast<std::uint8_t>(1u << Below(8));
        return;
      case 1:  // an interesting byte: the edges of lengths and tags
        if (size > 0) bytes[Below(size)] = kInteresting[Below(static_cast<int>(std::size(kInteresting)))];
        return;
      case 2:  // cut the tail
        if (size > 0) bytes.resize(Below(size));
        return;
      case 3:  // insert noise
        bytes.insert(bytes.begin() + Below(size + 1), static_cast<std::size_t>(Below(8) + 1),
                     static_cast<std::uint8_t>(Below(256)));
        return;
      case 4: {  // repeat a run (lengths that no longer match their content)
        if (size == 0) return;
        const int from = Below(size);
        const int length = Below(std::min(size - from, 64)) + 1;
        std::vector<std::uint8_t> run(bytes.begin() + from, bytes.begin() + from + length);
        bytes.insert(bytes.begin() + Below(size + 1), run.begin(), run.end());
        return;
      }
      default:  // drop a run from the middle
        if (size > 1) {
          const int from = Below(size);
          bytes.erase(bytes.begin() + from, bytes.begin() + from + Below(std::min(size - from, 32)) + 1);
        }
        return;
    }
  }

  static constexpr std::uint8_t kInteresting[] = {0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xfe, 0xff, '"', '\\', '{', '}', '[', ']', ':', ','};
  std::mt19937_64 random_;
};

}  // namespace haven::testing
