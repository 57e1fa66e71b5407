/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What a channel source does after a failure: when to reconnect, and to which URI.
 */

#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice {

struct RetryConfig {
	uint32_t initialDelayMs = 1000; /* first retry */
	uint32_t maxDelayMs = 30000; /* cap of the exponential backoff */
	/* consecutive failures on one URI before the next; 0 = never switch */
	uint32_t failuresBeforeSwitch = 3;
	/* before the first attempt of the URI switched to (not after a whole cycle) */
	uint32_t failoverDelayMs = 0;
};

struct RetryDecision {
	size_t uriIndex = 0; /* which URI to open next */
	uint32_t delayMs = 0; /* wait this long before opening it */
	bool switched = false; /* uriIndex differs from the URI that failed */
	uint32_t attempt = 0; /* consecutive failures so far on the URI that failed (1-based) */
};

/*
 * A failure is anything that stops data: an error, a live stream ending, a stall. URI 0 is
 * the primary, the others are backups tried in order, wrapping back to the primary.
 *
 * Rules, with backoff(n) = min(maxDelayMs, initialDelayMs * 2^(n-1)), saturating (no overflow
 * however large n grows):
 *
 *  - A failure that does not switch retries the same URI after backoff(n), n being the
 *    consecutive failures of that URI.
 *  - The failuresBeforeSwitch-th consecutive failure of a URI switches to the next one, whose
 *    first attempt waits only failoverDelayMs (within the cap; 0 by default): a backup is
 *    likely healthy when the primary is not, and players are waiting.
 *  - Once every URI has used up its failures in a row (a whole cycle with no success), the
 *    fault is probably ours (the network) rather than the sources', so every later delay,
 *    switches included, is backoff(total consecutive failures across all URIs) until a success
 *    or a reset. A dead network is then not hammered.
 *  - With a single URI, or failuresBeforeSwitch = 0, there is never a switch.
 *  - onSuccess() (data flowed) forgets every failure but stays on the current URI; reset()
 *    also goes back to the primary.
 *
 * Example: 2 URIs, initialDelayMs 1000, maxDelayMs 30000, failuresBeforeSwitch 2.
 *
 *   failure  failed URI  attempt  ->  next URI  delay    why
 *   1        0           1            0         1000     backoff(1)
 *   2        0           2            1         0        switch: the backup at once
 *   3        1           1            1         1000     backoff(1)
 *   4        1           2            0         8000     whole cycle failed: backoff(4)
 *   5        0           1            0         16000    backoff(5)
 *   6        0           2            1         30000    backoff(6) = 32000, capped
 *   (success on URI 1: counts restart, the next failure of URI 1 waits 1000)
 */
class RetryPolicy
{
public:
	RetryPolicy(RetryConfig config, size_t uriCount); /* uriCount 0 is taken as 1 */

	/* The URI to open now. */
	size_t current() const { return current_; }
	const RetryConfig &config() const { return config_; }
	size_t uriCount() const { return uriCount_; }

	/* Records a failure of current() and decides what to open next, and when. */
	RetryDecision onFailure();
	/* Data flowed on current(): every failure count restarts at 0. */
	void onSuccess();
	/* Back to the primary, no failures. */
	void reset();

private:
	uint32_t backoff(uint32_t failures) const;

	RetryConfig config_;
	size_t uriCount_;
	size_t current_ = 0;
	uint32_t failures_ = 0; /* consecutive failures of current_ */
	uint32_t totalFailures_ = 0; /* consecutive failures across URIs since a success */
	size_t switches_ = 0; /* switches since a success, up to uriCount_ */
};

} /* namespace sluice */
