#include "server/net/worker_pool.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace haven::net {

struct WorkerPool::Impl {
  explicit Impl(int threads) : pool(static_cast<std::size_t>(threads)) {}
  boost::asio::thread_pool pool;
};

WorkerPool::WorkerPool(int threads) : impl_(std::make_unique<Impl>(threads)) {}

WorkerPool::~WorkerPool() { impl_->pool.join(); }

void WorkerPool::Submit(std::function<void()> job) { boost::asio::post(impl_->pool, std::move(job)); }

}  // namespace haven::net
