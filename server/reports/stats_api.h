// GET /api/stats and /api/stats.csv (docs/protocol.md 11.5): the statistics page's data, for
// supervisors only. Suppression happens in storage, before anything leaves the server.
#pragma once

#include "server/auth/account_service.h"
#include "server/net/router.h"
#include "server/net/worker_pool.h"
#include "storage/stats_store.h"

namespace haven::reports {

// The routes refer to `accounts`, `stats` and `workers`, which must outlive the server.
void RegisterStatsApi(net::Router& router, auth::AccountService& accounts, storage::StatsStore& stats,
                      net::WorkerPool& workers, bool secure_cookie);

}  // namespace haven::reports
