// Adapts a Beast request to the Boost-free HttpRequest that handlers see.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "server/net/http_types.h"

namespace haven::net {

HttpMethod ToMethod(boost::beast::http::verb verb);

class BeastRequest final : public HttpRequest {
 public:
  BeastRequest(const boost::beast::http::request<boost::beast::http::string_body>& request, const ClientKey& client);
  HttpMethod method() const override { return method_; }
  std::string_view path() const override { return path_; }
  std::string_view query() const override { return query_; }
  std::string_view body() const override { return request_.body(); }
  std::optional<std::string_view> Header(std::string_view name) const override;
  const ClientKey& client() const override { return client_; }
  std::shared_ptr<const std::atomic<bool>> abandoned() const override { return abandoned_; }
  // For the session, which learns that the client left.
  const std::shared_ptr<std::atomic<bool>>& abandoned_flag() const { return abandoned_; }

 private:
  const boost::beast::http::request<boost::beast::http::string_body>& request_;
  const ClientKey& client_;
  HttpMethod method_;
  std::string_view path_;
  std::string_view query_;
  std::shared_ptr<std::atomic<bool>> abandoned_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace haven::net
