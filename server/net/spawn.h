// Starting a coroutine on an event loop, with the one place where its exception is caught.
#pragma once

#include <exception>
#include <string_view>

#include "server/log/log.h"
#include "server/net/asio.h"

namespace haven::net {

// Runs `make_task()` on `executor`. An exception escaping the coroutine is logged (event
// name only: exception texts may quote input) and ends that coroutine alone.
template <typename MakeTask>
void Spawn(Executor executor, std::string_view what, MakeTask&& make_task) {
  asio::co_spawn(executor, std::forward<MakeTask>(make_task), [what](std::exception_ptr failure) {
    if (failure) log::Error("coroutine.failed", {{"coroutine", what}});
  });
}

}  // namespace haven::net
