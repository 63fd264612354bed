#include "bench/ws_connection.h"

#include <boost/asio/post.hpp>

#include <array>
#include <cstring>
#include <random>

namespace haven::bench {
namespace {

constexpr std::uint8_t kContinuation = 0x0, kText = 0x1, kBinary = 0x2, kCloseFrame = 0x8, kPing = 0x9, kPong = 0xA;
constexpr std::size_t kMaxMessage = 1 << 20;

// The read buffer every connection of this thread drains its socket into.
std::array<char, 256 * 1024>& SharedReadBuffer() {
  thread_local std::array<char, 256 * 1024> buffer;
  return buffer;
}

std::uint32_t NextMask(std::uint32_t& state) {  // xorshift32: masks need not be secret here
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

// Each connection's first mask state comes from one per-thread generator: opening a
// std::random_device per connection showed in the profile of the connect mode.
std::uint32_t FirstMaskState() {
  thread_local std::uint32_t state = std::random_device{}() | 1;
  return NextMask(state);
}

}  // namespace

WsConnection::WsConnection(asio::io_context& io, Listener* listener)
    : socket_(io.get_executor()), listener_(listener), mask_state_(FirstMaskState()) {}

WsConnection::~WsConnection() = default;

std::shared_ptr<WsConnection> WsConnection::Open(asio::io_context& io, const ServerAddress& server,
                                                 const asio::ip::address_v4& source, std::string_view path,
                                                 Listener* listener) {
  auto connection = std::make_shared<WsConnection>(io, listener);
  connection->Start(server, source, path);
  return connection;
}

void WsConnection::Start(const ServerAddress& server, const asio::ip::address_v4& source, std::string_view path) {
  boost::system::error_code ec;
  socket_.open(asio::ip::tcp::v4(), ec);
  if (!ec && source != asio::ip::address_v4::loopback()) socket_.bind({source, 0}, ec);
  if (ec) {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->End(std::nullopt); });
    return;
  }
  output_ = "GET " + std::string(path) +
            " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: " +
            server.origin + "\r\n\r\n";
  asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(), server.port);
  socket_.async_connect(endpoint, [self = shared_from_this()](const boost::system::error_code& error) {
    if (self->ended_) return;
    if (error) {
      self->End(std::nullopt);
      return;
    }
    boost::system::error_code ignored;
    self->socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    self->socket_.non_blocking(true, ignored);
    self->Flush();
    self->WaitReadable();
  });
}

void WsConnection::WaitReadable() {
  socket_.async_wait(TcpSocket::wait_read, [self = shared_from_this()](const boost::system::error_code& error) {
    if (self->ended_) return;
    if (error) {
      self->End(std::nullopt);
      return;
    }
    self->OnReadable();
  });
}

void WsConnection::OnReadable() {
  auto& buffer = SharedReadBuffer();
  while (!ended_) {
    boost::system::error_code ec;
    std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) {  // EOF after the close handshake, or a reset
      End(close_code_);
      return;
    }
    std::string_view fresh(buffer.data(), n);
    if (partial_.empty()) {
      std::size_t used = Consume(fresh);
      if (!ended_ && used < fresh.size()) partial_.assign(fresh.substr(used));
    } else {
      partial_.append(fresh);
      std::size_t used = Consume(partial_);
      if (!ended_) partial_.erase(0, used);
    }
    if (n < buffer.size()) break;  // drained: the next read would only say so
  }
  if (!ended_) WaitReadable();
}

std::size_t WsConnection::Consume(std::string_view data) {
  std::size_t used = 0;
  if (!open_) {
    used = ConsumeHandshake(data);
    if (!open_) return used;
  }
  while (!ended_) {
    std::string_view rest = data.substr(used);
    if (rest.size() < 2) break;
    auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(rest[i]); };
    bool fin = byte(0) & 0x80;
    std::uint8_t opcode = byte(0) & 0x0F;
    std::uint64_t length = byte(1) & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (rest.size() < 4) break;
      length = static_cast<std::uint64_t>(byte(2)) << 8 | byte(3);
      header = 4;
    } else if (length == 127) {
      if (rest.size() < 10) break;
      length = 0;
      for (std::size_t i = 2; i < 10; ++i) length = length << 8 | byte(i);
      header = 10;
    }
    if ((byte(1) & 0x80) || length > kMaxMessage) {  // a masked or huge server frame: not Haven
      Abort();
      break;
    }
    if (rest.size() < header + length) break;
    used += header + static_cast<std::size_t>(length);
    HandleFrame(opcode, fin, rest.substr(header, static_cast<std::size_t>(length)));
  }
  return used;
}

