/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The retry policy: exponential backoff per URI, failover to backups, whole-cycle backoff.
 */

#include "retrypolicy.h"

#include <algorithm>
#include <limits>

namespace sluice {

namespace {

uint32_t saturatingIncrement(uint32_t value)
{
	return value == std::numeric_limits<uint32_t>::max() ? value : value + 1;
}

} /* namespace */

RetryPolicy::RetryPolicy(RetryConfig config, size_t uriCount)
	: config_(config), uriCount_(std::max<size_t>(uriCount, 1))
{
}

uint32_t RetryPolicy::backoff(uint32_t failures) const
{
	const uint32_t exponent = failures > 0 ? failures - 1 : 0;
	if (config_.initialDelayMs == 0)
		return 0;
	/* initialDelayMs < 2^32, so a shift below 32 fits in 64 bits. */
	if (exponent >= 32)
		return config_.maxDelayMs;
	const uint64_t delay = static_cast<uint64_t>(config_.initialDelayMs) << exponent;
	return static_cast<uint32_t>(std::min<uint64_t>(delay, config_.maxDelayMs));
}

RetryDecision RetryPolicy::onFailure()
{
	failures_ = saturatingIncrement(failures_);
	totalFailures_ = saturatingIncrement(totalFailures_);

	RetryDecision decision;
	decision.attempt = failures_;

	const bool canSwitch = uriCount_ > 1 && config_.failuresBeforeSwitch > 0;
	if (canSwitch && failures_ >= config_.failuresBeforeSwitch) {
		current_ = (current_ + 1) % uriCount_;
		failures_ = 0;
		switches_ = std::min(switches_ + 1, uriCount_);
		decision.switched = true;
	}

	const bool wholeCycleFailed = switches_ >= uriCount_;
	if (wholeCycleFailed)
		decision.delayMs = backoff(totalFailures_);
	else if (decision.switched)
		decision.delayMs = std::min(config_.failoverDelayMs, config_.maxDelayMs);
	else
		decision.delayMs = backoff(failures_);

	decision.uriIndex = current_;
	return decision;
}

void RetryPolicy::onSuccess()
{
	failures_ = 0;
	totalFailures_ = 0;
	switches_ = 0;
}

void RetryPolicy::reset()
{
	onSuccess();
	current_ = 0;
}

} /* namespace sluice */
