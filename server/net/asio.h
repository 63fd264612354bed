// Asio and Beast type aliases for the net module (private to server/net; other modules
// never include Boost headers through ours).
//
// Every socket, timer and coroutine is bound to a concrete io_context executor rather than
// any_io_executor: the type-erased executor costs an allocation and an indirect call per
// operation, which shows on the relay's hot path.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>

namespace haven::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

using Executor = asio::io_context::executor_type;
template <typename T = void>
using Task = asio::awaitable<T, Executor>;
// Completion token for co_await that returns (error_code, result...) instead of throwing.
inline constexpr auto kUseTask = asio::as_tuple(asio::use_awaitable_t<Executor>{});

using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>, Executor>;
using HttpStream = beast::basic_stream<tcp, Executor, beast::unlimited_rate_policy>;

}  // namespace haven::net
