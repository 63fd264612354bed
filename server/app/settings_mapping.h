// From the [helpline], [relay], [auth] config sections to the settings of the modules that
// use them (which know nothing of the config file).
#pragma once

#include "server/auth/account_service.h"
#include "server/auth/auth_api.h"
#include "server/config/config.h"
#include "server/helpline/helpline_options.h"

namespace haven::app {

helpline::HelplineOptions HelplineOptionsFor(const Config& config, helpline::OrgInfo org);
auth::AccountPolicy AccountPolicyFor(const Config& config);
auth::LoginThrottlePolicy LoginThrottlePolicyFor(const Config& config);
// `origins`: the reloadable websocket.allowed_origins the WebSocket endpoints share.
auth::AuthApiOptions AuthApiOptionsFor(const Config& config, std::shared_ptr<const net::OriginList> origins);

}  // namespace haven::app
