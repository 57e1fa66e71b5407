/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * How long to hold back the answer to a failed credential, per peer address.
 */

#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace sluice {

/*
 * Each wrong credential from an address doubles the delay of the next answer to that address:
 * kFirstDelayMs for the first failure, then 2x, 4x, ... up to kMaxDelayMs. Failures are
 * forgotten kForgetUs after the last one, or when the address gets a credential right. A
 * guesser therefore gets a few tries a minute; a person who mistyped waits a quarter second.
 *
 * Pure: the caller passes the monotonic time and applies the delay (without blocking). Main
 * thread only.
 */
class FailureThrottle
{
public:
	static constexpr uint32_t kFirstDelayMs = 250;
	static constexpr uint32_t kMaxDelayMs = 8000;
	static constexpr int64_t kForgetUs = 10 * 60 * 1000000LL;
	/* Addresses remembered at most; the oldest is forgotten first. */
	static constexpr size_t kMaxPeers = 4096;

	struct Verdict {
		uint32_t failures = 0; /* recent failures of this address, this one included */
		uint32_t delayMs = 0; /* hold the answer back this long */
	};

	/* Records a failure of address at nowUs. */
	Verdict fail(std::string_view address, int64_t nowUs);
	/* The address got it right: its failures are forgotten. */
	void succeed(std::string_view address);

	size_t size() const { return peers_.size(); }

private:
	struct Peer {
		uint32_t failures = 0;
		int64_t lastUs = 0;
	};
	void prune(int64_t nowUs);

	std::map<std::string, Peer, std::less<>> peers_;
};

} /* namespace sluice */
