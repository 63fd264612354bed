// The conformance case groups, numbered as the Autobahn TestSuite's groups they cover
// (autobahntestsuite/case/case<N>_*.py); each case's id is Autobahn's case number, or N.H.k
// for a case Autobahn does not have. Each case opens its own connection to the target.
#pragma once

#include <cstddef>
#include <vector>

#include "tests/conformance/conformance_case.h"

namespace haven::conformance {

std::vector<CaseResult> RunFramingCases(const Target& target);        // 1: lengths, chopped writes
std::vector<CaseResult> RunPingPongCases(const Target& target);       // 2
std::vector<CaseResult> RunReservedBitCases(const Target& target);    // 3
std::vector<CaseResult> RunOpcodeCases(const Target& target);         // 4
std::vector<CaseResult> RunFragmentationCases(const Target& target);  // 5
std::vector<CaseResult> RunUtf8Cases(const Target& target);           // 6
std::vector<CaseResult> RunCloseCases(const Target& target);          // 7
// 9: messages up to `read_message_max` bytes (the server's websocket.read_message_max_bytes)
// are echoed; Autobahn's larger sizes must be refused with close 1009.
std::vector<CaseResult> RunLimitAndSizeCases(const Target& target, std::size_t read_message_max);

}  // namespace haven::conformance
