#include "server/net/beast_request.h"

namespace haven::net {

namespace http = boost::beast::http;

HttpMethod ToMethod(http::verb verb) {
  switch (verb) {
    case http::verb::get: return HttpMethod::kGet;
    case http::verb::head: return HttpMethod::kHead;
    case http::verb::post: return HttpMethod::kPost;
    case http::verb::put: return HttpMethod::kPut;
    case http::verb::delete_: return HttpMethod::kDelete;
    case http::verb::options: return HttpMethod::kOptions;
    case http::verb::patch: return HttpMethod::kPatch;
    default: return HttpMethod::kOther;
  }
}

BeastRequest::BeastRequest(const http::request<http::string_body>& request, const ClientKey& client)
    : request_(request), client_(client), method_(ToMethod(request.method())) {
  std::string_view target(request.target().data(), request.target().size());
  auto question = target.find('?');
  path_ = target.substr(0, question);
  if (question != std::string_view::npos) query_ = target.substr(question + 1);
}

std::optional<std::string_view> BeastRequest::Header(std::string_view name) const {
  auto it = request_.find(boost::beast::string_view(name.data(), name.size()));
  if (it == request_.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

}  // namespace haven::net