std::size_t WsConnection::ConsumeHandshake(std::string_view data) {
  auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (data.size() > 16384) Abort();
    return 0;
  }
  std::string_view status_line = data.substr(0, data.find("\r\n"));
  if (status_line.size() >= 12) handshake_status_ = std::atoi(std::string(status_line.substr(9, 3)).c_str());
  if (handshake_status_ != 101) {
    End(std::nullopt);
    return end + 4;
  }
  open_ = true;
  if (listener_) listener_->OnOpen();
  return end + 4;
}

void WsConnection::HandleFrame(std::uint8_t opcode, bool fin, std::string_view payload) {
  switch (opcode) {
    case kText:
    case kBinary:
      if (fin) {
        if (listener_ && !closing_) listener_->OnMessage(payload, opcode == kBinary);
      } else {
        fragment_opcode_ = opcode;
        fragments_.assign(payload);
      }
      return;
    case kContinuation:
      fragments_.append(payload);
      if (fin) {
        if (listener_ && !closing_) listener_->OnMessage(fragments_, fragment_opcode_ == kBinary);
        fragments_.clear();
      }
      return;
    case kPing: AppendFrame(kPong, payload); return;
    case kPong: return;
    case kCloseFrame:
      if (payload.size() >= 2) {
        close_code_ = static_cast<std::uint16_t>(static_cast<std::uint8_t>(payload[0]) << 8 | static_cast<std::uint8_t>(payload[1]));
      } else {
        close_code_ = 1005;
      }
      if (!closing_) {
        closing_ = true;
        AppendFrame(kCloseFrame, payload.substr(0, 2));
      }
      return;
    default: Abort();
  }
}

void WsConnection::Send(std::string_view payload, bool binary) {
  if (!open_ || closing_ || ended_) return;
  AppendFrame(binary ? kBinary : kText, payload);
}

void WsConnection::Close(std::uint16_t code) {
  if (!open_ || closing_ || ended_) return;
  closing_ = true;
  char body[2] = {static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  AppendFrame(kCloseFrame, std::string_view(body, 2));
}

void WsConnection::AppendFrame(std::uint8_t opcode, std::string_view payload) {
  char header[14];
  std::size_t size = 0;
  header[size++] = static_cast<char>(0x80 | opcode);
  std::size_t length = payload.size();
  if (length < 126) {
    header[size++] = static_cast<char>(0x80 | length);
  } else if (length < 65536) {
    header[size++] = static_cast<char>(0x80 | 126);
    header[size++] = static_cast<char>(length >> 8);
    header[size++] = static_cast<char>(length & 0xFF);
  } else {
    header[size++] = static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) header[size++] = static_cast<char>((length >> shift) & 0xFF);
  }
  std::uint32_t mask = NextMask(mask_state_);
  char key[4];
  std::memcpy(key, &mask, 4);
  std::memcpy(header + size, key, 4);
  size += 4;
  std::size_t at = output_.size();
  output_.append(header, size);
  output_.append(payload);
  char* data = output_.data() + at + size;
  for (std::size_t i = 0; i < length; ++i) data[i] ^= key[i & 3];
  ScheduleFlush();
}

void WsConnection::ScheduleFlush() {
  if (flush_scheduled_ || waiting_writable_ || !socket_.is_open()) return;
  flush_scheduled_ = true;
  asio::post(socket_.get_executor(), [self = shared_from_this()] {
    self->flush_scheduled_ = false;
    self->Flush();
  });
}

void WsConnection::Flush() {
  if (ended_ || waiting_writable_) return;
  while (output_offset_ < output_.size()) {
    boost::system::error_code ec;
    std::size_t n = socket_.write_some(asio::buffer(output_.data() + output_offset_, output_.size() - output_offset_), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      waiting_writable_ = true;
      socket_.async_wait(TcpSocket::wait_write, [self = shared_from_this()](const boost::system::error_code& error) {
        self->waiting_writable_ = false;
        if (self->ended_) return;
        if (error) {
          self->End(std::nullopt);
          return;
        }
        self->Flush();
      });
      return;
    }
    if (ec) {
      End(std::nullopt);
      return;
    }
    output_offset_ += n;
  }
  output_.clear();
  output_offset_ = 0;
  // A big burst leaves a big buffer behind; an idle connection should not keep it.
  if (output_.capacity() > 65536) output_.shrink_to_fit();
}

void WsConnection::Abort() {
  if (ended_) return;
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  End(std::nullopt);
}

void WsConnection::End(std::optional<std::uint16_t> code) {
  if (ended_) return;
  ended_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);  // the buffers go with the object: a handler may still be reading them
  if (Listener* listener = listener_) {
    listener_ = nullptr;
    listener->OnClose(code);
  }
}

}  // namespace haven::bench
