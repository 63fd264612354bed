// The binary envelope (protocol.md 10): any bytes are an envelope or refused; an envelope
// encodes back to exactly the bytes it came from (the server forwards frames unchanged).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_org.h"
#include "server/helpline/envelope.h"

using namespace haven;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  helpline::EnvelopeHeader header;
  header.chat.bytes.fill(0x42);
  header.leg = 1;
  header.seq = 3;
  std::string data = helpline::EncodeEnvelope(header, std::string(296, 'x'));
  header.type = helpline::EnvelopeType::kAck;
  std::string ack = helpline::EncodeEnvelope(header);
  header.type = helpline::EnvelopeType::kResend;
  fuzz::WriteSeedsIfAsked({data, ack, helpline::EncodeEnvelope(header)});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto header = helpline::ParseEnvelope(input);
  if (!header) return 0;
  if (header->seq == 0) fuzz::Finding("seq 0 accepted");
  std::string again = helpline::EncodeEnvelope(*header, input.substr(helpline::kEnvelopeHeaderSize));
  if (again != input) fuzz::Finding("an envelope does not encode back to its bytes");
  return 0;
}
