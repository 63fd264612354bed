#include "server/net/http_types.h"

namespace haven::net {

std::string_view MethodName(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet: return "GET";
    case HttpMethod::kHead: return "HEAD";
    case HttpMethod::kPost: return "POST";
    case HttpMethod::kPut: return "PUT";
    case HttpMethod::kDelete: return "DELETE";
    case HttpMethod::kOptions: return "OPTIONS";
    case HttpMethod::kPatch: return "PATCH";
    case HttpMethod::kOther: return "OTHER";
  }
  return "OTHER";
}

HttpResponse HttpResponse::Text(int status, std::string_view sentence) {
  HttpResponse response;
  response.status = status;
  response.body = std::string(sentence) + "\n";
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace haven::net
