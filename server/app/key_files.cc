#include "server/app/key_files.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>

namespace haven::app {

std::expected<void, std::string> WriteNewFile(const std::filesystem::path& path, crypto::ByteView bytes, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return std::unexpected(path.string() + " already exists; refusing to overwrite a key");
    return std::unexpected("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n <= 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return std::unexpected("cannot write " + path.string());
    }
    written += static_cast<std::size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return std::unexpected("cannot sync " + path.string());
  return {};
}

std::expected<crypto::Bytes, std::string> ReadSmallFile(const std::filesystem::path& path, std::size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected("cannot read " + path.string());
  crypto::Bytes bytes(max_bytes + 1);
  std::size_t total = 0;
  ssize_t n;
  while (total < bytes.size() && (n = ::read(fd, bytes.data() + total, bytes.size() - total)) > 0) {
    total += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (total > max_bytes) return std::unexpected(path.string() + " is larger than expected");
  bytes.resize(total);
  return bytes;
}

namespace {

std::optional<std::string> ReadLineWithoutEcho(const std::string& prompt) {
  int tty = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (tty < 0) return std::nullopt;
  termios saved{};
  ::tcgetattr(tty, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(tty, TCSAFLUSH, &quiet);
  (void)!::write(tty, prompt.data(), prompt.size());
  std::string line;
  char c;
  while (::read(tty, &c, 1) == 1 && c != '\n') line += c;
  ::tcsetattr(tty, TCSAFLUSH, &saved);
  (void)!::write(tty, "\n", 1);
  ::close(tty);
  return line;
}

}  // namespace

std::expected<crypto::SecretBytes, std::string> ReadPassphrase(const std::optional<std::filesystem::path>& file,
                                                               const std::string& prompt, bool confirm,
                                                               std::size_t min_length) {
  std::string text;
  if (file) {
    auto bytes = ReadSmallFile(*file, 4096);
    if (!bytes) return std::unexpected(bytes.error());
    text.assign(bytes->begin(), bytes->end());
    if (auto newline = text.find('\n'); newline != std::string::npos) text.resize(newline);
  } else {
    auto typed = ReadLineWithoutEcho(prompt + ": ");
    if (!typed) return std::unexpected("no terminal to ask for the passphrase; use --passphrase-file");
    text = std::move(*typed);
    if (confirm) {
      auto again = ReadLineWithoutEcho("Repeat it: ");
      if (!again || *again != text) return std::unexpected("the passphrases do not match");
    }
  }
  if (text.size() < min_length) {
    return std::unexpected("the passphrase must be at least " + std::to_string(min_length) + " characters");
  }
  auto secret = crypto::SecretBytes::CopyOf(crypto::AsBytes(text));
  std::fill(text.begin(), text.end(), '\0');
  return secret;
}

}  // namespace haven::app
