// A join flood from very many networks (a botnet) against the shipped client puzzle: each
// network stays under every per-network limit, so what a place in the queue costs the flooder
// is the puzzle's CPU time once the queue is under pressure (protocol.md 11.2).
#pragma once

#include <cstddef>
#include <string>

#include "bench/latency_histogram.h"
#include "bench/bench_server.h"

namespace haven::bench {

struct PuzzleFloodResult {
  std::size_t free_places = 0;  // joined before the pressure began: no puzzle asked
  std::size_t paid_places = 0;  // joined with a solved puzzle
  std::size_t refused = 0;
  LatencyHistogram solve;       // CPU time per solved puzzle, nanoseconds, on this process's one thread
  double solving_seconds = 0;   // all of it together
  std::string real_visitor;     // what a real visitor (solving too) heard after the flood
};

// Starts its own server with the shipped join limits and puzzle, a counselor on duty who takes
// nobody (so the queue only grows), and sends `joins` joins from as many IPv6 /64s.
PuzzleFloodResult RunPuzzleFlood(const ServerChoice& server_choice, std::size_t joins);

}  // namespace haven::bench
