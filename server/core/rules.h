// The helpline's rules, as the core sees them. The server fills this from the [helpline]
// config section; every limit is named there.
#pragma once

#include <cstddef>

#include "server/core/instant.h"

namespace haven::core {

using namespace std::chrono_literals;

struct HelplineRules {
  std::size_t max_queue_length = 200;      // waiting visitors at most; beyond: busy
  Duration max_wait = 45min;               // waiting longer: the chat expires (busy screen, numbers)
  Duration offer_timeout = 30s;            // an unanswered offer returns the chat to the queue
  Duration transfer_timeout = 60s;         // an unanswered transfer leaves the chat where it was
  Duration visitor_resume_window = 2min;   // a dropped visitor keeps its chat this long
  // A dropped visitor who is still waiting keeps its place in the queue only this long: a flood
  // of joins that drop at once must not hold places for the resume window.
  Duration visitor_queue_resume_window = 45s;
  Duration counselor_resume_window = 2min; // a dropped counselor keeps its chats this long
  Duration position_update_interval = 5s;  // at most one queue update per visitor per interval
  Duration wrap_up_window = 24h;           // a wrap-up may be submitted this long after the end
  bool offer_chats = true;                 // offer waiting chats to available counselors ("take next" always works)
  Duration assumed_handle_time = 20min;    // the estimate's prior before real chats have ended
  std::size_t handle_time_samples = 50;    // recent handling times the estimate uses
  Duration service_level_target = 2min;    // answered within this counts toward the service level
};

}  // namespace haven::core
