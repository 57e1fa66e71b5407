/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * How long to hold back the answer to a failed credential, per peer address.
 */

#include "throttle.h"

#include <algorithm>

namespace sluice {

FailureThrottle::Verdict FailureThrottle::fail(std::string_view address, int64_t nowUs)
{
	auto it = peers_.find(address);
	if (it == peers_.end()) {
		if (peers_.size() >= kMaxPeers)
			prune(nowUs);
		it = peers_.emplace(std::string(address), Peer {}).first;
	} else if (nowUs - it->second.lastUs > kForgetUs) {
		it->second.failures = 0;
	}
	Peer &peer = it->second;
	peer.failures++;
	peer.lastUs = nowUs;

	Verdict verdict;
	verdict.failures = peer.failures;
	uint64_t delay = kFirstDelayMs;
	for (uint32_t i = 1; i < peer.failures && delay < kMaxDelayMs; i++)
		delay *= 2;
	verdict.delayMs = static_cast<uint32_t>(std::min<uint64_t>(delay, kMaxDelayMs));
	return verdict;
}

void FailureThrottle::succeed(std::string_view address)
{
	auto it = peers_.find(address);
	if (it != peers_.end())
		peers_.erase(it);
}

void FailureThrottle::prune(int64_t nowUs)
{
	std::erase_if(peers_, [nowUs](const auto &entry) {
		return nowUs - entry.second.lastUs > kForgetUs;
	});
	while (peers_.size() >= kMaxPeers) {
		auto oldest = std::min_element(peers_.begin(), peers_.end(),
					       [](const auto &a, const auto &b) {
						       return a.second.lastUs < b.second.lastUs;
					       });
		peers_.erase(oldest);
	}
}

} /* namespace sluice */
